// What the console's first route (/data/sources, the list page) downloads, read from the build's
// manifest (dist/.vite/manifest.json): the entry chunk and its static imports, transitively, plus
// the list page's lazy chunk and its own static imports. One definition for the figure that
// bench/console-size.ts prints and tests/console-size.test.ts holds to the target.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** The first route's JavaScript, gzip -9 bytes (200 kB). */
export const TARGET_GZIP_JS = 200_000;
/** The lazy chunk /data/sources renders. */
export const FIRST_ROUTE_PAGE = "src/features/data-sources/components/data-sources-page.tsx";

export interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export function readManifest(dist: string): Manifest {
  return JSON.parse(readFileSync(path.join(dist, ".vite", "manifest.json"), "utf8")) as Manifest;
}

/** Keys of `from` and everything they import statically, transitively. */
export function staticClosure(manifest: Manifest, from: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) visit(next);
  };
  from.forEach(visit);
  return [...seen];
}

export function gzipBytes(dist: string, file: string): number {
  return gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
}

/** The files /data/sources loads before it shows its list, each with its gzip -9 size. */
export function firstRouteJs(dist: string): { file: string; gzip: number }[] {
  const manifest = readManifest(dist);
  const entries = Object.keys(manifest).filter((key) => manifest[key]!.isEntry);
  if (entries.length === 0) throw new Error("the manifest names no entry chunk");
  if (!manifest[FIRST_ROUTE_PAGE]) throw new Error(`the manifest has no chunk for ${FIRST_ROUTE_PAGE}: is it still the first route's lazy page?`);
  const keys = staticClosure(manifest, [...entries, FIRST_ROUTE_PAGE]);
  return keys.map((key) => ({ file: manifest[key]!.file, gzip: gzipBytes(dist, manifest[key]!.file) }));
}

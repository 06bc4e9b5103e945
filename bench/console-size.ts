// `npm run bench:console-size`: what the console's first route costs to download, figures not
// pass/fail. Builds the console (`vite build`, into dist/ unless --dist DIR) or, with --no-build,
// reads an existing build; then from dist/.vite/manifest.json takes the JavaScript (and separately
// the CSS) the first route needs:
//   - the entry chunk (index.html) and its static imports, transitively;
//   - the lazy chunk(s) of /data/sources: dynamic imports reached from those chunks whose source
//     lives under src/features/data-sources/, with their own static imports (none when the
//     console is one chunk: then entry + static imports is the whole first route).
// Prints raw, gzip (node:zlib level 9) and brotli (quality 11) bytes per file and in total, and
// gzip JS / 200 kB (200,000 bytes), the target for the first route's JavaScript. When the data
// sources feature has several lazy chunks (list, create, detail, ...), the total counts them all (an
// upper bound: the list page alone is what /data/sources loads), and a breakdown shows what the
// entry needs alone and what each lazy chunk adds to it (its own static imports included), so the
// list page's figure can be read off.
// Usage: node bench/console-size.ts [--no-build] [--dist DIR]
// The list page's own figure (what tests/console-size.test.ts holds to the target) comes from
// bench/first-route.ts, the one definition of it; so does the task page's (/data/integration/:id:
// the entry, its static imports, the page's chunk and the lazy chunks it loads whenever it is
// shown), printed last with its ratio to 220 kB brotli.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import {
  FIRST_ROUTE_PAGE,
  firstRouteJs,
  readManifest,
  staticClosure as closureIn,
  TARGET_GZIP_JS,
  TARGET_TASK_PAGE_BROTLI,
  TASK_PAGE_CHUNKS,
  taskPageJs,
} from "./first-route.ts";

const LAZY_ROUTE_SOURCE = "src/features/data-sources/";

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}
const root = path.resolve(import.meta.dirname, "..");
const dist = path.resolve(root, option("--dist") ?? "dist");
const build = !process.argv.includes("--no-build");
const shown = (file: string) => (file.startsWith(root + path.sep) ? path.relative(root, file) : file);

if (build) {
  const started = Date.now();
  const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
  const out = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn", "--outDir", dist, "--emptyOutDir"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (out.status !== 0) {
    console.error(`vite build failed (exit ${out.status ?? out.signal})`);
    process.exit(1);
  }
  console.log(`vite build: ${((Date.now() - started) / 1000).toFixed(1)} s into ${shown(dist)}`);
}

const manifestPath = path.join(dist, ".vite", "manifest.json");
if (!existsSync(manifestPath)) {
  console.error(`${shown(manifestPath)} not found: build with build.manifest (vite.config.ts), or drop --no-build`);
  process.exit(1);
}
const manifest = readManifest(dist);

const entryKeys = Object.keys(manifest).filter((key) => manifest[key]!.isEntry);
if (entryKeys.length === 0) {
  console.error("the manifest names no entry chunk");
  process.exit(1);
}

const staticClosure = (from: string[]) => closureIn(manifest, from);

const initial = staticClosure(entryKeys);
const reachableLazy = [...new Set(initial.flatMap((key) => manifest[key]!.dynamicImports ?? []))];
const isRouteChunk = (key: string) => (manifest[key]?.src ?? key).startsWith(LAZY_ROUTE_SOURCE);
const routeLazy = reachableLazy.filter(isRouteChunk);
const routeClosure = staticClosure(routeLazy).filter((key) => !initial.includes(key));

type Role = "entry" | "static" | "lazy" | "lazy-static";
const roleOf = (key: string): Role =>
  entryKeys.includes(key) ? "entry" : initial.includes(key) ? "static" : routeLazy.includes(key) ? "lazy" : "lazy-static";

interface Row {
  role: Role | "css";
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}
function measure(role: Row["role"], file: string): Row {
  const content = readFileSync(path.join(dist, file));
  return {
    role,
    file,
    raw: content.length,
    gzip: gzipSync(content, { level: 9 }).length,
    brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }).length,
  };
}

const jsKeys = [...initial, ...routeClosure];
const jsRows = [...new Set(jsKeys)].map((key) => measure(roleOf(key), manifest[key]!.file));
const cssFiles = [...new Set(jsKeys.flatMap((key) => manifest[key]!.css ?? []))];
const cssRows = cssFiles.map((file) => measure("css", file));

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const bytes = (n: number) => n.toLocaleString("en");
const sum = (rows: Row[], field: "raw" | "gzip" | "brotli") => rows.reduce((total, row) => total + row[field], 0);
const width = Math.max(20, ...[...jsRows, ...cssRows].map((row) => row.file.length));
const line = (role: string, file: string, raw: string, gzip: string, brotli: string) =>
  console.log(`${role.padEnd(12)}${file.padEnd(width + 2)}${raw.padStart(12)}${gzip.padStart(12)}${brotli.padStart(12)}`);

function table(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  line("role", "file (bytes)", "raw", "gzip -9", "brotli 11");
  for (const row of rows) line(row.role, row.file, bytes(row.raw), bytes(row.gzip), bytes(row.brotli));
  line("total", `${rows.length} file${rows.length === 1 ? "" : "s"}`, bytes(sum(rows, "raw")), bytes(sum(rows, "gzip")), bytes(sum(rows, "brotli")));
}

console.log(`bench:console-size  first route /data/sources  (${shown(manifestPath)})`);
console.log(
  routeLazy.length > 0
    ? `lazy chunks of ${LAZY_ROUTE_SOURCE}: ${routeLazy.map((key) => manifest[key]!.file).join(", ")}`
    : `no lazy chunk from ${LAZY_ROUTE_SOURCE}: counting the entry and its static imports`,
);
const otherLazy = reachableLazy.filter((key) => !routeLazy.includes(key));
if (otherLazy.length > 0) console.log(`lazy chunks of other routes (not counted): ${otherLazy.length}`);

table("JavaScript", jsRows);
table("CSS", cssRows);

if (routeLazy.length > 1) {
  const initialGzip = sum(jsRows.filter((row) => row.role === "entry" || row.role === "static"), "gzip");
  const gzipOf = new Map(jsRows.map((row) => [row.file, row.gzip]));
  console.log(`\ngzip JS by lazy chunk: entry and its static imports alone ${kB(initialGzip)} (${(initialGzip / TARGET_GZIP_JS).toFixed(2)} of target)`);
  for (const key of routeLazy) {
    const own = staticClosure([key]).filter((k) => !initial.includes(k));
    const adds = own.reduce((total, k) => total + (gzipOf.get(manifest[k]!.file) ?? 0), 0);
    const withIt = initialGzip + adds;
    console.log(`  + ${manifest[key]!.src ?? key}: +${kB(adds)} = ${kB(withIt)} (${(withIt / TARGET_GZIP_JS).toFixed(2)} of target)`);
  }
}

const gzipJs = sum(jsRows, "gzip");
console.log(
  `\nfirst-route JS: ${kB(sum(jsRows, "raw"))} raw, ${kB(gzipJs)} gzip, ${kB(sum(jsRows, "brotli"))} brotli; ` +
    `CSS: ${kB(sum(cssRows, "gzip"))} gzip`,
);
console.log(`gzip JS / target (${kB(TARGET_GZIP_JS)})${routeLazy.length > 1 ? `, all ${routeLazy.length} lazy chunks of ${LAZY_ROUTE_SOURCE}` : ""}: ${(gzipJs / TARGET_GZIP_JS).toFixed(2)}${gzipJs <= TARGET_GZIP_JS ? "  (within target)" : "  (over target)"}`);

const listPage = firstRouteJs(dist).reduce((total, file) => total + file.gzip, 0);
console.log(
  `first route as shown (entry + ${FIRST_ROUTE_PAGE}): ${kB(listPage)} gzip JS, ${(listPage / TARGET_GZIP_JS).toFixed(2)} of target` +
    `${listPage <= TARGET_GZIP_JS ? "  (within target)" : "  (over target)"}; tests/console-size.test.ts holds it there`,
);

const taskPage = taskPageJs(dist).sort((a, b) => b.brotli - a.brotli);
console.log(`\ntask page as shown (entry + ${TASK_PAGE_CHUNKS.join(", ")}; largest first)`);
line("", "file (bytes)", "raw", "gzip -9", "brotli 11");
for (const row of taskPage) line("", row.file, bytes(row.raw), bytes(row.gzip), bytes(row.brotli));
const taskBrotli = taskPage.reduce((total, row) => total + row.brotli, 0);
line("total", `${taskPage.length} files`, bytes(taskPage.reduce((t, r) => t + r.raw, 0)), bytes(taskPage.reduce((t, r) => t + r.gzip, 0)), bytes(taskBrotli));
console.log(
  `task page as shown: ${kB(taskPage.reduce((t, r) => t + r.raw, 0))} raw, ${kB(taskPage.reduce((t, r) => t + r.gzip, 0))} gzip, ${kB(taskBrotli)} brotli JS; ` +
    `brotli / target (${kB(TARGET_TASK_PAGE_BROTLI)}): ${(taskBrotli / TARGET_TASK_PAGE_BROTLI).toFixed(2)}` +
    `${taskBrotli <= TARGET_TASK_PAGE_BROTLI ? "  (within target)" : "  (over target)"}; tests/console-size.test.ts holds it there`,
);

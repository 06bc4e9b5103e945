// Part of step 4 (load), the statements: loading a batch of object versions with as few statements as possible, on Databend's own load
// rules (databendlabs/databend, src/query/storages/common/stage and the COPY interpreter):
// - Each attempt is ONE Databend transaction (Copier.loadVersions): the COPY of the versions that
//   have no receipt yet, with FORCE = TRUE, and their receipts. Databend's path-keyed load metadata
//   decides nothing: a version with a receipt is loaded; one without loads, whatever the path's
//   history. An attempt can also end rolled back with nothing written: an object changed under
//   the COPY (superseded), or this worker's claims lapsed (lost).
// - COPY with FILES stats every listed file first and one missing file fails the whole statement
//   (3001, with the file's URI), and ON_ERROR = ABORT fails it on the first bad file, naming it
//   (`at file '<path>'`). A failed statement rolls its transaction back; the failing file is taken
//   out by name and the rest retried; only an error that names no file falls back to halving.
//   Errors that affect every file alike (Databend unreachable, credentials refused, target
//   unusable) stop the batch at once.
import { WarehouseError } from "../../databend/client.ts";
import type { VersionsLoad } from "../copier.ts";

/** One object version to load (its ETag is the caller's: `copy` is given keys). */
export interface LoadItem {
  key: string;
}

export type FileOutcome =
  | {
      key: string;
      status: "loaded";
      rows: number;
      errorsSeen: number;
      firstError: string | null;
      firstErrorLine: number | null;
      /** When the COPY that loaded it returned (ms since the epoch, this host's clock): its rows are committed. */
      committedAt: number;
    }
  /** Loaded before (a receipt in Databend says so, e.g. by a worker that died before recording it). */
  | { key: string; status: "receipted"; rows: number; by: string }
  /** The object changed under the COPY; rolled back, nothing written (the newer version's event loads it). */
  | { key: string; status: "superseded"; current: string | null }
  /** This worker's claim lapsed before COMMIT; rolled back, nothing written (the new holder loads it). */
  | { key: string; status: "lost" }
  /** The object no longer exists (deleted, or purged by another load). */
  | { key: string; status: "missing"; error: string; detail?: string }
  /** `error` is the operator's sentence; `detail` Databend's own text behind it (scrubbed). */
  | { key: string; status: "failed"; error: string; detail?: string; errorClass: WarehouseError["errorClass"] | "budget"; code?: number | undefined; codeName?: string | undefined };

export interface LoadDeps {
  /** One transaction loading these keys with their receipts; throws WarehouseError (rolled back). */
  copy(keys: readonly string[]): Promise<VersionsLoad>;
  /** Whether the object exists now; undefined when that cannot be told. */
  objectExists(key: string): Promise<boolean | undefined>;
  /** At most this many statements for one batch (isolation included). */
  maxStatements: number;
}

export interface LoadResult {
  outcomes: FileOutcome[];
  statements: number;
  /** The error that stopped the batch, when one affected every file. */
  stoppedBy: WarehouseError | undefined;
}

/** COPY reports a file by its path under the location; ours is the bucket root, so that is the key. */
export function resultKey(file: string, bucket?: string): string {
  let key = file;
  if (bucket && key.startsWith(`s3://${bucket}/`)) key = key.slice(`s3://${bucket}/`.length);
  return key.replace(/^\/+/, "");
}

interface Group {
  keys: string[];
}

export async function loadItems(items: readonly LoadItem[], deps: LoadDeps, bucket?: string): Promise<LoadResult> {
  const outcomes = new Map<string, FileOutcome>();
  const all = [...new Set(items.map((i) => i.key))];
  const groups: Group[] = all.length > 0 ? [{ keys: all }] : [];
  let statements = 0;
  let stoppedBy: WarehouseError | undefined;
  let lastError = "";
  let lastDetail: string | undefined;

  while (groups.length > 0) {
    const group = groups.shift()!;
    if (stoppedBy) {
      for (const key of group.keys) outcomes.set(key, { key, status: "failed", error: stoppedBy.sentence, detail: stoppedBy.detail, errorClass: stoppedBy.errorClass, code: stoppedBy.code, codeName: stoppedBy.codeName });
      continue;
    }
    if (statements >= deps.maxStatements) {
      const error = `not loaded: isolating failing files took more than ${deps.maxStatements} statements; last error: ${lastError}`;
      for (const key of group.keys) outcomes.set(key, { key, status: "failed", error, ...(lastDetail ? { detail: lastDetail } : {}), errorClass: "budget" });
      continue;
    }
    statements++;
    try {
      const result = await deps.copy(group.keys);
      if (result.kind === "claims_lost") {
        for (const key of group.keys) outcomes.set(key, { key, status: "lost" });
        continue;
      }
      if (result.kind === "superseded") {
        const changed = new Set(result.versions.map((v) => v.key));
        for (const v of result.versions) outcomes.set(v.key, { key: v.key, status: "superseded", current: v.current });
        const rest = group.keys.filter((k) => !changed.has(k));
        if (rest.length > 0) groups.unshift({ keys: rest });
        continue;
      }
      const committedAt = Date.now();
      for (const key of group.keys) {
        const receipt = result.receipted.get(key);
        if (receipt) {
          outcomes.set(key, { key, status: "receipted", rows: receipt.rows, by: receipt.workerId });
          continue;
        }
        const r = result.loaded.get(key);
        outcomes.set(key, {
          key,
          status: "loaded",
          rows: r?.rowsLoaded ?? 0,
          errorsSeen: r?.errorsSeen ?? 0,
          firstError: r?.firstError ?? null,
          firstErrorLine: r?.firstErrorLine ?? null,
          committedAt,
        });
      }
    } catch (error) {
      const e = error instanceof WarehouseError ? error : new WarehouseError("file", String(error));
      lastError = e.sentence;
      lastDetail = e.detail;
      if (e.errorClass !== "file") {
        stoppedBy = e;
        for (const key of group.keys) outcomes.set(key, { key, status: "failed", error: e.sentence, detail: e.detail, errorClass: e.errorClass, code: e.code, codeName: e.codeName });
        continue;
      }
      const named = e.file === undefined ? undefined : resultKey(e.file, bucket);
      if (named !== undefined && group.keys.includes(named)) {
        // The error names its file: settle that one, retry the others together. A 3001 names a
        // vanished object, or any object of a bucket that is gone: only a HEAD saying the object
        // does not exist makes it "missing" (skipped); anything else is a failure, retried later.
        const exists = await deps.objectExists(named).catch(() => undefined);
        if (exists === false) outcomes.set(named, { key: named, status: "missing", error: e.sentence, detail: e.detail });
        else outcomes.set(named, { key: named, status: "failed", error: e.sentence, detail: e.detail, errorClass: e.errorClass, code: e.code, codeName: e.codeName });
        const rest = group.keys.filter((k) => k !== named);
        if (rest.length > 0) groups.unshift({ ...group, keys: rest });
        continue;
      }
      if (group.keys.length > 1) {
        const half = Math.ceil(group.keys.length / 2);
        groups.unshift({ ...group, keys: group.keys.slice(0, half) }, { ...group, keys: group.keys.slice(half) });
        continue;
      }
      const key = group.keys[0]!;
      // One file failed on its own: if the object is gone, there is nothing to load and nothing to retry.
      const exists = await deps.objectExists(key).catch(() => undefined);
      if (exists === false) outcomes.set(key, { key, status: "missing", error: e.sentence, detail: e.detail });
      else outcomes.set(key, { key, status: "failed", error: e.sentence, detail: e.detail, errorClass: e.errorClass, code: e.code, codeName: e.codeName });
    }
  }
  const keys = [...new Set(items.map((i) => i.key))];
  return { outcomes: keys.map((k) => outcomes.get(k)!), statements, stoppedBy };
}

// Loading a batch of object keys with as few COPY statements as possible: one for the whole batch
// when it succeeds. When a statement fails because of a file (ON_ERROR = ABORT and a malformed
// file, or an object deleted meanwhile), the batch is split in halves until the failing files are
// isolated, so good files are not held back by a bad one. Errors that affect every file alike
// (Databend unreachable, credentials refused, target table missing) stop the batch at once.
import type { CopyFileResult, WarehouseError } from "../databend/client.ts";

export type FileOutcome =
  | { key: string; status: "loaded"; rows: number; errorsSeen: number; firstError: string | null; firstErrorLine: number | null }
  /** Not in COPY's result: Databend's load metadata says this table already loaded the file. */
  | { key: string; status: "duplicate" }
  /** The object no longer exists (deleted, or purged by another load). */
  | { key: string; status: "missing"; error: string }
  | { key: string; status: "failed"; error: string; kind: WarehouseError["kind"] | "budget" };

export interface LoadDeps {
  /** Runs one COPY INTO for these keys; throws WarehouseError. */
  copy(keys: readonly string[]): Promise<CopyFileResult[]>;
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

export async function loadKeys(keys: readonly string[], deps: LoadDeps, bucket?: string): Promise<LoadResult> {
  const outcomes = new Map<string, FileOutcome>();
  const groups: string[][] = keys.length > 0 ? [[...new Set(keys)]] : [];
  let statements = 0;
  let stoppedBy: WarehouseError | undefined;
  let lastError = "";

  while (groups.length > 0) {
    const group = groups.shift()!;
    if (stoppedBy) {
      for (const key of group) outcomes.set(key, { key, status: "failed", error: stoppedBy.message, kind: stoppedBy.kind });
      continue;
    }
    if (statements >= deps.maxStatements) {
      const error = `not loaded: isolating failing files took more than ${deps.maxStatements} statements; last error: ${lastError}`;
      for (const key of group) outcomes.set(key, { key, status: "failed", error, kind: "budget" });
      continue;
    }
    statements++;
    try {
      const results = await deps.copy(group);
      const inGroup = new Set(group);
      for (const r of results) {
        const key = resultKey(r.file, bucket);
        if (!inGroup.has(key)) continue;
        outcomes.set(key, {
          key,
          status: "loaded",
          rows: r.rowsLoaded,
          errorsSeen: r.errorsSeen,
          firstError: r.firstError,
          firstErrorLine: r.firstErrorLine,
        });
      }
      for (const key of group) if (!outcomes.has(key)) outcomes.set(key, { key, status: "duplicate" });
    } catch (error) {
      const e = error as WarehouseError;
      lastError = e.message;
      if (e.kind !== "statement") {
        stoppedBy = e;
        for (const key of group) outcomes.set(key, { key, status: "failed", error: e.message, kind: e.kind });
        continue;
      }
      if (group.length > 1) {
        const half = Math.ceil(group.length / 2);
        groups.unshift(group.slice(0, half), group.slice(half));
        continue;
      }
      const key = group[0]!;
      // One file failed on its own: if the object is gone, there is nothing to load and nothing to retry.
      const exists = await deps.objectExists(key).catch(() => undefined);
      if (exists === false) outcomes.set(key, { key, status: "missing", error: e.message });
      else outcomes.set(key, { key, status: "failed", error: e.message, kind: e.kind });
    }
  }
  return { outcomes: keys.length ? [...new Set(keys)].map((k) => outcomes.get(k)!) : [], statements, stoppedBy };
}

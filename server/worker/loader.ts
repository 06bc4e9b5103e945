// Loading a batch of object versions with as few COPY statements as possible, on Databend's own
// load rules (databendlabs/databend, src/query/storages/common/stage and the COPY interpreter):
// - COPY keeps load metadata per table keyed by the file's path alone and skips a known path
//   without comparing ETag or size, so first loads share one statement, while an overwrite (a new
//   ETag of a key this task loaded before) needs FORCE = TRUE in a statement of its own that
//   carries a deduplicate label for task/key/ETag: a retry of that statement loads nothing twice.
// - COPY with FILES stats every listed file first and one missing file fails the whole statement
//   (3001, with the file's URI), and ON_ERROR = ABORT fails it on the first bad file, naming it
//   (`at file '<path>'`). The failing file is taken out by name and the rest retried; only an error
//   that names no file falls back to halving. Errors that affect every file alike (Databend
//   unreachable, credentials refused, target unusable) stop the batch at once.
import { WarehouseError, type CopyFileResult } from "../databend/client.ts";

/** One object version to load; `force` versions go one per statement with their label. */
export interface LoadItem {
  key: string;
  force: boolean;
  label?: string;
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
  /** Not in COPY's result: Databend's load metadata (or the deduplicate label) says it is loaded. */
  | { key: string; status: "skipped_by_databend" }
  /** The object no longer exists (deleted, or purged by another load). */
  | { key: string; status: "missing"; error: string; detail?: string }
  /** `error` is the operator's sentence; `detail` Databend's own text behind it (scrubbed). */
  | { key: string; status: "failed"; error: string; detail?: string; kind: WarehouseError["kind"] | "budget" };

export interface LoadDeps {
  /** Runs one COPY INTO for these keys (FORCE and label when given); throws WarehouseError. */
  copy(keys: readonly string[], options: { force: boolean; label?: string }): Promise<CopyFileResult[]>;
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
  force: boolean;
  label?: string;
}

export async function loadItems(items: readonly LoadItem[], deps: LoadDeps, bucket?: string): Promise<LoadResult> {
  const outcomes = new Map<string, FileOutcome>();
  const plain = [...new Set(items.filter((i) => !i.force).map((i) => i.key))];
  const groups: Group[] = plain.length > 0 ? [{ keys: plain, force: false }] : [];
  for (const item of items) if (item.force) groups.push({ keys: [item.key], force: true, label: item.label });
  let statements = 0;
  let stoppedBy: WarehouseError | undefined;
  let lastError = "";
  let lastDetail: string | undefined;

  while (groups.length > 0) {
    const group = groups.shift()!;
    if (stoppedBy) {
      for (const key of group.keys) outcomes.set(key, { key, status: "failed", error: stoppedBy.sentence, detail: stoppedBy.detail, kind: stoppedBy.kind });
      continue;
    }
    if (statements >= deps.maxStatements) {
      const error = `not loaded: isolating failing files took more than ${deps.maxStatements} statements; last error: ${lastError}`;
      for (const key of group.keys) outcomes.set(key, { key, status: "failed", error, ...(lastDetail ? { detail: lastDetail } : {}), kind: "budget" });
      continue;
    }
    statements++;
    try {
      const results = await deps.copy(group.keys, { force: group.force, label: group.label });
      const committedAt = Date.now();
      const inGroup = new Set(group.keys);
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
          committedAt,
        });
      }
      for (const key of group.keys) if (!outcomes.has(key)) outcomes.set(key, { key, status: "skipped_by_databend" });
    } catch (error) {
      const e = error instanceof WarehouseError ? error : new WarehouseError("statement", String(error));
      lastError = e.sentence;
      lastDetail = e.detail;
      if (e.kind !== "statement") {
        stoppedBy = e;
        for (const key of group.keys) outcomes.set(key, { key, status: "failed", error: e.sentence, detail: e.detail, kind: e.kind });
        continue;
      }
      const named = e.file === undefined ? undefined : resultKey(e.file, bucket);
      if (named !== undefined && group.keys.includes(named)) {
        // The error names its file: settle that one, retry the others together. A 3001 names a
        // vanished object, or any object of a bucket that is gone: only a HEAD saying the object
        // does not exist makes it "missing" (skipped); anything else is a failure, retried later.
        const exists = await deps.objectExists(named).catch(() => undefined);
        if (exists === false) outcomes.set(named, { key: named, status: "missing", error: e.sentence, detail: e.detail });
        else outcomes.set(named, { key: named, status: "failed", error: e.sentence, detail: e.detail, kind: e.kind });
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
      else outcomes.set(key, { key, status: "failed", error: e.sentence, detail: e.detail, kind: e.kind });
    }
  }
  const keys = [...new Set(items.map((i) => i.key))];
  return { outcomes: keys.map((k) => outcomes.get(k)!), statements, stoppedBy };
}

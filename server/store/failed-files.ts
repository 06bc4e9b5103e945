// FailedFilesPort over Kysely (contracts/failed-files.ts): the attempt count of an object version
// that fails with a file error, its quarantine after WORKER_FILE_ATTEMPTS, the paged list, Retry
// (marks `retrying`; the worker holding the task loads the current version) and Dismiss (with a
// reason). Every API-side query is scoped by organization and task; the worker's by its task's
// organization and id. A later successful load of the same bucket/key clears its entries: that is
// written with the batch's record (clearFailedFiles, called by runs.ts's finishBatch).
import { randomUUID } from "node:crypto";
import { sql, type Kysely, type Selectable } from "kysely";
import {
  FAILED_FILE_STATES,
  type FailedFile,
  type FailedFileCounts,
  type FailedFilesPage,
  type FailedFilesQuery,
  type FailedFileState,
} from "#contracts/failed-files.ts";
import type { StoreDb } from "./dialect.ts";
import type { Database, FailedFilesTable } from "./schema.ts";
import type { LedgerObject } from "./tasks.ts";

/** Below the attempt limit: kept to count attempts, never listed. */
const COUNTING = "counting";

/** One failure of one object version, as the worker saw it. */
export interface FileFailureInput {
  bucket: string;
  key: string;
  etag: string;
  versionId: string | null;
  size: number | null;
  errorClass: string;
  errorCode: number | null;
  errorCodeName: string | null;
  /** The operator's sentence. */
  error: string;
  /** Databend's own text (scrubbed). */
  detail: string;
  file: string | null;
  line: number | null;
  column: string | null;
  value: string | null;
  eventName: string | null;
  eventTime: string | null;
  sequencer: string | null;
  messageId: string | null;
}

/**
 * What a failure came to: `counting` (below the limit: retried through the queue's backoff), or
 * `failed` (quarantined; `newly` when this failure put it there, so the counters move once).
 * A version the operator dismissed stays dismissed (its messages are deleted all the same).
 */
export interface FileFailureResult {
  state: "counting" | "failed" | "dismissed";
  attempts: number;
  newly: boolean;
}

export type FailedFileSelection = { ids: readonly string[] } | { all: true };

export interface FailedFilesPort {
  /**
   * Counts one failure of a version. The same error code again adds an attempt; another code
   * starts over at 1 ("fails the same way"). At `maxAttempts`, or at once for a file the operator
   * asked to retry, the version is quarantined.
   */
  recordFileFailure(orgId: string, taskId: string, failure: FileFailureInput, maxAttempts: number): Promise<FileFailureResult>;
  /** Null when the task is not in the org. */
  listFailedFiles(orgId: string, taskId: string, query: FailedFilesQuery): Promise<FailedFilesPage | null>;
  /** Files in `failed` (by id, or all) move to `retrying`. Null when the task is not in the org. */
  retryFailedFiles(orgId: string, taskId: string, selection: FailedFileSelection): Promise<{ updated: number; counts: FailedFileCounts; keys: string[] } | null>;
  /** Files in `failed` or `retrying` (by id, or all) move to `dismissed` with the reason. */
  dismissFailedFiles(orgId: string, taskId: string, selection: FailedFileSelection, reason: string, by: string): Promise<{ updated: number; counts: FailedFileCounts; keys: string[] } | null>;
  /** Files in `failed` per task among `taskIds` (tasks with none are absent): the alert rule failed_files_above. */
  failedCountsByTask(orgId: string, taskIds: readonly string[]): Promise<Map<string, number>>;
  /** The worker's side of Retry: files of its task in `retrying` (oldest first, at most `limit`). */
  retryingFiles(orgId: string, taskId: string, limit: number): Promise<{ id: string; bucket: string; key: string }[]>;
  /**
   * A retried file whose retry ended without a load that clears it: back to `failed` with the
   * sentence (gone, overwritten, not loaded this time), or `cleared` (the ledger says its current
   * version is loaded already). Only while it is still `retrying`.
   */
  retryEnded(orgId: string, taskId: string, id: string, outcome: { state: "failed"; error: string } | { state: "cleared" }): Promise<void>;
}

function toFailedFile(row: Selectable<FailedFilesTable>): FailedFile {
  return {
    id: row.id,
    task_id: row.task_id,
    bucket: row.bucket,
    key: row.key,
    version_id: row.version_id,
    etag: row.etag === "" ? null : row.etag,
    size: row.size === null ? null : Number(row.size),
    error_class: row.error_class,
    error_code: row.error_code === null ? null : Number(row.error_code),
    error_code_name: row.error_code_name,
    error: row.error,
    detail: row.detail,
    file: row.file,
    line: row.line === null ? null : Number(row.line),
    column: row.column_name,
    value: row.value,
    attempts: Number(row.attempts),
    first_failed_at: row.first_failed_at,
    last_failed_at: row.last_failed_at,
    state: row.state as FailedFileState,
    dismiss_reason: row.dismiss_reason,
    dismissed_by: row.dismissed_by,
    dismissed_at: row.dismissed_at,
    cleared_at: row.cleared_at,
    event_name: row.event_name,
    event_time: row.event_time,
  };
}

/** The cursor: the last item's (last_failed_at, id), base64url JSON. Anything else is refused. */
function encodeCursor(row: { last_failed_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.last_failed_at, row.id])).toString("base64url");
}

export class BadCursorError extends Error {}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return [v[0], v[1]];
  } catch {
    // falls through
  }
  throw new BadCursorError("bad cursor");
}

/** LIKE pattern for a contains-filter, with the pattern characters escaped. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

async function countsOf(db: Kysely<Database>, orgId: string, taskId: string): Promise<FailedFileCounts> {
  const rows = await db
    .selectFrom("failed_files")
    .select((eb) => ["state", eb.fn.countAll().as("n")])
    .where("org_id", "=", orgId)
    .where("task_id", "=", taskId)
    .groupBy("state")
    .execute();
  const counts: FailedFileCounts = { failed: 0, retrying: 0, dismissed: 0, cleared: 0 };
  for (const r of rows) if ((FAILED_FILE_STATES as readonly string[]).includes(r.state)) counts[r.state as FailedFileState] = Number(r.n);
  return counts;
}

async function taskInOrg(db: Kysely<Database>, orgId: string, taskId: string): Promise<boolean> {
  return (await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("id", "=", taskId).executeTakeFirst()) !== undefined;
}

/** Row-value IN lists of (bucket, key) stay well under SQLite's and PostgreSQL's bound-parameter limits. */
const KEY_CHUNK = 300;

/** The states a quarantined file can be in until a load clears it (the task's objects_failed counts them). */
const QUARANTINED = ["failed", "retrying", "dismissed"];

/**
 * In a batch's record (finishBatch): the keys it loaded (or found empty) clear their quarantined
 * entries (a dismissed one too: its data is in now; the reason stays on the record), and forget
 * versions still counting attempts. Returns how many entries it cleared: the task's objects_failed
 * drops by that many, so it always equals the failed, retrying and dismissed files of the list.
 */
export async function clearFailedFiles(tx: Kysely<Database>, taskId: string, loaded: readonly LedgerObject[], at: string): Promise<number> {
  // One UPDATE and one DELETE per chunk of keys, not per key: a batch's record runs this for every
  // loaded object, and nearly all of them have no failed file (same rows touched either way).
  const keys = [...new Map(loaded.map((o) => [`${o.bucket}\u0000${o.key}`, o])).values()];
  let cleared = 0;
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    const part = keys.slice(i, i + KEY_CHUNK);
    const rows = await tx
      .updateTable("failed_files")
      .set({ state: "cleared", cleared_at: at })
      .where("task_id", "=", taskId)
      .where((eb) => eb(eb.refTuple("bucket", "key"), "in", part.map((o) => eb.tuple(o.bucket, o.key))))
      .where("state", "in", QUARANTINED)
      .returning("id")
      .execute();
    cleared += rows.length;
    await tx
      .deleteFrom("failed_files")
      .where("task_id", "=", taskId)
      .where((eb) => eb(eb.refTuple("bucket", "key"), "in", part.map((o) => eb.tuple(o.bucket, o.key))))
      .where("state", "=", COUNTING)
      .execute();
  }
  return cleared;
}

export function failedFilesStore(s: StoreDb, now: () => Date): FailedFilesPort {
  const { db } = s;

  async function select(orgId: string, taskId: string, selection: FailedFileSelection, states: string[]) {
    let q = db.selectFrom("failed_files").select(["id", "key"]).where("org_id", "=", orgId).where("task_id", "=", taskId).where("state", "in", states);
    if ("ids" in selection) q = q.where("id", "in", [...selection.ids]);
    return q.execute();
  }

  return {
    async recordFileFailure(orgId, taskId, f, maxAttempts) {
      const at = now().toISOString();
      // One version of a key is loaded by one worker at a time (the ledger's claims), so two
      // failures of one version are never counted at once; the unique index guards the insert.
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom("failed_files")
          .select(["id", "state", "attempts", "error_code"])
          .where("task_id", "=", taskId)
          .where("bucket", "=", f.bucket)
          .where("key", "=", f.key)
          .where("etag", "=", f.etag)
          .executeTakeFirst();
        const fields = {
          version_id: f.versionId, size: f.size, error_class: f.errorClass, error_code: f.errorCode, error_code_name: f.errorCodeName,
          error: f.error, detail: f.detail, file: f.file, line: f.line, column_name: f.column, value: f.value, last_failed_at: at,
          event_name: f.eventName, event_time: f.eventTime, sequencer: f.sequencer, message_id: f.messageId,
        };
        if (!row) {
          const state = maxAttempts <= 1 ? "failed" : COUNTING;
          await tx
            .insertInto("failed_files")
            .values({ id: randomUUID(), org_id: orgId, task_id: taskId, bucket: f.bucket, key: f.key, etag: f.etag, ...fields, attempts: 1, first_failed_at: at, state })
            .execute();
          return { state, attempts: 1, newly: state === "failed" } as FileFailureResult;
        }
        const same = (row.error_code === null ? null : Number(row.error_code)) === f.errorCode;
        let attempts = same || row.state === "retrying" ? Number(row.attempts) + 1 : 1;
        let state: FileFailureResult["state"];
        let newly = false;
        if (row.state === "dismissed") state = "dismissed";
        else if (row.state === "failed") state = "failed";
        else if (row.state === "retrying") {
          // The operator's Retry is one attempt: a file error sends it straight back.
          state = "failed";
        } else {
          // counting, or cleared (a version that loaded before and fails now starts over).
          if (row.state === "cleared") attempts = 1;
          state = attempts >= maxAttempts ? "failed" : "counting";
          newly = state === "failed";
        }
        await tx
          .updateTable("failed_files")
          .set({ ...fields, attempts, state, ...(row.state === "cleared" ? { first_failed_at: at, cleared_at: null } : {}) })
          .where("id", "=", row.id)
          .execute();
        return { state, attempts, newly };
      });
    },

    async listFailedFiles(orgId, taskId, query) {
      if (!(await taskInOrg(db, orgId, taskId))) return null;
      const states = query.state ? [query.state] : ["failed", "retrying"];
      let q = db.selectFrom("failed_files").where("org_id", "=", orgId).where("task_id", "=", taskId).where("state", "in", states);
      if (query.error_code !== undefined) q = q.where("error_code", "=", query.error_code);
      if (query.q !== undefined) {
        const pattern = containsPattern(query.q);
        q = q.where((eb) => eb.or([sql<boolean>`${eb.ref("key")} LIKE ${pattern} ESCAPE '\\'`, sql<boolean>`${eb.ref("detail")} LIKE ${pattern} ESCAPE '\\'`]));
      }
      const total = Number((await q.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      let page = q.selectAll();
      if (query.cursor !== undefined) {
        const [lastAt, lastId] = decodeCursor(query.cursor);
        page = page.where((eb) => eb.or([eb("last_failed_at", "<", lastAt), eb.and([eb("last_failed_at", "=", lastAt), eb("id", "<", lastId)])]));
      }
      const rows = await page.orderBy("last_failed_at", "desc").orderBy("id", "desc").limit(query.page_size + 1).execute();
      const items = rows.slice(0, query.page_size);
      const errors = await db
        .selectFrom("failed_files")
        .select((eb) => ["error_code", eb.fn.max("error_code_name").as("error_code_name"), eb.fn.countAll().as("n")])
        .where("org_id", "=", orgId)
        .where("task_id", "=", taskId)
        .where("state", "in", ["failed", "retrying"])
        .groupBy("error_code")
        .orderBy("n", "desc")
        .limit(50)
        .execute();
      return {
        items: items.map(toFailedFile),
        total,
        next_cursor: rows.length > query.page_size ? encodeCursor(items.at(-1)!) : null,
        counts: await countsOf(db, orgId, taskId),
        errors: errors.map((e) => ({ error_code: e.error_code === null ? null : Number(e.error_code), error_code_name: e.error_code_name ?? null, count: Number(e.n) })),
      };
    },

    async retryFailedFiles(orgId, taskId, selection) {
      if (!(await taskInOrg(db, orgId, taskId))) return null;
      const rows = await select(orgId, taskId, selection, ["failed"]);
      const ids = rows.map((r) => r.id);
      // In slices: a bounded statement whatever the number of failed files (`all`).
      for (let i = 0; i < ids.length; i += 500) {
        await db.updateTable("failed_files").set({ state: "retrying" }).where("org_id", "=", orgId).where("task_id", "=", taskId).where("state", "=", "failed").where("id", "in", ids.slice(i, i + 500)).execute();
      }
      return { updated: ids.length, counts: await countsOf(db, orgId, taskId), keys: rows.map((r) => r.key) };
    },

    async dismissFailedFiles(orgId, taskId, selection, reason, by) {
      if (!(await taskInOrg(db, orgId, taskId))) return null;
      const at = now().toISOString();
      const rows = await select(orgId, taskId, selection, ["failed", "retrying"]);
      const ids = rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .updateTable("failed_files")
          .set({ state: "dismissed", dismiss_reason: reason, dismissed_by: by, dismissed_at: at })
          .where("org_id", "=", orgId)
          .where("task_id", "=", taskId)
          .where("state", "in", ["failed", "retrying"])
          .where("id", "in", ids.slice(i, i + 500))
          .execute();
      }
      return { updated: ids.length, counts: await countsOf(db, orgId, taskId), keys: rows.map((r) => r.key) };
    },

    async failedCountsByTask(orgId, taskIds) {
      if (taskIds.length === 0) return new Map();
      const rows = await db
        .selectFrom("failed_files")
        .select((eb) => ["task_id", eb.fn.countAll().as("n")])
        .where("org_id", "=", orgId)
        .where("state", "=", "failed")
        .where("task_id", "in", taskIds)
        .groupBy("task_id")
        .execute();
      return new Map(rows.map((r) => [r.task_id, Number(r.n)]));
    },
    async retryingFiles(orgId, taskId, limit) {
      return db
        .selectFrom("failed_files")
        .select(["id", "bucket", "key"])
        .where("org_id", "=", orgId)
        .where("task_id", "=", taskId)
        .where("state", "=", "retrying")
        .orderBy("last_failed_at", "asc")
        .orderBy("id", "asc")
        .limit(limit)
        .execute();
    },

    async retryEnded(orgId, taskId, id, outcome) {
      const at = now().toISOString();
      await db.transaction().execute(async (tx) => {
        const moved = await tx
          .updateTable("failed_files")
          .set(outcome.state === "failed" ? { state: "failed", error: outcome.error, last_failed_at: at } : { state: "cleared", cleared_at: at })
          .where("org_id", "=", orgId)
          .where("task_id", "=", taskId)
          .where("id", "=", id)
          .where("state", "=", "retrying")
          .returning("id")
          .execute();
        if (outcome.state === "cleared" && moved.length > 0) {
          await tx.updateTable("tasks").set((eb) => ({ objects_failed: eb("objects_failed", "-", moved.length) })).where("id", "=", taskId).execute();
        }
      });
    },
  };
}

// BackfillPort over Kysely: backfill and reconcile jobs. A job is a row per listing of a task's
// scope: where the listing is (`last_key`, the last key whose batch is settled), what it did, and
// which worker holds it until when (a lease by the database's clock, like the load ledger's claims),
// so a worker that dies leaves a job another worker (or itself, restarted) resumes from `last_key`.
// At most one job runs per task: a unique index on task_id over running rows refuses a second.
import { randomUUID } from "node:crypto";
import { sql, type Kysely, type Selectable } from "kysely";
import type { BackfillJob, BackfillKind, BackfillState } from "#contracts/backfill.ts";
import type { StoreDb } from "./dialect.ts";
import type { Database, TaskBackfillsTable } from "./schema.ts";

/** What a settled batch of a job adds to it (written with the batch's run, in its transaction). */
export interface BackfillProgress {
  jobId: string;
  workerId: string;
  /** The last key of the settled batch: the listing resumes after it. */
  lastKey: string;
  listed: number;
  loaded: number;
  skipped: number;
  failed: number;
  rows: number;
  /** The first failure of the batch, if any and none was recorded before. */
  error?: { message: string; detail?: string | undefined } | undefined;
}

export interface BackfillPort {
  /** API: a new backfill of the task; "running" when a job (backfill or reconcile) runs; null when the task is not in the org. */
  startBackfill(orgId: string, taskId: string, since: string | null): Promise<BackfillJob | "running" | null>;
  /** API: the latest backfill and reconcile; null when the task is not in the org. */
  backfillState(orgId: string, taskId: string): Promise<BackfillState | null>;
  /**
   * Ends the running job with `reason` (API: cancelled by the operator or by stopping the task;
   * worker: failed with the task). "none" when none runs; null when the task is not in the org.
   */
  cancelBackfill(orgId: string, taskId: string, reason: string, status?: "cancelled" | "failed"): Promise<BackfillJob | "none" | null>;
  /**
   * Worker: starts a reconcile when one is due: none runs and the last one started at least
   * `everyMinutes` ago (or none ever ran). It lists since the last reconcile's start (else the
   * task's creation) minus `marginMs`. True when one was started.
   */
  startReconcileIfDue(taskId: string, everyMinutes: number, marginMs: number): Promise<boolean>;
  /** Worker: takes the task's running job unless another worker's lease on it still runs. */
  takeBackfill(taskId: string, workerId: string, leaseMs: number): Promise<BackfillJob | null>;
  /** Worker: extends the lease; false when the job is no longer running or no longer ours. */
  holdBackfill(jobId: string, workerId: string, leaseMs: number): Promise<boolean>;
  /** Worker: progress without a run (a listing page with nothing to load). */
  recordBackfillProgress(progress: BackfillProgress, leaseMs: number): Promise<void>;
  /** Worker: the job ends (the listing reached its end, or it cannot go on). */
  endBackfill(jobId: string, workerId: string, status: "completed" | "failed", error?: { message: string; detail?: string | undefined }): Promise<void>;
  /** Worker: lets go of the job without ending it (stopping, shutting down): another worker resumes it at once. */
  releaseBackfill(jobId: string, workerId: string): Promise<void>;
}

function toJob(row: Selectable<TaskBackfillsTable>): BackfillJob {
  return {
    id: row.id,
    task_id: row.task_id,
    kind: row.kind,
    status: row.status,
    since: row.since,
    last_key: row.last_key,
    listed: Number(row.listed),
    loaded: Number(row.loaded),
    skipped: Number(row.skipped),
    failed: Number(row.failed),
    rows_loaded: Number(row.rows_loaded),
    started_at: row.started_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    worker_id: row.worker_id,
    error: row.error,
    error_detail: row.error_detail,
  };
}

/** Adds a settled batch to its job (inside the batch's transaction, or on its own). */
export async function applyBackfillProgress(q: Kysely<Database>, s: StoreDb, p: BackfillProgress, at: string, leaseMs: number): Promise<void> {
  await q
    .updateTable("task_backfills")
    .set((eb) => ({
      last_key: p.lastKey,
      listed: eb("listed", "+", p.listed),
      loaded: eb("loaded", "+", p.loaded),
      skipped: eb("skipped", "+", p.skipped),
      failed: eb("failed", "+", p.failed),
      rows_loaded: eb("rows_loaded", "+", p.rows),
      updated_at: at,
      lease_until: sql<number>`${s.nowMs()} + ${leaseMs}`,
      ...(p.error
        ? {
            error: eb.fn.coalesce("error", sql<string>`${p.error.message}`),
            error_detail: eb.case().when("error", "is", null).then(p.error.detail ?? null).else(eb.ref("error_detail")).end(),
          }
        : {}),
    }))
    .where("id", "=", p.jobId)
    .where("worker_id", "=", p.workerId)
    .execute();
}

export function backfillStore(s: StoreDb, now: () => Date): BackfillPort {
  const { db } = s;
  const iso = () => now().toISOString();
  const taskInOrg = async (orgId: string, taskId: string) =>
    !!(await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("id", "=", taskId).executeTakeFirst());
  const latest = async (taskId: string, kind: BackfillKind) => {
    const row = await db
      .selectFrom("task_backfills")
      .selectAll()
      .where("task_id", "=", taskId)
      .where("kind", "=", kind)
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? toJob(row) : null;
  };

  /** Inserts a running job; null when one runs already (the unique index decides races). */
  async function insert(taskId: string, kind: BackfillKind, since: string | null): Promise<BackfillJob | null> {
    const at = iso();
    const id = randomUUID();
    try {
      await db
        .insertInto("task_backfills")
        .values({
          id, task_id: taskId, kind, status: "running", since, last_key: null, listed: 0, loaded: 0, skipped: 0, failed: 0, rows_loaded: 0,
          started_at: at, updated_at: at, worker_id: null, lease_until: 0,
        })
        .execute();
    } catch (error) {
      if (s.isUniqueViolation(error)) return null;
      throw error;
    }
    return toJob(await db.selectFrom("task_backfills").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
  }

  return {
    async startBackfill(orgId, taskId, since) {
      if (!(await taskInOrg(orgId, taskId))) return null;
      return (await insert(taskId, "backfill", since)) ?? "running";
    },

    async backfillState(orgId, taskId) {
      if (!(await taskInOrg(orgId, taskId))) return null;
      return { backfill: await latest(taskId, "backfill"), reconcile: await latest(taskId, "reconcile") };
    },

    async cancelBackfill(orgId, taskId, reason, status = "cancelled") {
      if (!(await taskInOrg(orgId, taskId))) return null;
      const at = iso();
      const rows = await db
        .updateTable("task_backfills")
        .set({ status, finished_at: at, updated_at: at, error: reason, error_detail: null, lease_until: 0 })
        .where("task_id", "=", taskId)
        .where("status", "=", "running")
        .returningAll()
        .execute();
      return rows[0] ? toJob(rows[0]) : "none";
    },

    async startReconcileIfDue(taskId, everyMinutes, marginMs) {
      const last = await latest(taskId, "reconcile");
      const nowMs = now().getTime();
      if (last && Date.parse(last.started_at) + everyMinutes * 60_000 > nowMs) return false;
      let from: string;
      if (last) from = last.started_at;
      else {
        const task = await db.selectFrom("tasks").select("created_at").where("id", "=", taskId).executeTakeFirst();
        if (!task) return false;
        from = task.created_at;
      }
      const since = new Date(Date.parse(from) - marginMs).toISOString();
      return (await insert(taskId, "reconcile", since)) !== null;
    },

    async takeBackfill(taskId, workerId, leaseMs) {
      const nowMs = s.nowMs();
      const rows = await db
        .updateTable("task_backfills")
        .set({ worker_id: workerId, lease_until: sql<number>`${nowMs} + ${leaseMs}`, updated_at: iso() })
        .where("task_id", "=", taskId)
        .where("status", "=", "running")
        .where((eb) => eb.or([eb("lease_until", "<=", nowMs), eb("worker_id", "=", workerId), eb("worker_id", "is", null)]))
        .returningAll()
        .execute();
      return rows[0] ? toJob(rows[0]) : null;
    },

    async holdBackfill(jobId, workerId, leaseMs) {
      const result = await db
        .updateTable("task_backfills")
        .set({ lease_until: sql<number>`${s.nowMs()} + ${leaseMs}` })
        .where("id", "=", jobId)
        .where("worker_id", "=", workerId)
        .where("status", "=", "running")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async recordBackfillProgress(progress, leaseMs) {
      await applyBackfillProgress(db, s, progress, iso(), leaseMs);
    },

    async endBackfill(jobId, workerId, status, error) {
      const at = iso();
      await db
        .updateTable("task_backfills")
        .set((eb) => ({
          status,
          finished_at: at,
          updated_at: at,
          lease_until: 0,
          ...(error ? { error: error.message, error_detail: error.detail ?? null } : { error: eb.ref("error") }),
        }))
        .where("id", "=", jobId)
        .where("worker_id", "=", workerId)
        .where("status", "=", "running")
        .execute();
    },

    async releaseBackfill(jobId, workerId) {
      await db
        .updateTable("task_backfills")
        .set({ lease_until: 0 })
        .where("id", "=", jobId)
        .where("worker_id", "=", workerId)
        .where("status", "=", "running")
        .execute();
    },
  };
}

// Per-worker heartbeats over Kysely: which workers hold a task and when each was last heard from.
// Several workers may consume one task's queue at once (claims keep each object to one load); the
// task row keeps the last heartbeat of any of them, task_workers keeps one row per worker. Liveness
// and pruning compare seen_ms with the database's clock, so hosts' clocks do not matter.
import { sql, type Kysely } from "kysely";
import type { StoreDb } from "./dialect.ts";
import type { Database } from "./schema.ts";
import { WORKERS_FORGOTTEN_AFTER_MS, type TaskWorkersPort } from "./tasks.ts";

/**
 * The one liveness rule: a worker is live while the database's clock says it was heard from less
 * than `staleAfterMs` ago. `db` may be a transaction.
 */
export async function hasLiveWorker(s: StoreDb, db: Kysely<Database>, taskId: string, staleAfterMs: number): Promise<boolean> {
  const row = await db
    .selectFrom("task_workers")
    .select("worker_id")
    .where("task_id", "=", taskId)
    .where("seen_ms", ">", sql<number>`${s.nowMs()} - ${staleAfterMs}`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Worker side, used by the status reports (task-status.ts). */
export function workerHeartbeats(s: StoreDb) {
  const { db } = s;
  return {
    /** Upserts the worker's row while the task is meant to run; forgets the task's long-silent workers. */
    async record(taskId: string, workerId: string, at: string): Promise<void> {
      await db
        .insertInto("task_workers")
        .columns(["task_id", "worker_id", "started_at", "heartbeat_at", "seen_ms"])
        .expression((eb) =>
          eb
            .selectFrom("tasks")
            .select([
              "id",
              sql<string>`${workerId}`.as("worker_id"),
              sql<string>`${at}`.as("started_at"),
              sql<string>`${at}`.as("heartbeat_at"),
              s.nowMs().as("seen_ms"),
            ])
            .where("id", "=", taskId)
            .where("desired_state", "=", "running"),
        )
        .onConflict((oc) =>
          oc.columns(["task_id", "worker_id"]).doUpdateSet((eb) => ({
            heartbeat_at: eb.ref("excluded.heartbeat_at"),
            seen_ms: eb.ref("excluded.seen_ms"),
          })),
        )
        .execute();
      await db
        .deleteFrom("task_workers")
        .where("task_id", "=", taskId)
        .where("seen_ms", "<", sql<number>`${s.nowMs()} - ${WORKERS_FORGOTTEN_AFTER_MS}`)
        .execute();
    },

    /** The worker no longer holds the task. */
    async forget(taskId: string, workerId: string): Promise<void> {
      await db.deleteFrom("task_workers").where("task_id", "=", taskId).where("worker_id", "=", workerId).execute();
    },
  };
}

export function taskWorkers(s: StoreDb): TaskWorkersPort {
  const { db } = s;
  return {
    async listWorkers(orgId, taskId, staleAfterMs) {
      const task = await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("id", "=", taskId).executeTakeFirst();
      if (!task) return null;
      const rows = await db
        .selectFrom("task_workers")
        .select(["worker_id", "started_at", "heartbeat_at", sql<number | boolean>`seen_ms > ${s.nowMs()} - ${staleAfterMs}`.as("live")])
        .where("task_id", "=", taskId)
        .orderBy("started_at")
        .orderBy("worker_id")
        .execute();
      return rows.map((r) => ({
        worker_id: r.worker_id,
        started_at: r.started_at,
        heartbeat_at: r.heartbeat_at,
        live: Boolean(r.live),
      }));
    },
  };
}

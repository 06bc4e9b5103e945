// TaskStatusPort over Kysely: what workers report about the tasks they run (state, heartbeat,
// last error, counters). Each report is one UPDATE, so reports from several workers interleave
// without a transaction.
import type { StoreDb } from "./dialect.ts";
import type { TaskStatusPort } from "./tasks.ts";
import { workerHeartbeats } from "./task-workers.ts";

export function taskStatus(s: StoreDb, now: () => Date): TaskStatusPort {
  const { db } = s;
  const iso = () => now().toISOString();
  const heartbeats = workerHeartbeats(s);
  return {
    async reportRunning(taskId, workerId) {
      const at = iso();
      await db
        .updateTable("tasks")
        .set({ status: "running", status_reason: null, status_reason_detail: null, worker_id: workerId, heartbeat_at: at })
        .where("id", "=", taskId)
        .where("desired_state", "=", "running")
        .execute();
      await heartbeats.record(taskId, workerId, at);
    },

    async reportStopped(taskId, workerId, reason) {
      // A failure stays reported as it was; another worker's task is not ours to mark stopped.
      await db
        .updateTable("tasks")
        .set((eb) => ({
          status: eb.case().when("status", "=", "failed").then(eb.ref("status")).else("stopped").end(),
          status_reason: eb.case().when("status", "=", "failed").then(eb.ref("status_reason")).else(reason).end(),
          status_reason_detail: eb.case().when("status", "=", "failed").then(eb.ref("status_reason_detail")).else(null).end(),
          heartbeat_at: iso(),
        }))
        .where("id", "=", taskId)
        .where((eb) => eb.or([eb("worker_id", "=", workerId), eb("worker_id", "is", null), eb("desired_state", "=", "stopped")]))
        .execute();
      await heartbeats.forget(taskId, workerId);
    },

    async reportFailed(taskId, workerId, reason, detail) {
      const why = detail ?? null;
      await db
        .updateTable("tasks")
        .set({ status: "failed", status_reason: reason, status_reason_detail: why, last_error: reason, last_error_detail: why, desired_state: "stopped", worker_id: workerId, heartbeat_at: iso() })
        .where("id", "=", taskId)
        .execute();
      await heartbeats.forget(taskId, workerId);
    },

    async reportError(taskId, message, detail) {
      await db
        .updateTable("tasks")
        .set((eb) => ({ last_error: message, last_error_detail: detail ?? null, errors: eb("errors", "+", 1) }))
        .where("id", "=", taskId)
        .execute();
    },

    async clearError(taskId, message) {
      await db
        .updateTable("tasks")
        .set({ last_error: null, last_error_detail: null })
        .where("id", "=", taskId)
        .where("last_error", "=", message)
        .execute();
    },
  };
}

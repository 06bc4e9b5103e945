// A task's health, the ONE definition the task list (badge, sentence, filter, sort) and the task
// page share. Its own module rather than task-state.ts: routes.tsx imports task-state.ts into the
// first route's chunk, and only the lazily loaded task pages need this.
import { WORKER_STALE_AFTER_MS } from "#contracts/task-labels.ts";
import type { TaskRecord } from "#contracts/task.ts";
import { formatDateTime } from "../../lib/format.ts";
import type { BadgeStatus } from "../../lib/status-badge.tsx";
import { displayState } from "./task-state.ts";

/**
 * A task's health: its display state, with a running task split by what its record says beyond
 * the status. The ONE definition the task list (badge, filter, sort) and the task page share.
 * - failed: the worker gave up on the task (`status_reason` says why); it is stopped.
 * - stalled: the worker says running but its heartbeat is old (the worker died or lost the store).
 * - erroring: running, and the last batch error is still standing (`last_error`; a later success
 *   on the same file clears it), e.g. a file with a bad value retried until the queue moves it aside.
 */
export type TaskHealth = "failed" | "stalled" | "erroring" | "running" | "starting" | "stopping" | "stopped";

/**
 * How old a running task's heartbeat may be before the console calls it stalled: twice the API's
 * live-worker bound, because the browser's clock, not the store's, measures the age here and a
 * skew of a few seconds must not paint a healthy task.
 */
export const STALLED_AFTER_MS = WORKER_STALE_AFTER_MS * 2;

type HealthFields = Pick<TaskRecord, "status" | "desired_state" | "heartbeat_at" | "last_error" | "status_reason">;

export function taskHealth(task: HealthFields, now: number = Date.now()): TaskHealth {
  const state = displayState(task);
  if (state !== "running") return state;
  const beat = task.heartbeat_at ? Date.parse(task.heartbeat_at) : NaN;
  if (Number.isFinite(beat) && now - beat > STALLED_AFTER_MS) return "stalled";
  return task.last_error ? "erroring" : "running";
}

/** Health that an operator should look at: the list's "Needs attention" filter. */
export const NEEDS_ATTENTION: ReadonlySet<TaskHealth> = new Set(["failed", "stalled", "erroring"]);

export const TASK_HEALTH_BADGE: Record<TaskHealth, { status: BadgeStatus; text: string }> = {
  failed: { status: "fail", text: "Failed" },
  stalled: { status: "warn", text: "Stalled" },
  erroring: { status: "warn", text: "Running with errors" },
  running: { status: "running", text: "Running" },
  starting: { status: "pending", text: "Starting…" },
  stopping: { status: "pending", text: "Stopping…" },
  stopped: { status: "skip", text: "Stopped" },
};

/** The sentence under the badge: why it failed, the standing error, or since when it is silent. */
export function healthSentence(task: HealthFields, health: TaskHealth): string | null {
  if (health === "failed") return task.status_reason ?? task.last_error;
  if (health === "erroring") return task.last_error;
  if (health === "stalled" && task.heartbeat_at) {
    return `No heartbeat from its worker since ${formatDateTime(task.heartbeat_at)}: check that a worker is running`;
  }
  return null;
}

/** Sort order: what needs attention first (failed, stalled, erroring), then running, changing, stopped. */
export const TASK_HEALTH_ORDER: Record<TaskHealth, number> = {
  failed: 0,
  stalled: 1,
  erroring: 2,
  running: 3,
  starting: 4,
  stopping: 5,
  stopped: 6,
};

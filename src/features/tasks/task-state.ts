// How a task's state reads in the console: the worker's reported status combined with the desired
// state the API set, so a click shows "Starting…" until a worker reports running. Health (what the
// record says beyond the status) is in task-health.ts.
import type { RunStatus, TaskRecord } from "#contracts/task.ts";
import type { BadgeStatus } from "../../lib/status-badge.tsx";

export type TaskDisplayState = "stopped" | "starting" | "running" | "stopping" | "failed";

export function displayState(task: Pick<TaskRecord, "status" | "desired_state">): TaskDisplayState {
  if (task.desired_state === "running") return task.status === "running" ? "running" : "starting";
  if (task.status === "running") return "stopping";
  return task.status;
}

/** Running, or on its way to or from running: worth refreshing every few seconds. */
export function isActive(task: Pick<TaskRecord, "status" | "desired_state">): boolean {
  return task.status === "running" || task.desired_state === "running";
}

export const RUN_STATUS_BADGE: Record<RunStatus, { status: BadgeStatus; text: string }> = {
  succeeded: { status: "pass", text: "Succeeded" },
  partial: { status: "warn", text: "Partial" },
  failed: { status: "fail", text: "Failed" },
  abandoned: { status: "skip", text: "Abandoned" },
  deferred: { status: "pending", text: "Deferred" },
};

/** The task pages' addresses and the breadcrumb they all start with. */
export const TASKS_ROOT = { label: "Data Integration", to: "/data/integration" };
export const taskPath = (id: string) => `/data/integration/${encodeURIComponent(id)}`;

/**
 * The warehouse a task loads into: the API stores the organization's default on a task saved
 * without one, so only a task saved before per-organization warehouses, in an organization that
 * still has none, answers null.
 */
export function taskWarehouseId(task: TaskRecord): string | null {
  return task.warehouse_id || null;
}

import type { TaskRecord } from "#contracts/task.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { displayState, TASK_STATE_BADGE } from "../task-state.ts";

/** The task's state in words (and a badge); a failure comes with its reason. */
export function TaskStatus({ task, reasonId }: { task: TaskRecord; reasonId?: string }) {
  const state = displayState(task);
  const badge = TASK_STATE_BADGE[state];
  return (
    <span className="task-status">
      <StatusBadge status={badge.status} text={badge.text} />
      {state === "failed" && task.status_reason ? (
        <span id={reasonId} className="status-reason error-text">
          {task.status_reason}
        </span>
      ) : null}
    </span>
  );
}

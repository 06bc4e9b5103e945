import type { TaskRecord } from "#contracts/task.ts";
import { useStartTask } from "../api/start-task.ts";
import { useStopTask } from "../api/stop-task.ts";

export interface ActionError {
  taskId: string;
  message: string;
}

/**
 * Start for a task meant to be stopped, Stop for one meant to run; disabled while the request is
 * pending. A refusal goes to `onError` (the page shows it in an alert); success clears it.
 */
export function StartStopButton({
  task,
  onResult,
  compact = false,
}: {
  task: TaskRecord;
  onResult: (error: ActionError | null) => void;
  compact?: boolean;
}) {
  const start = useStartTask(task.id);
  const stop = useStopTask(task.id);
  const pending = start.isPending || stop.isPending;
  const wantsRunning = task.desired_state === "running";
  const action = wantsRunning ? stop : start;
  const verb = wantsRunning ? "Stop" : "Start";

  async function onClick() {
    try {
      await action.mutateAsync();
      onResult(null);
    } catch (error) {
      onResult({
        taskId: task.id,
        message: `Could not ${verb.toLowerCase()} task ${task.name}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  return (
    <button
      type="button"
      className={`${wantsRunning ? "" : "primary"} ${compact ? "small" : ""}`.trim() || undefined}
      disabled={pending}
      onClick={() => void onClick()}
    >
      {/* In the table, the task's name completes the accessible name ("Start load-orders"). */}
      {pending ? (wantsRunning ? "Stopping…" : "Starting…") : verb}
      {compact ? " " : null}
      {compact ? <span className="sr-only">{task.name}</span> : null}
    </button>
  );
}

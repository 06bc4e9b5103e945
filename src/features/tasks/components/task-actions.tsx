// Start/Stop, Edit and Delete of one task, for its page and for its row in the list. Every action
// ends in a notice (success or the server's reason); Edit and Delete are disabled while the task is
// meant to run, and all three for a role that may not operate, with the reason as the button's
// description (the API refuses them with 409 or 403 then).
import { Button, Group, VisuallyHidden } from "@mantine/core";
import { Link, useNavigate } from "react-router";
import type { TaskRecord } from "#contracts/task.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { withProgressNotice } from "../../../lib/notify.ts";
import { useCan } from "../../../lib/use-can.ts";
import { useInFlight } from "../../../lib/use-in-flight.ts";
import { useDeleteTask } from "../api/delete-task.ts";
import { useStartTask } from "../api/start-task.ts";
import { useStopTask } from "../api/stop-task.ts";
import { taskPath } from "../task-state.ts";

export const EDIT_BLOCKED = "Stop the task to edit it";
export const DELETE_BLOCKED = "Stop the task to delete it";

type Size = "compact-sm" | "sm";

/** In a table row the task's name completes the accessible name ("Start load-orders"). */
function Named({ task, compact }: { task: TaskRecord; compact: boolean }) {
  return compact ? (
    <>
      {" "}
      <VisuallyHidden>{task.name}</VisuallyHidden>
    </>
  ) : null;
}

export function StartStopButton({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
  const start = useStartTask(task.id);
  const stop = useStopTask(task.id);
  const flight = useInFlight();
  const pending = flight.busy || start.isPending || stop.isPending;
  const wantsRunning = task.desired_state === "running";
  const size: Size = compact ? "compact-sm" : "sm";
  const can = useCan("operate");

  function onClick() {
    const labels = wantsRunning
      ? { pending: `Stopping ${task.name}…`, success: `Task ${task.name} is stopping`, failure: `Could not stop ${task.name}` }
      : { pending: `Starting ${task.name}…`, success: `Task ${task.name} is starting`, failure: `Could not start ${task.name}` };
    // A second click while the first request runs (a double click) is dropped, so a double click
    // never starts and then stops, or starts twice.
    void flight.run(() => withProgressNotice(labels, () => (wantsRunning ? stop : start).mutateAsync()));
  }

  if (!can.allowed) return <Blocked label={wantsRunning ? "Stop" : "Start"} reason={can.reason} task={task} compact={compact} />;
  return (
    <Button size={size} variant={wantsRunning ? "default" : "filled"} loading={pending} onClick={onClick}>
      {wantsRunning ? "Stop" : "Start"}
      <Named task={task} compact={compact} />
    </Button>
  );
}

/** A button that cannot be used now, with the reason as tooltip and description. */
function Blocked({ label, reason, task, compact, color }: { label: string; reason: string; task: TaskRecord; compact: boolean; color?: string }) {
  return (
    <DisabledButton reason={reason} size={compact ? "compact-sm" : "sm"} color={color}>
      {label}
      <Named task={task} compact={compact} />
    </DisabledButton>
  );
}

export function EditTaskButton({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
  const can = useCan("operate");
  if (!can.allowed) return <Blocked label="Edit" reason={can.reason} task={task} compact={compact} />;
  if (task.desired_state === "running") return <Blocked label="Edit" reason={EDIT_BLOCKED} task={task} compact={compact} />;
  return (
    <Button size={compact ? "compact-sm" : "sm"} variant="default" component={Link} to={`${taskPath(task.id)}/edit`}>
      Edit
      <Named task={task} compact={compact} />
    </Button>
  );
}

export function DeleteTaskButton({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
  const remove = useDeleteTask(task.id);
  const navigate = useNavigate();
  const can = useCan("operate");
  if (!can.allowed) return <Blocked label="Delete" reason={can.reason} task={task} compact={compact} />;
  if (task.desired_state === "running") return <Blocked label="Delete" reason={DELETE_BLOCKED} task={task} compact={compact} />;
  return (
    <Button
      size={compact ? "compact-sm" : "sm"}
      variant={compact ? "subtle" : "light"}
      color="red"
      onClick={() =>
        confirmDelete({
          title: `Delete task "${task.name}"?`,
          body: `This removes the task ${task.name} and its run history. Rows already loaded into ${task.target.database}.${task.target.table} stay; the data source, its queue and the bucket are not changed.`,
          what: `task ${task.name}`,
          remove: () => remove.mutateAsync(),
          // From the task's page, back to the list; in the list the row just goes away.
          afterDelete: () => {
            if (!compact) void navigate("/data/integration");
          },
        })
      }
    >
      Delete
      <Named task={task} compact={compact} />
    </Button>
  );
}

/** The list row's actions, kept on one line in the pinned Actions column. */
export function TaskRowActions({ task }: { task: TaskRecord }) {
  return (
    <Group gap={6} wrap="nowrap">
      <StartStopButton task={task} compact />
      <EditTaskButton task={task} compact />
      <DeleteTaskButton task={task} compact />
    </Group>
  );
}

// Start/Stop, Edit and Delete of one task, for its page and for its row in the list. Every action
// ends in a notice (success or the server's reason); Edit and Delete are disabled while the task is
// meant to run, with the reason as the button's description (the API refuses both with 409 then).
import { Button, Group, Tooltip, VisuallyHidden } from "@mantine/core";
import { useId } from "react";
import { Link, useNavigate } from "react-router";
import type { TaskRecord } from "#contracts/task.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { withProgressNotice } from "../../../lib/notify.ts";
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
  const pending = start.isPending || stop.isPending;
  const wantsRunning = task.desired_state === "running";
  const size: Size = compact ? "compact-sm" : "sm";

  function onClick() {
    const labels = wantsRunning
      ? { pending: `Stopping ${task.name}…`, success: `Task ${task.name} is stopping`, failure: `Could not stop ${task.name}` }
      : { pending: `Starting ${task.name}…`, success: `Task ${task.name} is starting`, failure: `Could not start ${task.name}` };
    void withProgressNotice(labels, () => (wantsRunning ? stop : start).mutateAsync());
  }

  return (
    <Button size={size} variant={wantsRunning ? "default" : "filled"} loading={pending} onClick={onClick}>
      {wantsRunning ? "Stop" : "Start"}
      <Named task={task} compact={compact} />
    </Button>
  );
}

/**
 * A disabled button that still explains itself: `data-disabled` (not `disabled`) keeps it
 * focusable and hoverable so the tooltip shows, and the reason is its accessible description.
 */
function Blocked({ label, reason, task, compact, color }: { label: string; reason: string; task: TaskRecord; compact: boolean; color?: string }) {
  const id = useId();
  return (
    <>
      <Tooltip label={reason} withArrow>
        <Button
          size={compact ? "compact-sm" : "sm"}
          variant="default"
          color={color}
          data-disabled
          aria-disabled="true"
          aria-describedby={id}
          onClick={(event) => event.preventDefault()}
        >
          {label}
          <Named task={task} compact={compact} />
        </Button>
      </Tooltip>
      <VisuallyHidden id={id}>{reason}</VisuallyHidden>
    </>
  );
}

export function EditTaskButton({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
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

// A task's state as a badge; a failure comes with its reason in words. The raw text behind an
// error (driver output, codes: `status_reason_detail`, `last_error_detail`) is shown only behind
// ErrorDetail.
import { Stack, Text } from "@mantine/core";
import type { TaskRecord } from "#contracts/task.ts";
import { ErrorAlert, ErrorDetail } from "../../../lib/error-detail.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { displayState, TASK_STATE_BADGE } from "../task-state.ts";

export function TaskStatus({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
  const state = displayState(task);
  const badge = TASK_STATE_BADGE[state];
  const reason = state === "failed" ? task.status_reason : null;
  return (
    <Stack gap={2} align="flex-start">
      <StatusBadge status={badge.status} text={badge.text} />
      {reason ? (
        <Text size={compact ? "xs" : "sm"} c="red.8" lineClamp={compact ? 2 : undefined} title={compact ? reason : undefined} maw={compact ? 260 : undefined}>
          {reason}
        </Text>
      ) : null}
      {reason && !compact && task.status_reason_detail ? <ErrorDetail detail={task.status_reason_detail} /> : null}
    </Stack>
  );
}

/** The last batch error in words, its raw text behind "Show details". */
export function LastError({ task }: { task: TaskRecord }) {
  if (!task.last_error) return null;
  return <ErrorAlert title="Last error" message={task.last_error} detail={task.last_error_detail} />;
}

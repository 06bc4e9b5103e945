// A task's state as a badge; a failure comes with its reason in words. The raw text behind an
// error (driver output, codes) is read defensively from `last_error_detail` until the contract
// carries it, and shown only behind ErrorDetail.
import { Stack, Text } from "@mantine/core";
import type { TaskRecord } from "#contracts/task.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { displayState, TASK_STATE_BADGE } from "../task-state.ts";

/** `value.detail`-style optional raw text, when the record carries it. */
export function optionalDetail(record: object, key: string): string | undefined {
  const value = (record as Record<string, unknown>)[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

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
    </Stack>
  );
}

/** The last batch error in words, its raw text behind "Show details". */
export function LastError({ task }: { task: TaskRecord }) {
  if (!task.last_error) return null;
  return <ErrorAlert title="Last error" message={task.last_error} detail={optionalDetail(task, "last_error_detail")} />;
}

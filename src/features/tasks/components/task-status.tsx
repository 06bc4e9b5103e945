// A task's health as a badge (taskHealth: the one definition the list and the task page share); a
// failure comes with its reason in words. The raw text behind an error (driver output, codes:
// `status_reason_detail`, `last_error_detail`) is shown only behind ErrorDetail.
import { Stack, Text } from "@mantine/core";
import type { TaskRecord } from "#contracts/task.ts";
import { ErrorAlert, ErrorDetail } from "../../../lib/error-detail.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { healthSentence, TASK_HEALTH_BADGE, taskHealth } from "../task-health.ts";

/**
 * The badge alone (`compact`, the list's Status column: the list shows the sentence under the
 * task's name), or with the failure's or the stall's sentence under it (the task page, whose red
 * Last error box already carries a running task's standing error).
 */
export function TaskStatus({ task, compact = false }: { task: TaskRecord; compact?: boolean }) {
  const health = taskHealth(task);
  const badge = TASK_HEALTH_BADGE[health];
  const reason = !compact && (health === "failed" || health === "stalled") ? healthSentence(task, health) : null;
  return (
    <Stack gap={2} align="flex-start">
      <StatusBadge status={badge.status} text={badge.text} />
      {reason ? (
        <Text size="sm" c={health === "failed" ? "red.8" : undefined}>
          {reason}
        </Text>
      ) : null}
      {health === "failed" && !compact && task.status_reason_detail ? <ErrorDetail detail={task.status_reason_detail} /> : null}
    </Stack>
  );
}

/**
 * The sentence of a task that needs attention, under its name in the list: three lines at most, the
 * whole sentence on hover (title) and for screen readers (the clamp only hides it visually).
 */
export function HealthSentence({ task }: { task: TaskRecord }) {
  const health = taskHealth(task);
  const sentence = healthSentence(task, health);
  if (!sentence) return null;
  return (
    // A width of its own and breaks anywhere: Databend's sentences open with a long object key that
    // would otherwise leave one clipped word in the narrow name column ("File 'incoming/b…").
    <Text
      size="xs"
      c={health === "stalled" ? undefined : "red.9"}
      lineClamp={3}
      title={sentence}
      // At 1440 px every column still fits beside the pinned Actions (220 px pushed Rows loaded under it).
      miw={150}
      maw={240}
      style={{ overflowWrap: "anywhere" }}
    >
      {sentence}
    </Text>
  );
}

/** The last batch error in words, its raw text behind "Show details". */
export function LastError({ task }: { task: TaskRecord }) {
  if (!task.last_error) return null;
  return <ErrorAlert title="Last error" message={task.last_error} detail={task.last_error_detail} />;
}

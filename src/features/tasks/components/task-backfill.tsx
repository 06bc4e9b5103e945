// "Load existing objects" on a task's page: start a backfill (optionally since a date), watch its
// progress while it runs (refreshed every two seconds), cancel it; and the last scheduled
// reconcile, when the task has one. The server checks the date (contracts/backfill.ts) and its
// message lands on the field, so zod stays out of this page.
import { Button, Group, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import type { BackfillJob, BackfillStatus } from "#contracts/backfill.ts";
import type { TaskRecord } from "#contracts/task.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { DescriptionItem } from "../../../lib/description-item.tsx";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { withProgressNotice } from "../../../lib/notify.ts";
import { useInFlight } from "../../../lib/use-in-flight.ts";
import { StatusBadge, type BadgeStatus } from "../../../lib/status-badge.tsx";
import { useCancelBackfill } from "../api/cancel-backfill.ts";
import { useTaskBackfill } from "../api/get-task-backfill.ts";
import { useStartBackfill } from "../api/start-backfill.ts";

export const BACKFILL_BLOCKED = "Start the task to load existing objects: the worker running the task lists and loads them";

const BADGE: Record<BackfillStatus, { status: BadgeStatus; text: string }> = {
  running: { status: "running", text: "Running" },
  completed: { status: "pass", text: "Completed" },
  failed: { status: "fail", text: "Failed" },
  cancelled: { status: "skip", text: "Cancelled" },
};

function JobProgress({ job, label }: { job: BackfillJob; label: string }) {
  const badge = BADGE[job.status];
  return (
    <Stack gap="xs" aria-label={label} role="group">
      <Group gap="xs">
        <StatusBadge status={badge.status} text={badge.text} />
        <Text size="sm" c="dimmed">
          {job.since ? `Objects modified since ${formatDateTime(job.since)}` : "Every object under the prefix and suffix"}; started{" "}
          <time dateTime={job.started_at}>{formatDateTime(job.started_at)}</time>
          {job.finished_at ? (
            <>
              , ended <time dateTime={job.finished_at}>{formatDateTime(job.finished_at)}</time>
            </>
          ) : null}
        </Text>
      </Group>
      <SimpleGrid component="dl" m={0} cols={{ base: 2, sm: 5 }} spacing="sm">
        <DescriptionItem label="Listed">{formatCount(job.listed)}</DescriptionItem>
        <DescriptionItem label="Loaded">{formatCount(job.loaded)}</DescriptionItem>
        <DescriptionItem label="Already loaded or nothing to load">{formatCount(job.skipped)}</DescriptionItem>
        <DescriptionItem label="Failed">{formatCount(job.failed)}</DescriptionItem>
        <DescriptionItem label="Rows loaded">{formatCount(job.rows_loaded)}</DescriptionItem>
      </SimpleGrid>
      {job.error ? (
        <Text size="sm" c={job.status === "failed" ? "red.8" : undefined}>
          {job.error}
        </Text>
      ) : null}
    </Stack>
  );
}

export function TaskBackfill({ task }: { task: TaskRecord }) {
  const state = useTaskBackfill(task.id);
  const start = useStartBackfill(task.id);
  const cancel = useCancelBackfill(task.id);
  const [since, setSince] = useState("");
  const [sinceError, setSinceError] = useState<string | undefined>();
  const running = task.desired_state === "running";
  const job = state.data?.backfill ?? null;
  const reconcile = state.data?.reconcile ?? null;
  const active = job?.status === "running" || reconcile?.status === "running";

  const starting = useInFlight();
  const cancelling = useInFlight();

  function onStart() {
    setSinceError(undefined);
    void starting.run(() =>
      withProgressNotice(
        { pending: "Starting to load existing objects…", success: `Loading existing objects of ${task.name}`, failure: "Could not load existing objects" },
        () =>
          start.mutateAsync(since || undefined).catch((error: unknown) => {
            if (error instanceof ApiRequestError && error.fields.since) setSinceError(error.fields.since);
            throw error;
          }),
      ),
    );
  }

  function onCancel() {
    void cancelling.run(() =>
      withProgressNotice({ pending: "Cancelling…", success: "Cancelled; the batch in hand finishes", failure: "Could not cancel" }, () => cancel.mutateAsync()),
    );
  }

  return (
    <Stack gap="sm">
      <Text size="sm">
        Objects written before the bucket's notification was set up, or whose event was lost, have no message in the queue. This lists the
        bucket under the task's prefix and suffix and loads every object not loaded yet, each exactly once.
      </Text>
      <Group align="flex-end" gap="sm">
        <TextInput
          type="date"
          label="Since (optional)"
          description="Only objects modified on or after this day (UTC)"
          value={since}
          onChange={(event) => setSince(event.currentTarget.value)}
          error={sinceError}
          disabled={!running}
        />
        <Button onClick={onStart} loading={starting.busy || start.isPending} disabled={!running || active}>
          Load existing objects
        </Button>
        {active ? (
          <Button variant="default" onClick={onCancel} loading={cancelling.busy || cancel.isPending}>
            Cancel
          </Button>
        ) : null}
      </Group>
      {!running ? (
        <Text size="sm" c="dimmed">
          {BACKFILL_BLOCKED}
        </Text>
      ) : null}
      {state.isError ? (
        <Text size="sm" c="red.8">
          Could not load the progress: {state.error.message}
        </Text>
      ) : null}
      {job ? <JobProgress job={job} label="Last load of existing objects" /> : null}
      {reconcile ? (
        <>
          <Title order={3} size="h6">
            Last reconcile{task.reconcile_every_minutes ? ` (every ${task.reconcile_every_minutes} minutes)` : ""}
          </Title>
          <JobProgress job={reconcile} label="Last reconcile" />
        </>
      ) : null}
    </Stack>
  );
}

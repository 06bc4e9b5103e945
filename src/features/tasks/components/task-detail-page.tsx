// One task: state and its reasons in words, workers, activity (backlog, dead-letter queue, lag,
// throughput), failed files, counters,
// loading existing objects, settings and the run history; the header carries Start/Stop, Edit and
// Delete (Edit and Delete only while the task is stopped).
import { Anchor, Code, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { lazy, Suspense, useId, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { ON_ERROR_HELP, PURGE_WARNING } from "#contracts/task-labels.ts";
import type { TaskCounters, TaskRecord } from "#contracts/task.ts";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { LoadError, Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useTask } from "../api/get-task.ts";
import { isActive, TASKS_ROOT, taskWarehouseId } from "../task-state.ts";
import { rowsPath } from "../../warehouse/public.ts";
import { WarehouseName } from "../../admin/public.ts";
import { DeleteTaskButton, EditTaskButton, StartStopButton } from "./task-actions.tsx";
import { formatLabel, formatOptions } from "./task-format.tsx";
import { TaskActivitySection } from "./task-activity.tsx";
import { TaskBackfill } from "./task-backfill.tsx";
import { TaskRuns } from "./task-runs.tsx";
import { LastError, TaskStatus } from "./task-status.tsx";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { TaskWorkers } from "./task-workers.tsx";
import { DataSourceLink, TargetTable } from "./tasks-page.tsx";
import { DescriptionItem } from "../../../lib/description-item.tsx";

// Its table, filters and Dismiss modal load as their own chunk, after the page's text (issue 21).
const FailedFiles = lazy(() => import("./failed-files.tsx"));

const COUNTER_LABELS: Record<keyof TaskCounters, string> = {
  objects_loaded: "Objects loaded",
  rows_loaded: "Rows loaded",
  objects_duplicate: "Skipped: already loaded",
  objects_empty: "Skipped: nothing to load",
  objects_failed: "Failed files",
  messages_received: "Messages received",
  messages_deleted: "Messages deleted",
  messages_skipped: "Messages skipped",
  errors: "Errors",
  batches: "Batches",
  copy_statements: "COPY statements",
};

/** A line under a counter whose name alone does not say what it counts. */
const COUNTER_HELP: Partial<Record<keyof TaskCounters, string>> = {
  objects_duplicate: "Their rows were loaded before (a repeated event); never loaded twice.",
  objects_empty: "Zero-byte objects, and files with no rows (only a header or blank lines).",
  objects_failed: "Files that failed the same way on every attempt; set aside, the others load.",
};

function When({ iso, never }: { iso: string | null; never: string }) {
  return iso ? (
    <time dateTime={iso}>{formatDateTime(iso)}</time>
  ) : (
    <Text span c="dimmed" size="sm">
      {never}
    </Text>
  );
}

/** A titled card section, named by its heading. */
function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Paper withBorder radius="md" p={{ base: "sm", sm: "md" }} component="section" aria-labelledby={id} style={{ minWidth: 0 }}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Counters({ counters }: { counters: TaskCounters }) {
  return (
    <SimpleGrid component="dl" m={0} cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
      {(Object.keys(COUNTER_LABELS) as (keyof TaskCounters)[]).map((key) => (
        <Paper key={key} withBorder radius="sm" p="xs">
          <Text component="dt" size="xs" c="dimmed">
            {COUNTER_LABELS[key]}
          </Text>
          <Text component="dd" m={0} fw={700} size="lg">
            {formatCount(counters[key])}
            {COUNTER_HELP[key] ? (
              <Text span display="block" size="xs" fw={400} c="dimmed">
                {COUNTER_HELP[key]}
              </Text>
            ) : null}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

const targetOf = (task: TaskRecord) => ({ db: task.target.database, table: task.target.table });

function Settings({ task }: { task: TaskRecord }) {
  return (
    <SimpleGrid component="dl" m={0} cols={{ base: 1, sm: 2 }} spacing="sm">
      <DescriptionItem label="Data source">
        <DataSourceLink task={task} />
      </DescriptionItem>
      <DescriptionItem label="Warehouse">
        <WarehouseName id={taskWarehouseId(task)} />
      </DescriptionItem>
      <DescriptionItem label="Target table">
        <TargetTable target={task.target} />{" "}
        <Anchor component={Link} to={rowsPath({ ...targetOf(task), warehouse: taskWarehouseId(task) })} size="sm">
          See the rows
        </Anchor>
      </DescriptionItem>
      <DescriptionItem label="File format">{formatLabel(task.file_format)}</DescriptionItem>
      {formatOptions(task.file_format).map((option) => (
        <DescriptionItem key={option.label} label={option.label}>
          {option.value}
        </DescriptionItem>
      ))}
      <DescriptionItem label="Object Key Prefix">{task.prefix ? <Code>{task.prefix}</Code> : "Not set (all objects)"}</DescriptionItem>
      <DescriptionItem label="Object Key Suffix">{task.suffix ? <Code>{task.suffix}</Code> : "Not set (all objects)"}</DescriptionItem>
      <DescriptionItem label="On error">
        <Code>{task.on_error}</Code>
        <Text span display="block" size="xs" c="dimmed">
          {ON_ERROR_HELP[task.on_error]}
        </Text>
      </DescriptionItem>
      <DescriptionItem label="Purge">
        {task.purge ? (
          <>
            On
            <Text span display="block" size="xs" c="dimmed">
              {PURGE_WARNING}
            </Text>
          </>
        ) : (
          "Off (source objects are kept)"
        )}
      </DescriptionItem>
      <DescriptionItem label="Reconcile">
        {task.reconcile_every_minutes ? `Every ${task.reconcile_every_minutes} minutes` : "Off"}
      </DescriptionItem>
      <DescriptionItem label="Created">
        <When iso={task.created_at} never="" />
      </DescriptionItem>
      <DescriptionItem label="Updated">
        <When iso={task.updated_at} never="" />
      </DescriptionItem>
    </SimpleGrid>
  );
}

const notFound = (error: Error) => error instanceof ApiRequestError && error.status === 404;

export function TaskDetailPage() {
  const id = useParams().id ?? "";
  const task = useTask(id);

  if (task.isPending) return <Loading what="the task" />;
  if (task.isError) {
    return (
      <>
        <PageHeader title={notFound(task.error) ? "Task not found" : "Task"} trail={[TASKS_ROOT, { label: id }]} />
        <LoadError error={task.error} what="task" retry={() => void task.refetch()} back={TASKS_ROOT} />
      </>
    );
  }

  const record = task.data;
  const live = isActive(record);
  return (
    <>
      <PageHeader
        title={record.name}
        lede="Amazon SQS (S3) integration task"
        trail={[TASKS_ROOT, { label: record.name }]}
        actions={
          <>
            <StartStopButton task={record} />
            <EditTaskButton task={record} />
            <DeleteTaskButton task={record} />
          </>
        }
      />
      <Stack gap="md">
        <Section title="Status">
          <Stack gap="sm">
            <SimpleGrid component="dl" m={0} cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
              {/* Not "Status" again under the section's own "Status". */}
              <DescriptionItem label="Current state">
                <TaskStatus task={record} />
              </DescriptionItem>
              <DescriptionItem label="Requested">{record.desired_state === "running" ? "Running" : "Stopped"}</DescriptionItem>
              <DescriptionItem label="Last heartbeat">
                <When iso={record.heartbeat_at} never="No worker has run this task yet" />
              </DescriptionItem>
              <DescriptionItem label="Last batch">
                <When iso={record.last_batch_at} never="No batch yet" />
              </DescriptionItem>
            </SimpleGrid>
            <LastError task={record} />
            <Title order={3} size="h6">
              Workers
            </Title>
            <TaskWorkers taskId={record.id} live={live} />
          </Stack>
        </Section>
        <Section title="Activity">
          <TaskActivitySection taskId={record.id} />
        </Section>
        <Section title="Failed files">
          <Suspense fallback={<Loading what="failed files" />}>
            <FailedFiles taskId={record.id} live={live} />
          </Suspense>
        </Section>
        <Section title="Counters">
          <Counters counters={record.counters} />
        </Section>
        <Section title="Load existing objects">
          <TaskBackfill task={record} />
        </Section>
        <Section title="Settings">
          <Settings task={record} />
        </Section>
        <Section title="Run history">
          <TaskRuns taskId={record.id} live={live} />
        </Section>
      </Stack>
    </>
  );
}

// Data Integration: every task with its state and counters, sortable, with Start/Stop, Edit and
// Delete pinned at the row's end; an empty state explains tasks and keeps the API example at hand.
import { Anchor, Button, Code, Paper, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import type { TaskRecord } from "#contracts/task.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { LoadError, Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useCan } from "../../../lib/use-can.ts";
import { useTasks } from "../api/get-tasks.ts";
import { NEEDS_ATTENTION, TASK_HEALTH_ORDER, taskHealth } from "../task-health.ts";
import { TASKS_ROOT, taskPath } from "../task-state.ts";
import { CreateTaskExample } from "./create-task-example.tsx";
import { formatLabel } from "./task-format.tsx";
import { TaskRowActions } from "./task-actions.tsx";
import { HealthSentence, TaskStatus } from "./task-status.tsx";

export function TargetTable({ target }: { target: TaskRecord["target"] }) {
  return (
    <Code>
      {target.database}.{target.table}
    </Code>
  );
}

export function DataSourceLink({ task }: { task: TaskRecord }) {
  return (
    <Anchor component={Link} to={`/data/sources/${encodeURIComponent(task.data_source_id)}`} size="sm">
      {task.data_source_name ?? task.data_source_id}
    </Anchor>
  );
}

const column = columnsFor<TaskRecord>();
const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);

const COLUMNS = [
  column.accessor((task) => task.name, {
    id: "name",
    header: "Name",
    sortFn: "alphanumeric",
    // What needs attention says why under the name, where the eye lands first.
    cell: ({ row }) => (
      <>
        <Anchor component={Link} to={taskPath(row.original.id)} fw={600} size="sm">
          {row.original.name}
        </Anchor>
        <HealthSentence task={row.original} />
      </>
    ),
  }),
  column.accessor((task) => task.data_source_name ?? task.data_source_id, {
    id: "source",
    header: "Data source",
    sortFn: "alphanumeric",
    cell: ({ row }) => <DataSourceLink task={row.original} />,
  }),
  column.accessor((task) => `${task.target.database}.${task.target.table}`, {
    id: "target",
    header: "Target table",
    sortFn: "alphanumeric",
    // The file format rides under the table (a column of its own pushed the last one out of view at 1440 px).
    cell: ({ row }) => (
      <>
        <TargetTable target={row.original.target} />
        <Text size="xs" c="dimmed">
          {formatLabel(row.original.file_format)}
        </Text>
      </>
    ),
  }),
  column.accessor((task) => TASK_HEALTH_ORDER[taskHealth(task)], {
    id: "status",
    header: "Health",
    sortFn: "basic",
    // Failed, stalled, erroring first: they need attention.
    sortDescFirst: false,
    enableGlobalFilter: false,
    cell: ({ row }) => <TaskStatus task={row.original} compact />,
  }),
  column.accessor((task) => task.counters.objects_loaded, {
    id: "objects",
    header: "Objects loaded",
    sortFn: "basic",
    enableGlobalFilter: false,
    cell: ({ getValue }) => formatCount(getValue()),
  }),
  column.accessor((task) => task.counters.rows_loaded, {
    id: "rows",
    header: "Rows loaded",
    sortFn: "basic",
    enableGlobalFilter: false,
    cell: ({ getValue }) => formatCount(getValue()),
  }),
  column.accessor((task) => time(task.last_batch_at), {
    id: "last_batch",
    header: "Last batch",
    sortFn: "basic",
    enableGlobalFilter: false,
    cell: ({ row }) =>
      row.original.last_batch_at ? (
        <time dateTime={row.original.last_batch_at}>{formatDateTime(row.original.last_batch_at)}</time>
      ) : (
        <Text span c="dimmed" size="sm">
          None yet
        </Text>
      ),
  }),
];

/**
 * At module scope so its identity never changes: DataTable renders the actions column through
 * FlexRender, which would remount every row's buttons (losing focus and a pending Start) whenever a
 * new function arrives, e.g. on each refresh while a task runs.
 */
const rowActions = (task: TaskRecord) => <TaskRowActions task={task} />;

function CreateButton() {
  const can = useCan("operate");
  if (!can.allowed) return <DisabledButton reason={can.reason} variant="filled">Create Integration Task</DisabledButton>;
  return (
    <Button component={Link} to="/data/integration/new">
      Create Integration Task
    </Button>
  );
}

/** `?show=attention`: the list keeps only failed, stalled and erroring tasks (kept in the URL for Back and links). */
const ATTENTION = "attention";

function AttentionFilter({ all, attention, value, onChange }: { all: number; attention: number; value: string; onChange: (value: string) => void }) {
  return (
    <SegmentedControl
      aria-label="Show tasks"
      value={value}
      onChange={onChange}
      mb="sm"
      data={[
        { value: "all", label: `All (${all})` },
        { value: ATTENTION, label: `Needs attention (${attention})` },
      ]}
    />
  );
}

export function TasksPage() {
  const tasks = useTasks();
  const [search, setSearch] = useSearchParams();
  const all = tasks.data ?? [];
  const empty = tasks.isSuccess && all.length === 0;
  const needing = all.filter((task) => NEEDS_ATTENTION.has(taskHealth(task)));
  const show = search.get("show") === ATTENTION ? ATTENTION : "all";
  const items = show === ATTENTION ? needing : all;
  const setShow = (value: string) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value === ATTENTION) next.set("show", ATTENTION);
        else next.delete("show");
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader
        title={TASKS_ROOT.label}
        lede="Integration tasks read S3 ObjectCreated events from a data source's queue and load each new object into a Databend table."
        // One Create Integration Task at a time: the empty state carries its own.
        actions={empty ? null : <CreateButton />}
      />
      {tasks.isPending ? (
        <Loading what="tasks" />
      ) : tasks.isError ? (
        <LoadError error={tasks.error} what="tasks" retry={() => void tasks.refetch()} back={TASKS_ROOT} />
      ) : empty ? (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm" align="flex-start">
            <Title order={2} size="h4">
              No tasks yet
            </Title>
            <Text size="sm" maw={760}>
              A task loads data from a data source into a Databend table: it reads the ObjectCreated events S3 sends to the
              source's SQS queue, loads each new object with COPY INTO in the file format you choose (CSV, NDJSON or
              Parquet), and deletes a message only once its objects are loaded. It runs until you stop it, and every batch
              shows in its run history.
            </Text>
            <CreateButton />
          </Stack>
        </Paper>
      ) : (
        <>
        <AttentionFilter all={all.length} attention={needing.length} value={show} onChange={setShow} />
        <DataTable
          label="Integration tasks"
          columns={COLUMNS}
          data={items}
          getRowId={(task) => task.id}
          initialSort={[{ id: "name", desc: false }]}
          filter={{ label: "Filter tasks", placeholder: "Name, data source or table" }}
          actions={rowActions}
          minWidth={900}
          card={{ title: "name", status: "status" }}
          empty={show === ATTENTION ? "No task needs attention: none has failed, stalled or a standing error." : undefined}
        />
        </>
      )}
      {tasks.isSuccess ? <CreateTaskExample /> : null}
    </>
  );
}

// The task's batches, newest first, a page at a time. The API pages with `before` (the oldest
// loaded run's start time) and has no total, so the table offers one page more than it has loaded
// while the last page was full; choosing it fetches that page.
import { Button, Text, VisuallyHidden } from "@mantine/core";
import { createContext, useCallback, useContext, useState } from "react";
import type { TaskRun } from "#contracts/task.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatCount, formatDuration } from "../../../lib/format.ts";
import { Loading } from "../../../lib/page-states.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { RUNS_PAGE_SIZE, useTaskRuns } from "../api/get-task-runs.ts";
import { RUN_STATUS_BADGE } from "../task-state.ts";
import { RunDetails } from "./run-details.tsx";
import { formatDateTimeSeconds } from "./task-format.tsx";

const column = columnsFor<TaskRun>();
const plain = { enableSorting: false, enableGlobalFilter: false } as const;

const COLUMNS = [
  column.accessor("started_at", {
    ...plain,
    header: "Started",
    cell: ({ getValue }) => <time dateTime={getValue()}>{formatDateTimeSeconds(getValue())}</time>,
  }),
  column.display({ ...plain, id: "duration", header: "Duration", cell: ({ row }) => formatDuration(row.original.started_at, row.original.ended_at) }),
  column.accessor("status", {
    ...plain,
    header: "Status",
    cell: ({ getValue }) => <StatusBadge {...RUN_STATUS_BADGE[getValue()]} />,
  }),
  column.accessor("objects_loaded", { ...plain, header: "Objects", cell: ({ getValue }) => formatCount(getValue()) }),
  column.accessor("rows_loaded", { ...plain, header: "Rows", cell: ({ getValue }) => formatCount(getValue()) }),
  column.display({
    ...plain,
    id: "skipped",
    header: "Skipped",
    cell: ({ row }) => formatCount(row.original.skipped.length + row.original.more_skipped),
  }),
  column.display({
    ...plain,
    id: "errors",
    header: "Errors",
    // The stored errors and those beyond the stored list's cap.
    cell: ({ row }) => formatCount(row.original.errors.length + row.original.more_errors),
  }),
];

const OpenRuns = createContext<{ open: ReadonlySet<string>; toggle: (id: string) => void }>({
  open: new Set(),
  toggle: () => undefined,
});

function RunToggle({ run }: { run: TaskRun }) {
  const { open, toggle } = useContext(OpenRuns);
  const expanded = open.has(run.id);
  return (
    <Button
      size="compact-sm"
      variant="subtle"
      aria-expanded={expanded}
      aria-controls={expanded ? `run-${run.id}` : undefined}
      onClick={() => toggle(run.id)}
    >
      {expanded ? "Hide" : "Details"}{" "}
      <VisuallyHidden>of the run started {formatDateTimeSeconds(run.started_at)}</VisuallyHidden>
    </Button>
  );
}

export function TaskRuns({ taskId, live }: { taskId: string; live: boolean }) {
  const runs = useTaskRuns(taskId, { live });
  const [wanted, setWanted] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setOpen((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );

  // Stable, so the table keeps its actions cells (and the focused toggle) across expansions; the
  // toggle reads the open runs from context.
  const actions = useCallback((run: TaskRun) => <RunToggle run={run} />, []);
  const expandedRow = useCallback(
    (run: TaskRun) => (open.has(run.id) ? <RunDetails run={run} id={`run-${run.id}`} /> : null),
    [open],
  );

  if (runs.isPending) return <Loading what="run history" />;
  if (runs.isError && !runs.data) {
    return (
      <ErrorAlert title="Could not load the run history" message={runs.error.message}>
        <div>
          <Button variant="default" size="xs" onClick={() => void runs.refetch()}>
            Retry
          </Button>
        </div>
      </ErrorAlert>
    );
  }

  // A page the API answered empty (the one after an exactly full page) is not offered.
  const pages = runs.data.pages.filter((page, index) => index === 0 || page.length > 0);
  const loaded = pages.reduce((sum, page) => sum + page.length, 0);
  if (loaded === 0) {
    return (
      <Text size="sm" c="dimmed">
        No runs yet. Each batch of objects the worker loads adds a run here.
      </Text>
    );
  }
  const pageIndex = Math.min(wanted, pages.length - (runs.hasNextPage ? 0 : 1));
  // While the chosen page loads, the previous one stays in view.
  const shown = pages[pageIndex] ?? pages[pages.length - 1]!;

  return (
    <OpenRuns.Provider value={{ open, toggle }}>
      <DataTable
        label="Run history, newest first"
        columns={COLUMNS}
        data={shown}
        getRowId={(run) => run.id}
        actions={actions}
        expandedRow={expandedRow}
        minWidth={760}
        card={{ title: "started_at", status: "status" }}
        server={{
          pageIndex,
          pageSize: RUNS_PAGE_SIZE,
          rowCount: loaded + (runs.hasNextPage ? 1 : 0),
          onPageChange: (index) => {
            setWanted(index);
            if (index >= pages.length && runs.hasNextPage && !runs.isFetchingNextPage) void runs.fetchNextPage();
          },
        }}
      />
      <Text role="status" size="sm" c="dimmed" mt="xs">
        {runs.isFetchingNextPage
          ? "Loading older runs…"
          : `${formatCount(loaded)} ${loaded === 1 ? "run" : "runs"} loaded${runs.hasNextPage ? "; older runs on the next page" : ", all there are"}`}
      </Text>
      {runs.isFetchNextPageError ? (
        <ErrorAlert title="Could not load older runs" message={runs.error?.message ?? ""} />
      ) : null}
    </OpenRuns.Provider>
  );
}

import { useState } from "react";
import { Link, useNavigate } from "react-router";
import type { TaskRecord } from "#contracts/task.ts";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { SortableHeader, useSortedRows } from "../../../lib/sortable-table.tsx";
import { useTasks } from "../api/get-tasks.ts";
import { displayState, TASK_STATE_ORDER } from "../task-state.ts";
import { CreateTaskExample } from "./create-task-example.tsx";
import { StartStopButton, type ActionError } from "./task-actions.tsx";
import { formatLabel } from "./task-format.tsx";
import { TaskStatus } from "./task-status.tsx";

type Column = "name" | "source" | "format" | "target" | "status" | "activity" | "objects" | "rows";

const COLUMNS: { key: Column; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "source", label: "Data source" },
  { key: "format", label: "File format" },
  { key: "target", label: "Target table" },
  { key: "status", label: "Status" },
  { key: "activity", label: "Last activity" },
  { key: "objects", label: "Objects loaded" },
  { key: "rows", label: "Rows loaded" },
];

const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);

function sortValue(task: TaskRecord, column: Column): string | number {
  switch (column) {
    case "name":
      return task.name;
    case "source":
      return task.data_source_name ?? "";
    case "format":
      return formatLabel(task.file_format);
    case "target":
      return `${task.target.database}.${task.target.table}`;
    case "status":
      return TASK_STATE_ORDER[displayState(task)];
    case "activity":
      return Math.max(time(task.heartbeat_at), time(task.last_batch_at));
    case "objects":
      return task.counters.objects_loaded;
    case "rows":
      return task.counters.rows_loaded;
  }
}

export function TargetTable({ target }: { target: TaskRecord["target"] }) {
  return (
    <code>
      {target.database}.{target.table}
    </code>
  );
}

export function DataSourceLink({ task }: { task: TaskRecord }) {
  return (
    <Link to={`/data/sources/${encodeURIComponent(task.data_source_id)}`}>
      {task.data_source_name ?? task.data_source_id}
    </Link>
  );
}

function LastActivity({ task }: { task: TaskRecord }) {
  if (!task.heartbeat_at && !task.last_batch_at) return <span className="muted">Never run</span>;
  return (
    <span className="stacked">
      <span>
        <span className="muted">Heartbeat </span>
        {task.heartbeat_at ? <time dateTime={task.heartbeat_at}>{formatDateTime(task.heartbeat_at)}</time> : "—"}
      </span>
      <span>
        <span className="muted">Last batch </span>
        {task.last_batch_at ? <time dateTime={task.last_batch_at}>{formatDateTime(task.last_batch_at)}</time> : "none yet"}
      </span>
    </span>
  );
}

function CreateButton() {
  const navigate = useNavigate();
  return (
    <button type="button" className="primary" onClick={() => void navigate("/data/integration/new")}>
      Create Integration Task
    </button>
  );
}

export function TasksPage() {
  const tasks = useTasks();
  const items = tasks.data ?? [];
  const { sorted, sort, toggle } = useSortedRows<TaskRecord, Column>(items, sortValue, { key: "name", direction: "ascending" });
  const [actionError, setActionError] = useState<ActionError | null>(null);

  return (
    <section className="page">
      <div className="page-header">
        <div>
          <h1>Data Integration</h1>
          <p className="page-lede">
            Integration tasks read S3 ObjectCreated events from a data source's queue and load each new object into a
            Databend table.
          </p>
        </div>
        {/* One Create Integration Task at a time: the empty state carries its own. */}
        {tasks.isSuccess && items.length === 0 ? null : <CreateButton />}
      </div>

      {actionError ? (
        <div role="alert" className="alert alert-error">
          <p>{actionError.message}</p>
          <button type="button" className="small" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </div>
      ) : null}

      {tasks.isPending ? (
        <p role="status" className="loading">
          <span className="spinner" aria-hidden="true" /> Loading tasks…
        </p>
      ) : tasks.isError ? (
        <div role="alert" className="alert alert-error">
          <p>Could not load tasks: {tasks.error.message}</p>
          <button type="button" onClick={() => void tasks.refetch()}>
            Retry
          </button>
        </div>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <h2>No tasks yet</h2>
          <p>
            A task loads data from a data source into a Databend table: it reads the ObjectCreated events S3 sends to the
            source's SQS queue, loads each new object with COPY INTO in the file format you choose (CSV, NDJSON or
            Parquet), and deletes a message only once its objects are loaded. It runs until you stop it, and every batch
            shows in its run history.
          </p>
          <CreateButton />
          <CreateTaskExample />
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">
              Integration tasks, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label} ({sort.direction})
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <SortableHeader key={column.key} column={column.key} label={column.label} sort={sort} onSort={toggle} />
                ))}
                <th scope="col" className="plain-th">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((task) => (
                <tr key={task.id}>
                  <td>
                    <Link to={`/data/integration/${encodeURIComponent(task.id)}`}>{task.name}</Link>
                  </td>
                  <td>
                    <DataSourceLink task={task} />
                  </td>
                  <td>{formatLabel(task.file_format)}</td>
                  <td>
                    <TargetTable target={task.target} />
                  </td>
                  <td>
                    <TaskStatus task={task} />
                  </td>
                  <td>
                    <LastActivity task={task} />
                  </td>
                  <td className="num">{formatCount(task.counters.objects_loaded)}</td>
                  <td className="num">{formatCount(task.counters.rows_loaded)}</td>
                  <td>
                    <StartStopButton
                      task={task}
                      compact
                      onResult={(error) => setActionError((current) => error ?? (current?.taskId === task.id ? null : current))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

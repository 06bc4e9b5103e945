import { useId, useState, type ReactNode } from "react";
import { useLocation, useParams } from "react-router";
import {
  ON_ERROR_HELP,
  PURGE_WARNING,
  type TaskCounters,
  type TaskRecord,
} from "#contracts/task.ts";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { Breadcrumbs, Loading, LoadError } from "../../../lib/page-states.tsx";
import { useTask } from "../api/get-task.ts";
import { isActive } from "../task-state.ts";
import { DeleteTaskDialog } from "./delete-task-dialog.tsx";
import { StartStopButton, type ActionError } from "./task-actions.tsx";
import { formatLabel, formatOptions } from "./task-format.tsx";
import { TaskRuns } from "./task-runs.tsx";
import { TaskStatus } from "./task-status.tsx";
import { TaskWorkers } from "./task-workers.tsx";
import { DataSourceLink, TargetTable } from "./tasks-page.tsx";

const TRAIL_ROOT = { label: "Data Integration", to: "/data/integration" };

const COUNTER_LABELS: Record<keyof TaskCounters, string> = {
  objects_loaded: "Objects loaded",
  rows_loaded: "Rows loaded",
  objects_duplicate: "Objects already loaded (left out)",
  messages_received: "Messages received",
  messages_deleted: "Messages deleted",
  messages_skipped: "Messages skipped",
  errors: "Errors",
  batches: "Batches",
  copy_statements: "COPY statements",
};

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function When({ iso, never }: { iso: string | null; never: string }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : <span className="muted">{never}</span>;
}

function Settings({ task }: { task: TaskRecord }) {
  return (
    <dl className="detail-list">
      <Item label="Data source">
        <DataSourceLink task={task} />
      </Item>
      <Item label="File format">{formatLabel(task.file_format)}</Item>
      {formatOptions(task.file_format).map((option) => (
        <Item key={option.label} label={option.label}>
          <code>{option.value}</code>
        </Item>
      ))}
      <Item label="Object Key Prefix">{task.prefix ? <code>{task.prefix}</code> : <span className="muted">Not set (all objects)</span>}</Item>
      <Item label="Object Key Suffix">{task.suffix ? <code>{task.suffix}</code> : <span className="muted">Not set (all objects)</span>}</Item>
      <Item label="Target table">
        <TargetTable target={task.target} />
      </Item>
      <Item label="On error">
        <code>{task.on_error}</code>
        <p className="field-help">{ON_ERROR_HELP[task.on_error]}</p>
      </Item>
      <Item label="Purge">
        {task.purge ? (
          <>
            On
            <p className="field-note">{PURGE_WARNING}</p>
          </>
        ) : (
          "Off (source objects are kept)"
        )}
      </Item>
      <Item label="Created">
        <When iso={task.created_at} never="" />
      </Item>
      <Item label="Updated">
        <When iso={task.updated_at} never="" />
      </Item>
    </dl>
  );
}

export function TaskDetailPage() {
  const id = useParams().id ?? "";
  const task = useTask(id);
  const [confirming, setConfirming] = useState(false);
  // A failed start right after "Create and start" arrives with the navigation.
  const handedOver = (useLocation().state as { actionError?: ActionError | null } | null)?.actionError ?? null;
  const [actionError, setActionError] = useState<ActionError | null>(handedOver);
  const ids = { blocked: useId(), status: useId(), counters: useId(), settings: useId(), runs: useId() };

  if (task.isPending) {
    return (
      <section className="page">
        <Loading what="the task" />
      </section>
    );
  }
  if (task.isError) {
    return (
      <section className="page">
        <Breadcrumbs trail={[TRAIL_ROOT, { label: id }]} />
        <LoadError error={task.error} what="task" retry={() => void task.refetch()} back={TRAIL_ROOT} />
      </section>
    );
  }

  const record = task.data;
  // The API refuses to delete a task meant to run; say so before the click.
  const running = record.desired_state === "running";
  return (
    <section className="page">
      <Breadcrumbs trail={[TRAIL_ROOT, { label: record.name }]} />
      <div className="page-header">
        <div>
          <h1>{record.name}</h1>
          <p className="page-lede">Amazon SQS (S3) integration task</p>
        </div>
        <div className="page-actions">
          <StartStopButton task={record} onResult={setActionError} />
          <button
            type="button"
            className="danger"
            disabled={running}
            aria-describedby={running ? ids.blocked : undefined}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      </div>
      {actionError ? (
        <div role="alert" className="alert alert-error">
          <p>{actionError.message}</p>
        </div>
      ) : null}
      {running ? (
        <p id={ids.blocked} className="alert alert-info">
          Delete is unavailable while the task runs: stop it first.
        </p>
      ) : null}

      <div className="form-layout">
        <div className="detail-main">
          <section className="panel" aria-labelledby={ids.status}>
            <h2 id={ids.status}>Status</h2>
            <dl className="detail-list">
              <Item label="Status">
                <TaskStatus task={record} />
              </Item>
              <Item label="Requested">{running ? "Running" : "Stopped"}</Item>
              <Item label="Last heartbeat">
                <When iso={record.heartbeat_at} never="No worker has run this task yet" />
              </Item>
              <Item label="Last batch">
                <When iso={record.last_batch_at} never="No batch yet" />
              </Item>
              <Item label="Workers">
                <TaskWorkers taskId={record.id} live={isActive(record)} />
              </Item>
              <Item label="Last error">
                {record.last_error ? <span className="error-text">{record.last_error}</span> : <span className="muted">None</span>}
              </Item>
            </dl>
          </section>

          <section className="panel" aria-labelledby={ids.counters}>
            <h2 id={ids.counters}>Counters</h2>
            <dl className="detail-list counters">
              {(Object.keys(COUNTER_LABELS) as (keyof TaskCounters)[]).map((key) => (
                <Item key={key} label={COUNTER_LABELS[key]}>
                  {formatCount(record.counters[key])}
                </Item>
              ))}
            </dl>
          </section>
        </div>

        <section className="panel" aria-labelledby={ids.settings}>
          <h2 id={ids.settings}>Settings</h2>
          <Settings task={record} />
        </section>
      </div>

      <section className="panel" aria-labelledby={ids.runs}>
        <h2 id={ids.runs}>Run history</h2>
        <TaskRuns taskId={record.id} live={isActive(record)} />
      </section>

      {confirming ? <DeleteTaskDialog task={record} onClose={() => setConfirming(false)} /> : null}
    </section>
  );
}

import { Fragment, useId, useState } from "react";
import type { TaskRun } from "#contracts/task.ts";
import { formatCount, formatDateTime, formatDuration } from "../../../lib/format.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { useTaskRuns } from "../api/get-task-runs.ts";
import { RUN_STATUS_BADGE } from "../task-state.ts";

const EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS).trimEnd()}…`;
}

function RunDetails({ run, id }: { run: TaskRun; id: string }) {
  return (
    <div id={id} className="run-details">
      {run.errors.length > 0 ? (
        <>
          <h4>Errors</h4>
          <ul className="run-entries">
            {run.errors.map((entry, index) => (
              <li key={index}>
                <span className="muted">Message </span>
                {entry.message_id ? <code>{entry.message_id}</code> : <span className="muted">(whole batch)</span>}
                {entry.key ? (
                  <>
                    <span className="muted"> object </span>
                    <code>{entry.key}</code>
                  </>
                ) : null}
                <p className="run-error-text">{excerpt(entry.error)}</p>
                {entry.error.length > EXCERPT_CHARS ? (
                  <details>
                    <summary>Full message</summary>
                    <pre className="run-error-full">{entry.error}</pre>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
          {run.more_errors > 0 ? <p className="muted">…and {formatCount(run.more_errors)} more errors not stored.</p> : null}
        </>
      ) : null}
      {run.skipped.length > 0 ? (
        <>
          <h4>Skipped</h4>
          <ul className="run-entries">
            {run.skipped.map((entry, index) => (
              <li key={index}>
                <span className="muted">Message </span>
                <code>{entry.message_id}</code>
                {entry.key ? (
                  <>
                    <span className="muted"> object </span>
                    <code>{entry.key}</code>
                  </>
                ) : null}
                <span className="muted">: </span>
                {entry.reason}
              </li>
            ))}
          </ul>
          {run.more_skipped > 0 ? <p className="muted">…and {formatCount(run.more_skipped)} more skipped not stored.</p> : null}
        </>
      ) : null}
      <p className="muted run-extra">
        Messages deleted {formatCount(run.messages_deleted)}, duplicates left out {formatCount(run.objects_duplicate)},
        COPY statements {formatCount(run.copy_statements)}, worker <code>{run.worker_id}</code>.
      </p>
    </div>
  );
}

function RunRow({ run }: { run: TaskRun }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const skipped = run.skipped.length + run.more_skipped;
  const errors = run.errors.length + run.more_errors;
  const badge = RUN_STATUS_BADGE[run.status];
  return (
    <Fragment>
      <tr>
        <td>
          <time dateTime={run.started_at}>{formatDateTime(run.started_at)}</time>
        </td>
        <td>
          <time dateTime={run.ended_at}>{formatDateTime(run.ended_at)}</time>
        </td>
        <td>{formatDuration(run.started_at, run.ended_at)}</td>
        <td>
          <StatusBadge status={badge.status} text={badge.text} />
        </td>
        <td className="num">{formatCount(run.messages)}</td>
        <td className="num">{formatCount(run.objects_loaded)}</td>
        <td className="num">{formatCount(run.rows_loaded)}</td>
        <td className="num">{formatCount(skipped)}</td>
        <td className="num">{formatCount(errors)}</td>
        <td>
          <button
            type="button"
            className="small"
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            onClick={() => setOpen((value) => !value)}
          >
            {open ? "Hide" : "Details"}
            <span className="sr-only"> of the run started {formatDateTime(run.started_at)}</span>
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="run-details-row">
          <td colSpan={10}>
            <RunDetails run={run} id={detailsId} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** The task's batches, newest first; "Load older runs" pages back with the API's `before`. */
export function TaskRuns({ taskId, live }: { taskId: string; live: boolean }) {
  const runs = useTaskRuns(taskId, { live });
  if (runs.isPending) {
    return (
      <p role="status" className="loading">
        <span className="spinner" aria-hidden="true" /> Loading run history…
      </p>
    );
  }
  if (runs.isError && !runs.data) {
    return (
      <div role="alert" className="alert alert-error">
        <p>Could not load the run history: {runs.error.message}</p>
        <button type="button" onClick={() => void runs.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  const items = runs.data.pages.flat();
  if (items.length === 0) {
    return <p className="muted">No runs yet. Each batch of objects the worker loads adds a run here.</p>;
  }
  return (
    <>
      <div className="table-wrap">
        <table className="data-table runs-table">
          <caption className="sr-only">Run history, newest first</caption>
          <thead>
            <tr>
              {["Start", "End", "Duration", "Status", "Messages", "Objects loaded", "Rows loaded", "Skipped", "Errors"].map(
                (label) => (
                  <th key={label} scope="col" className="plain-th">
                    {label}
                  </th>
                ),
              )}
              <th scope="col" className="plain-th">
                <span className="sr-only">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <RunRow key={run.id} run={run} />
            ))}
          </tbody>
        </table>
      </div>
      {runs.isFetchNextPageError ? (
        <div role="alert" className="alert alert-error runs-more-error">
          Could not load older runs: {runs.error?.message}
        </div>
      ) : null}
      <p className="runs-footer">
        <span role="status" className="muted">
          {items.length === 1 ? "1 run shown" : `${formatCount(items.length)} runs shown`}
          {runs.hasNextPage ? "" : ", all loaded"}
        </span>
        {runs.hasNextPage ? (
          <button type="button" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
            {runs.isFetchingNextPage ? "Loading older runs…" : "Load older runs"}
          </button>
        ) : null}
      </p>
    </>
  );
}

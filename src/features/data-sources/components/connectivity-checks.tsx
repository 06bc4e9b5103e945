import { CHECK_TITLES, type CheckId, type CheckResult } from "#contracts/connectivity.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import type { CheckRow, TestRun } from "../api/test-connectivity.ts";

/** The checks of one test, each with its title, status in words, message and how to fix it. */
export function CheckList({ checks, label = "Connectivity checks" }: { checks: readonly CheckRow[]; label?: string }) {
  return (
    <ol className="check-list" aria-label={label}>
      {checks.map((check) => (
        <li key={check.id} className={`check check-${check.status}`}>
          <div className="check-head">
            <span className="check-title">{CHECK_TITLES[check.id as CheckId]}</span>
            <StatusBadge status={check.status} />
          </div>
          {check.message ? <p className="check-message">{check.message}</p> : null}
          {check.hint ? (
            <p className="check-hint">
              <strong>How to fix: </strong>
              {check.hint}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** "Test passed: 7 passed, 1 warning" and the like. */
export function summarize(checks: readonly Pick<CheckResult, "status">[] | readonly CheckRow[], ok: boolean): string {
  const count = (status: string) => checks.filter((check) => check.status === status).length;
  const parts = [
    count("pass") && `${count("pass")} passed`,
    count("fail") && `${count("fail")} failed`,
    count("warn") && `${count("warn")} ${count("warn") === 1 ? "warning" : "warnings"}`,
    count("skip") && `${count("skip")} skipped`,
  ].filter(Boolean);
  return `${ok ? "Test passed" : "Test failed"}: ${parts.join(", ")}.`;
}

/** The live result of Test Connectivity: a polite summary, alerts for failures to run, and the checks. */
export function ConnectivityTestResult({ run, stale }: { run: TestRun; stale: boolean }) {
  let summary = "Not tested yet. Test Connectivity assumes your role and checks the queue and the bucket.";
  if (run.phase === "running") {
    const finished = run.checks.filter((check) => check.status !== "pending" && check.status !== "running").length;
    summary = `Testing connectivity… ${finished} of ${run.checks.length} checks finished.`;
  } else if (run.phase === "done") {
    summary = summarize(run.checks, run.ok);
  } else if (run.phase === "cancelled") {
    summary = "Test cancelled. Run Test Connectivity again when ready.";
  } else if (run.phase === "timeout" || run.phase === "error") {
    summary = "The test did not complete.";
  }
  return (
    <div className="test-result">
      <p role="status" className={`test-summary${run.phase === "done" ? (run.ok ? " is-pass" : " is-fail") : ""}`}>
        {summary}
        {run.phase === "done" ? (
          <>
            {" "}
            <span className="muted">
              Tested <time dateTime={run.testedAt}>{formatDateTime(run.testedAt)}</time>.
            </span>
          </>
        ) : null}
      </p>
      {run.phase === "timeout" ? (
        <div role="alert" className="alert alert-error">
          The test did not finish within {run.seconds} seconds and was stopped. Check that the API server can reach
          AWS, then test again.
        </div>
      ) : null}
      {run.phase === "error" ? (
        <div role="alert" className="alert alert-error">
          {run.message}
        </div>
      ) : null}
      {stale ? (
        <p className="stale-note" role="note">
          <span aria-hidden="true">⚠ </span>Values changed since the last test; test again.
        </p>
      ) : null}
      {run.phase !== "idle" ? <CheckList checks={run.checks} /> : null}
    </div>
  );
}

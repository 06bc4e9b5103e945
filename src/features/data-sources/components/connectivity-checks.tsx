// The checks of a connectivity test: one row per check with its status, what happened, and — only
// on the check where a problem happened — how to fix it. Checks skipped because of another check say
// so in one line, so a wrong Role ARN explains itself once instead of under every check.
import { Group, Paper, Progress, Stack, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import { CHECK_IDS, CHECK_TITLES, type CheckId, type CheckResult } from "#contracts/connectivity.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { ErrorAlert, ErrorDetail } from "../../../lib/error-detail.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { revealBelowHeader } from "../../../lib/reveal.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import type { CheckRow, TestRun } from "../api/test-connectivity.ts";
import classes from "./connectivity-checks.module.css";

const ID_PATTERN = new RegExp(`\\b(${CHECK_IDS.join("|")})\\b`, "g");

/** A message in words: an internal check id (older servers wrote them in skip messages) becomes its title. */
function inWords(message: string): string {
  return message.replace(ID_PATTERN, (id) => `"${CHECK_TITLES[id as CheckId]}"`);
}

/** A hint may end with a JSON document (the queue policy): that part is shown as a copyable block. */
export function splitHint(hint: string): { text: string; document: string | null } {
  for (let at = hint.indexOf("{"); at !== -1; at = hint.indexOf("{", at + 1)) {
    try {
      const parsed: unknown = JSON.parse(hint.slice(at));
      return { text: hint.slice(0, at).trim().replace(/:$/, "."), document: JSON.stringify(parsed, null, 2) };
    } catch {
      // Not a document from here to the end; try the next brace.
    }
  }
  return { text: hint, document: null };
}

function Hint({ id, hint }: { id: CheckId; hint: string }) {
  const { text, document } = splitHint(hint);
  const title = id === "sqs_policy" ? "Queue policy" : "Document";
  return (
    <Stack gap={6} className={classes.hint}>
      <Text size="sm">
        <strong>How to fix: </strong>
        {text}
      </Text>
      {document ? <CodeBlock title={title} code={document} what={title.toLowerCase()} /> : null}
    </Stack>
  );
}

/**
 * The checks of one test, each with its title, status in words, message and (where it failed) how
 * to fix it. `stopped`: the test ended early (cancelled, timed out, refused), so a check that never
 * ran reads "Not run", not "Pending" as if it were still coming.
 */
export function CheckList({ checks, label = "Connectivity checks", stopped = false }: { checks: readonly CheckRow[]; label?: string; stopped?: boolean }) {
  return (
    <Paper withBorder radius="sm" component="ol" aria-label={label} className={classes.list}>
      {checks.map((check) => (
        <li key={check.id} className={classes.check} data-status={check.status}>
          <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
            <Text size="sm" fw={600} miw={0}>
              {CHECK_TITLES[check.id]}
            </Text>
            <div className={classes.badge}>
              <StatusBadge
                status={check.status}
                {...(stopped && (check.status === "pending" || check.status === "running") ? { text: "Not run" } : {})}
              />
            </div>
          </Group>
          {check.message ? (
            <Text size="sm" c={check.status === "skip" ? "dimmed" : undefined} className={classes.message}>
              {inWords(check.message)}
            </Text>
          ) : null}
          {check.hint && (check.status === "fail" || check.status === "warn") ? (
            <Hint id={check.id} hint={check.hint} />
          ) : null}
          {check.detail && check.status !== "pass" ? <ErrorDetail detail={check.detail} /> : null}
        </li>
      ))}
    </Paper>
  );
}

/** "Test passed: 7 passed, 1 warning." and the like. */
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

/** A finished test's summary line with its time, coloured by outcome. */
export function TestSummary({ checks, ok, testedAt }: { checks: readonly CheckRow[]; ok: boolean; testedAt: string }) {
  return (
    // Only red.9 of the palette's reds and greens reads at 4.5:1 on white: a pass keeps the text colour
    // (the badges carry green).
    <Text size="sm" fw={600} c={ok ? undefined : "red.9"} className={classes.summary}>
      {summarize(checks, ok)}{" "}
      <Text span size="sm" c="dimmed" fw={400}>
        Tested <time dateTime={testedAt}>{formatDateTime(testedAt)}</time>.
      </Text>
    </Text>
  );
}

/** "Queue URL", "Queue URL and Bucket", "Queue URL, Role ARN and Bucket". */
function inList(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** Why Test Connectivity did not run: the fields it waits for, by their labels. */
export function blockedSentence(fields: readonly string[]): string {
  return `Not tested: fix ${inList(fields)} first (see the message under ${fields.length === 1 ? "the field" : "each field"}), then Test Connectivity.`;
}

/**
 * The live result of Test Connectivity: a polite summary, progress, alerts for failures to run, and
 * the checks. `blockedBy` names the connection fields in error: a test waits for them, and the
 * panel says so where "Not tested yet" would otherwise stand.
 */
export function ConnectivityTestResult({
  run,
  stale,
  blockedBy = [],
}: {
  run: TestRun;
  stale: boolean;
  blockedBy?: readonly string[];
}) {
  const blocked = blockedBy.length > 0;
  // A test that just failed brings its first failing check into view: the operator pressed the
  // button below the list and would otherwise see only the summary, or nothing (issue 17, item 7).
  const root = useRef<HTMLDivElement>(null);
  const finishedAt = run.phase === "done" ? run.testedAt : null;
  const failed = run.phase === "done" && !run.ok;
  useEffect(() => {
    if (!finishedAt || !failed) return;
    revealBelowHeader([root.current?.querySelector('li[data-status="fail"]')]);
  }, [finishedAt, failed]);
  const finished =
    run.phase === "idle"
      ? 0
      : run.checks.filter((check) => check.status !== "pending" && check.status !== "running").length;
  const total = run.phase === "idle" ? CHECK_IDS.length : run.checks.length;
  return (
    <Stack gap="sm" ref={root}>
      <div role="status">
        {run.phase === "done" ? (
          <TestSummary checks={run.checks} ok={run.ok} testedAt={run.testedAt} />
        ) : (
          <Text size="sm" c={run.phase === "idle" && !blocked ? "dimmed" : undefined} fw={run.phase === "idle" && blocked ? 600 : undefined}>
            {run.phase === "idle" && blocked
              ? blockedSentence(blockedBy)
              : run.phase === "running"
              ? `Testing connectivity… ${finished} of ${total} checks finished.`
              : run.phase === "cancelled"
                ? "Test cancelled. Run Test Connectivity again when ready."
                : run.phase === "idle"
                  ? "Not tested yet. Test Connectivity assumes your role and checks the queue and the bucket."
                  : "The test did not complete."}
          </Text>
        )}
      </div>
      {run.phase === "running" ? (
        <Progress value={(finished / total) * 100} size="sm" aria-label="Checks finished" animated />
      ) : null}
      {run.phase === "timeout" ? (
        <ErrorAlert
          title="The test took too long"
          message={`The test did not finish within ${run.seconds} seconds and was stopped. Check that the API server can reach AWS, then test again.`}
        />
      ) : null}
      {run.phase === "error" ? (
        <ErrorAlert title="Test Connectivity could not run" message={run.message} detail={run.detail} />
      ) : null}
      {blocked && run.phase !== "idle" && run.phase !== "running" ? (
        <Text size="sm" fw={600} role="note">
          {blockedSentence(blockedBy).replace(/^Not tested: f/, "F")}
        </Text>
      ) : null}
      {stale ? (
        <Text size="sm" fw={600} role="note">
          <span aria-hidden="true">⚠ </span>Values changed since the last test; test again.
        </Text>
      ) : null}
      {/* A test refused before any check ran (a limit, a bad request) has only its alert to show. */}
      {run.phase === "idle" || (run.phase === "error" && finished === 0) ? null : (
        <CheckList checks={run.checks} stopped={run.phase !== "running" && run.phase !== "done"} />
      )}
    </Stack>
  );
}

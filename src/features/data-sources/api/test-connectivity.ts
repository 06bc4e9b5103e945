// POST /api/data-sources/test, streamed: each check is shown as it starts and finishes.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { z } from "zod";
import {
  CHECK_IDS,
  testEventSchema,
  testResultSchema,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type TestEvent,
} from "#contracts/connectivity.ts";
import { connectionOf, type ConnectionFields } from "#contracts/data-source.ts";
import { ApiRequestError, asApiError } from "../../../lib/api-client.ts";
import { readNdjson } from "../../../lib/ndjson.ts";
import { dataSourceKeys } from "./keys.ts";

export type TestOutcome = Extract<TestEvent, { event: "done" }>["result"];

/**
 * Runs the test and calls `onEvent` for every event as it arrives; resolves with the final result.
 * Rejects with ApiRequestError for error responses (400 fields, 429 rate limit, ...) and with the
 * signal's AbortError when aborted.
 */
export async function streamConnectivityTest(
  input: ConnectionFields,
  { signal, onEvent }: { signal?: AbortSignal; onEvent?: (event: TestEvent) => void } = {},
): Promise<TestOutcome> {
  let response: Response;
  try {
    response = await fetch("/api/data-sources/test", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify(connectionOf(input)),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiRequestError(0, "Cannot reach the API server; check that it is running");
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = asApiError(body);
    throw new ApiRequestError(
      response.status,
      parsed?.error ?? `Test Connectivity failed with status ${response.status}`,
      parsed?.fields ?? {},
      parsed?.detail,
    );
  }
  // A server that answers with one JSON document instead of a stream still works.
  if (!(response.headers.get("content-type") ?? "").includes("ndjson") || !response.body) {
    const whole = testResultSchema
      .extend({ tested_at: z.string().optional() })
      .safeParse(await response.json().catch(() => undefined));
    if (!whole.success) throw new ApiRequestError(response.status, "The server sent an unexpected test result");
    const result: TestOutcome = { ...whole.data, tested_at: whole.data.tested_at ?? new Date().toISOString() };
    for (const check of result.checks) onEvent?.({ event: "result", check });
    onEvent?.({ event: "done", result });
    return result;
  }
  for await (const line of readNdjson(response.body, signal)) {
    const event = testEventSchema.safeParse(line);
    if (!event.success) throw new ApiRequestError(response.status, "The server sent an unexpected test event");
    onEvent?.(event.data);
    if (event.data.event === "done") return event.data.result;
  }
  throw new ApiRequestError(response.status, "The test stopped before all checks finished; run it again");
}

export type CheckRowStatus = "pending" | "running" | CheckStatus;
export interface CheckRow {
  id: CheckId;
  status: CheckRowStatus;
  message?: string;
  hint?: string;
  /** AWS's own code and text behind the message, for a details toggle. */
  detail?: string;
}

interface RunBase {
  /** The connection values this run tested; compared with the form to gate saving. */
  connection: ConnectionFields;
  checks: CheckRow[];
}
export type TestRun =
  | { phase: "idle" }
  | (RunBase & { phase: "running" | "cancelled" })
  | (RunBase & { phase: "timeout"; seconds: number })
  | (RunBase & { phase: "done"; ok: boolean; testedAt: string })
  | (RunBase & { phase: "error"; message: string; detail?: string; fields: Record<string, string> });

export const DEFAULT_TEST_TIMEOUT_MS = 30_000;

const pendingRows = (): CheckRow[] => CHECK_IDS.map((id) => ({ id, status: "pending" }));

function withResult(rows: CheckRow[], check: CheckResult): CheckRow[] {
  return rows.map((row) => (row.id === check.id ? { ...check } : row));
}

/**
 * State of one Test Connectivity run at a time: start it, cancel it, and it times out on its own
 * after `timeoutMs`. A finished test refreshes data-source queries, whose last test may change.
 */
export function useConnectivityTest({ timeoutMs = DEFAULT_TEST_TIMEOUT_MS }: { timeoutMs?: number } = {}) {
  const queryClient = useQueryClient();
  const [run, setRun] = useState<TestRun>({ phase: "idle" });
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    async (input: ConnectionFields): Promise<TestRun> => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const connection = connectionOf(input);
      let checks = pendingRows();
      let reason: "cancel" | "timeout" | null = null;
      const update = (next: TestRun) => {
        if (controller.current === abort) setRun(next);
        return next;
      };
      update({ phase: "running", connection, checks });
      const timer = setTimeout(() => {
        reason = "timeout";
        abort.abort();
      }, timeoutMs);
      abort.signal.addEventListener("abort", () => {
        reason ??= "cancel";
      });
      try {
        const result = await streamConnectivityTest(connection, {
          signal: abort.signal,
          onEvent: (event) => {
            if (abort.signal.aborted) return;
            if (event.event === "running") {
              checks = checks.map<CheckRow>((row) => (row.id === event.id ? { id: row.id, status: "running" } : row));
            } else if (event.event === "result") {
              checks = withResult(checks, event.check);
            } else {
              checks = CHECK_IDS.map(
                (id) =>
                  event.result.checks.find((check) => check.id === id) ?? {
                    id,
                    status: "skip",
                    message: "The server did not run this check",
                  },
              );
            }
            update({ phase: "running", connection, checks });
          },
        });
        void queryClient.invalidateQueries({ queryKey: dataSourceKeys.all });
        return update({ phase: "done", connection, checks, ok: result.ok, testedAt: result.tested_at });
      } catch (error) {
        // Checks that had not finished did not run to the end: show them as not run.
        const stopped = checks.map<CheckRow>((row) => (row.status === "running" ? { id: row.id, status: "pending" } : row));
        if (reason === "timeout") {
          return update({ phase: "timeout", connection, checks: stopped, seconds: Math.round(timeoutMs / 1000) });
        }
        if (reason === "cancel") return update({ phase: "cancelled", connection, checks: stopped });
        const message = error instanceof Error ? error.message : "Test Connectivity failed";
        const fields = error instanceof ApiRequestError ? error.fields : {};
        const detail = error instanceof ApiRequestError ? error.detail : undefined;
        return update({ phase: "error", connection, checks: stopped, message, detail, fields });
      } finally {
        clearTimeout(timer);
      }
    },
    [queryClient, timeoutMs],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  return { run, start, cancel };
}

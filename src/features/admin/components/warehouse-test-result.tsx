// A warehouse's Test connection outcome: its status as a title, the server's sentence (what happened
// and what to change), Databend's version when it answered, and Databend's own text collapsed behind
// "Show details". A request the API refused (403, 5xx) is shown the same way, as a failed test.
import { Alert, Stack, Text } from "@mantine/core";
import type { WarehouseTestResult } from "#contracts/warehouse-connection.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { ErrorDetail } from "../../../lib/error-detail.tsx";

export type TestState = { phase: "running" } | { phase: "done"; result: WarehouseTestResult } | { phase: "refused"; error: Error };

const TITLES: Record<WarehouseTestResult["status"], string> = {
  ok: "Connected",
  unreachable: "Cannot reach the warehouse",
  tls: "TLS failed",
  auth: "Sign-in refused",
  database: "No access to the database",
  error: "Test failed",
};

export function WarehouseTestOutcome({ state, name }: { state: TestState; name: string }) {
  if (state.phase === "running") {
    return (
      <Text size="sm" role="status">
        Testing the connection to {name}…
      </Text>
    );
  }
  if (state.phase === "refused") {
    return (
      <Alert color="red" variant="light" title="Could not test the connection" role="alert">
        <Stack gap="xs">
          <Text size="sm">{state.error.message}</Text>
          {state.error instanceof ApiRequestError && state.error.detail ? <ErrorDetail detail={state.error.detail} /> : null}
        </Stack>
      </Alert>
    );
  }
  const { result } = state;
  return (
    <Alert
      color={result.ok ? "green" : "red"}
      variant="light"
      title={TITLES[result.status]}
      role={result.ok ? "status" : "alert"}
     
    >
      <Stack gap="xs">
        <Text size="sm">{result.message}</Text>
        {result.version ? (
          <Text size="sm" c="dimmed">
            Databend {result.version}
          </Text>
        ) : null}
        {result.detail ? <ErrorDetail detail={result.detail} /> : null}
      </Stack>
    </Alert>
  );
}

/** Runs a test and reports its states (running, then done or refused). */
export async function runTest(test: () => Promise<WarehouseTestResult>, report: (state: TestState) => void): Promise<void> {
  report({ phase: "running" });
  try {
    report({ phase: "done", result: await test() });
  } catch (error) {
    report({ phase: "refused", error: error instanceof Error ? error : new Error(String(error)) });
  }
}

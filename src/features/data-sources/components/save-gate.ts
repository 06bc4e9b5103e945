// When OK may save, and the sentence that says why (or why not): only a passing test of exactly the
// current connection values counts, or, when editing, a connection unchanged since it was saved.
import {
  CONNECTION_FIELDS,
  connectionOf,
  connectivityTestInputSchema,
  type ConnectionFields,
} from "#contracts/data-source.ts";
import type { TestRun } from "../api/test-connectivity.ts";

/** The connection values as the server compares them (parsed and trimmed), or null while invalid. */
export function connectionKey(values: Partial<Record<(typeof CONNECTION_FIELDS)[number], string>>): string | null {
  const picked = Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, values[field] ?? ""]));
  const parsed = connectivityTestInputSchema.safeParse(picked);
  return parsed.success ? JSON.stringify(connectionOf(parsed.data as ConnectionFields)) : null;
}

export interface SaveGate {
  canSave: boolean;
  /** The last test was of other values than the form holds now. */
  stale: boolean;
  note: string;
}

export function saveGate({
  run,
  currentKey,
  savedKey,
  editing,
}: {
  run: TestRun;
  currentKey: string | null;
  savedKey: string | null;
  editing: boolean;
}): SaveGate {
  const running = run.phase === "running";
  const testedCurrent = run.phase !== "idle" && currentKey !== null && JSON.stringify(run.connection) === currentKey;
  const passedCurrent = run.phase === "done" && run.ok && testedCurrent;
  const unchanged = editing && currentKey !== null && currentKey === savedKey;
  const stale = run.phase !== "idle" && !running && !testedCurrent;

  let note: string;
  if (passedCurrent) note = "The test passed for these values; OK saves the data source.";
  else if (unchanged) note = "The connection is unchanged since it was saved; OK saves without a new test.";
  else if (run.phase === "done" && testedCurrent) note = "Fix the failing checks and test again; OK is enabled after a passing test.";
  else if (stale) note = "OK is enabled once the current values pass a test.";
  else if (editing && run.phase === "idle") note = "The connection changed since it was saved; run Test Connectivity before saving.";
  else note = "Run Test Connectivity; OK is enabled once the test passes for these values.";
  return { canSave: passedCurrent || unchanged, stale, note };
}

// What the worker writes where the console shows it (run history errors, a task's last error and
// failure reason) is the operator's sentence; Databend's and AWS's own text only goes to `detail`.
// The loads here are stand-ins that throw the driver's real texts (server/databend/errors.test.ts
// has where they come from); the worker suites check the same against the engine and the sandbox.
import { describe, expect, it } from "vitest";
import { toWarehouseError } from "../databend/client.ts";
import type { VersionsLoad } from "./copier.ts";
import { loadItems, type FileOutcome } from "./load/load-items.ts";
import { queueProblem } from "./receive.ts";
import { REASONS, resolveVersions } from "./load/plan-versions.ts";

const FRAMING = /APIError|QueryFailed|AuthFailure|\[v0\.|Backtrace|reqwest|request_kind|\.rs:\d+|^\s*\d+: \S+::/m;

const TEXTS = {
  badCsv:
    "APIError: QueryFailed: [1046]Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number\nat file 'in/bad.csv', line 1.\n\n<Backtrace disabled by default. Please use RUST_BACKTRACE=1 to enable>. [v0.33.7]",
  unknownTable: "APIError: QueryFailed: [1025]Unknown table 'gone'.\n\n   0: databend_common_exception::exception_code::UnknownTable\n             at /workspace/src/common/exception/src/exception_code.rs:36:66 [v0.33.7]",
  corrupt: "APIError: QueryFailed: [1076]compression data invalid: Invalid gzip header [v0.33.7]",
};

function failing(text: string, onlyFor?: string) {
  return async (keys: readonly string[]): Promise<VersionsLoad> => {
    if (onlyFor === undefined || keys.includes(onlyFor)) throw toWarehouseError(new Error(text));
    const loaded = new Map(keys.map((file) => [file, { file, rowsLoaded: 1, errorsSeen: 0, firstError: null, firstErrorLine: null }]));
    return { kind: "committed", loaded, receipted: new Map() };
  };
}

function expectSentences(outcomes: FileOutcome[], raw: string) {
  for (const o of outcomes) {
    if (o.status !== "failed" && o.status !== "missing") continue;
    expect(o.error, o.key).not.toMatch(FRAMING);
    expect(o.detail, o.key).toBe(raw);
  }
}

describe("file outcomes", () => {
  const items = ["in/a.csv", "in/bad.csv", "in/c.csv"].map((key) => ({ key }));

  it("a file Databend names: the sentence names the file and line, the detail is the driver's text", async () => {
    const { outcomes } = await loadItems(items, { copy: failing(TEXTS.badCsv, "in/bad.csv"), objectExists: async () => true, maxStatements: 10 });
    const bad = outcomes.find((o) => o.key === "in/bad.csv")!;
    expect(bad).toMatchObject({ status: "failed", error: expect.stringMatching(/^File 'in\/bad\.csv' \(line 1\) cannot be loaded/) });
    expectSentences(outcomes, TEXTS.badCsv);
    expect(outcomes.filter((o) => o.status === "loaded")).toHaveLength(2);
  });

  it("an error that stops the batch: every file gets the sentence, never the driver's one-line message", async () => {
    const { outcomes, stoppedBy } = await loadItems(
      [{ key: "in/a.csv" }, { key: "in/b.csv" }],
      { copy: failing(TEXTS.unknownTable), objectExists: async () => true, maxStatements: 10 },
    );
    expect(stoppedBy?.errorClass).toBe("configuration");
    expect(outcomes.map((o) => o.status)).toEqual(["failed", "failed"]);
    expectSentences(outcomes, TEXTS.unknownTable);
  });

  it("isolation out of budget: the last sentence, and the last detail", async () => {
    const { outcomes } = await loadItems(items, { copy: failing(TEXTS.corrupt), objectExists: async () => true, maxStatements: 2 });
    expect(outcomes.some((o) => o.status === "failed" && o.errorClass === "budget")).toBe(true);
    expectSentences(outcomes, TEXTS.corrupt);
  });
});

describe("object versions", () => {
  const sdkError = Object.assign(new Error("User: arn:aws:sts::000000000000:assumed-role/r/s is not authorized to perform: s3:GetObject"), { name: "AccessDenied" });

  it("a HEAD that fails: the reason says what and what next; the S3 client's text is the detail", async () => {
    const resolved = await resolveVersions([{ item: 1, object: { bucket: "b", key: "k", eTag: "", sequencer: "", size: 1, versionId: undefined, eventName: "ObjectCreated:Put", eventTime: "2030-01-01T00:00:00.000Z" } }], async () => {
      throw sdkError;
    });
    const decision = resolved.drop[0]!.decision;
    expect(decision).toMatchObject({ kind: "unknown", reason: REASONS.unknown, detail: `AccessDenied: ${sdkError.message}` });
    expect(decision.reason).not.toContain("not authorized");
  });
});

describe("queue problems", () => {
  it("say what to change in words, with AWS's code at most", () => {
    expect(queueProblem("access_denied", "AccessDenied")).toMatch(/^AWS refused the worker \(AccessDenied\): the role's trust policy/);
    expect(queueProblem("queue_not_found", "AWS.SimpleQueueService.NonExistentQueue")).toMatch(/Queue URL and Queue Region$/);
    expect(queueProblem("timeout", "")).toBe("Amazon SQS did not answer in time");
  });
});

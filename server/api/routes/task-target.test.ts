// The API's answers when a task's target cannot be checked: the body's `error` is the operator's
// sentence (what happened, what was not done, what to do), and what Databend's driver said is only
// in `detail`. The checker is a stand-in returning the outcomes the real one classifies from the
// driver's texts (server/databend/target-check.test.ts); tests/task-target-checks.test.ts runs
// the real one against the engine.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { apiErrorSchema } from "#contracts/api.ts";
import { classifyTargetError, type TargetChecker, type TargetCheckResult } from "../../databend/target-check.ts";
import { errorHandling } from "../plugins/errors.ts";
import { assertTargetUsable } from "./task-target.ts";

const DRIVER = {
  refused:
    "APIError: [request_kind=login retry_times=2]: reqwest::Error: error sending request, source_chain=client error (Connect) -> tcp connect error -> Connection refused (os error 111) [v0.33.7]",
  auth: "APIError: [request_kind=login]: AuthFailure: [5100]wrong password or unknown user 'loader' <Backtrace disabled by default. Please use RUST_BACKTRACE=1 to enable>. [v0.33.7]",
  other: "APIError: QueryFailed: [1122]Timeout: query took too long [v0.33.7]",
};

function checker(result: TargetCheckResult): TargetChecker {
  return { address: "db.example.com:8000", user: "loader", timeoutMs: 5000, check: async () => result, close: async () => {} };
}

async function answer(result: TargetCheckResult) {
  const app = Fastify();
  await app.register(errorHandling);
  app.post("/t", async () => {
    await assertTargetUsable(checker(result), { database: "sales", table: "orders" }, "create");
    return { ok: true };
  });
  const res = await app.inject({ method: "POST", url: "/t" });
  await app.close();
  return { status: res.statusCode, body: apiErrorSchema.parse(res.json()) };
}

const FRAMING = /APIError|QueryFailed|AuthFailure|\[v0\.|Backtrace|reqwest|request_kind|os error/;

describe("target checks that could not be made", () => {
  it("unreachable: 503 with a sentence, the driver's text only in detail", async () => {
    const { status, body } = await answer(classifyTargetError(DRIVER.refused));
    expect(status).toBe(503);
    expect(body.error).toBe(
      "The target table sales.orders could not be checked: Databend at db.example.com:8000 could not be reached, so the task was not saved. Try again once Databend answers.",
    );
    expect(body.error).not.toMatch(FRAMING);
    expect(body.detail).toMatch(/Connection refused \(os error 111\)/);
  });

  it("a refused login: names the code and the fix; the driver's text in detail", async () => {
    const { status, body } = await answer(classifyTargetError(DRIVER.auth));
    expect(status).toBe(503);
    expect(body.error).toBe(
      "The target table sales.orders could not be checked: Databend at db.example.com:8000 answered with an error (5100 AuthenticateFailure), so the task was not saved. Correct the warehouse's user and password on Organization → Warehouses (Test connection says what is wrong), then try again.",
    );
    expect(body.error).not.toMatch(FRAMING);
    expect(body.detail).toContain("wrong password or unknown user 'loader'");
  });

  it("any other error: a sentence without the driver's framing", async () => {
    const { body } = await answer(classifyTargetError(DRIVER.other));
    expect(body.error).toMatch(/answered with an error \(1122 Timeout\), so the task was not saved\. Try again/);
    expect(body.error).not.toMatch(FRAMING);
    expect(body.detail).toContain("[1122]Timeout: query took too long");
  });

  it("a timeout has nothing more to show: no detail", async () => {
    const { status, body } = await answer({ status: "unreachable", timedOut: true, detail: "no answer within 5000 ms" });
    expect(status).toBe(503);
    expect(body.error).toMatch(/did not answer within 5 s, so the task was not saved/);
    expect(body.detail).toBeUndefined();
  });

  it("a missing table stays a 400 on the field, with no detail", async () => {
    const { status, body } = await answer(classifyTargetError("APIError: QueryFailed: [1025]Unknown table 'orders'. [v0.33.7]"));
    expect(status).toBe(400);
    expect(body.fields?.["target.table"]).toMatch(/^Databend has no table orders in database sales/);
    expect(body.detail).toBeUndefined();
  });
});

// The data-source API against the local sandbox: real engine, real SDK clients, a temp SQLite store.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { openBlackhole, type Blackhole } from "./blackhole.ts";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEventSchema, type TestEvent } from "#contracts/connectivity.ts";
import { connectionOf, DATA_SOURCE_FIELDS, dataSourceRecordSchema, MESSAGES, type DataSourceRecord } from "#contracts/data-source.ts";
import { loadConfig } from "../server/config.ts";
import { REDACTED_PATHS } from "../server/logger.ts";
import { createConnectivityTester } from "../server/connectivity/engine.ts";
import { PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN } from "./support/customer-aws.ts";
import { createScenario, startFixture, type Fixture, type Scenario } from "./connectivity-env.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import type { DataSourceStore } from "../server/store/types.ts";
import { buildApp } from "../server/api/app.ts";
import { SAVE_GATE_MESSAGE } from "../server/api/routes/data-sources.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const ORG = "org-api-test";
const logLines: string[] = [];
const captureLogger = () => pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });

let fx: Fixture;
let dir: string;
let stores: Stores;
let store: DataSourceStore;
let app: FastifyInstance;
let good: Scenario;

async function makeApp(extra: Partial<Parameters<typeof buildApp>[0]> = {}) {
  return buildApp({ authenticate: fixedPrincipal(ORG),
    config: loadConfig({ ORG_ID: ORG, DATA_DIR: dir }),
    logger: captureLogger(),
    stores,
    connectivity: fx.tester(),
    testRateLimit: { max: 1000, timeWindowMs: 60_000 },
    ...extra,
  });
}

beforeAll(async () => {
  fx = await startFixture(ORG);
  dir = mkdtempSync(path.join(tmpdir(), "api-"));
  stores = await openStore(dir);
  store = stores.dataSources;
  app = await makeApp();
  good = await createScenario(fx, { name: "api-good", objects: [{ key: "incoming/a.csv", body: "a\n1\n" }] });
});
afterAll(async () => {
  await app?.close();
  await stores?.close();
  await fx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const body = (name: string, s: Scenario = good) => ({ name, ...connectionOf(s) });
const post = (url: string, payload: unknown) => app.inject({ method: "POST", url, payload: payload as object });
const runTest = (s: Scenario = good) => post("/api/data-sources/test", connectionOf(s));

describe("validation", () => {
  it("answers 400 with one message per field", async () => {
    const res = await post("/api/data-sources", { name: "", queue_url: "https://example.com/q", queue_region: "mars-1" });
    expect(res.statusCode).toBe(400);
    const { error, fields } = res.json();
    expect(error).toMatch(/^Fix these fields: /);
    expect(fields).toMatchObject({
      name: MESSAGES.nameRequired,
      queue_url: MESSAGES.queueUrlShape,
      queue_region: MESSAGES.regionUnknown,
      role_arn: expect.any(String),
      bucket: expect.any(String),
    });
  });

  it("rejects unknown fields by name", async () => {
    const res = await post("/api/data-sources", { ...body("x"), secret_key: "nope" });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({ secret_key: "Unknown field; remove it" });
    const test = await post("/api/data-sources/test", { ...connectionOf(good), name: "x", secret_key: "nope" });
    expect(test.json().fields).toEqual({ secret_key: "Unknown field; remove it" });
  });

  it("never calls a known field unknown: each field alone, on create and on test", async () => {
    for (const url of ["/api/data-sources", "/api/data-sources/test"]) {
      for (const field of DATA_SOURCE_FIELDS) {
        const res = await post(url, { [field]: "x" });
        expect(res.statusCode).toBe(400);
        expect(Object.values(res.json().fields ?? {})).not.toContain("Unknown field; remove it");
      }
    }
  });

  it("tests the same body as create: a name is allowed and ignored", async () => {
    const named = await createScenario(fx, { name: "api-named", emptyQueue: true });
    const res = await post("/api/data-sources/test", { ...connectionOf(named), name: "whatever it is" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });
    expect(res.json().checks).toHaveLength(8);
    // Even a name create would refuse: testing does not look at it.
    expect((await post("/api/data-sources/test", { ...connectionOf(named), name: "" })).statusCode).toBe(200);
  });

  it("requires the external ID to be the org ID, for saving and for testing", async () => {
    const save = await post("/api/data-sources", { ...body("x"), external_id: "other-org" });
    expect(save.json().fields).toEqual({ external_id: MESSAGES.externalIdMismatch(ORG) });
    const test = await post("/api/data-sources/test", { ...connectionOf(good), external_id: "other-org" });
    expect(test.statusCode).toBe(400);
    expect(test.json()).toEqual({ error: MESSAGES.externalIdMismatch(ORG), fields: { external_id: MESSAGES.externalIdMismatch(ORG) } });
  });

  it.each([
    ["bad JSON", { "content-type": "application/json" }, "{nope", 400],
    ["an empty JSON body", { "content-type": "application/json" }, "", 400],
    ["JSON null", { "content-type": "application/json" }, "null", 400],
    ["a JSON array", { "content-type": "application/json" }, "[]", 400],
    // What a cross-site <form enctype=text/plain> sends: refused before the body is read.
    ["plain text", { "content-type": "text/plain" }, "hello", 415],
    ["a wrong content type", { "content-type": "application/xml" }, "<a/>", 415],
    ["no body at all", {}, undefined, 400],
  ])("answers %s with a sentence, never a 500 or a stack", async (_what, headers, payload, status) => {
    for (const url of ["/api/data-sources", "/api/data-sources/test"]) {
      const res = await app.inject({ method: "POST", url, headers, ...(payload !== undefined ? { payload } : {}) });
      expect(res.statusCode).toBe(status);
      expect(res.json().error).toEqual(expect.any(String));
      expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it("limits the body size", async () => {
    const res = await post("/api/data-sources", { ...body("x"), prefix: "p".repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe("Request body is too large");
  });
});

describe("save gate, CRUD and conflicts", () => {
  let saved: DataSourceRecord;

  it("refuses to save values that have not passed Test Connectivity", async () => {
    const res = await post("/api/data-sources", body("gated"));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe(SAVE_GATE_MESSAGE);
  });

  it("refuses after a failing test of the same values", async () => {
    const bad = await createScenario(fx, { name: "api-bad", trustExternalId: "nope" });
    const test = await runTest(bad);
    expect(test.statusCode).toBe(200);
    expect(test.json().ok).toBe(false);
    expect((await post("/api/data-sources", body("bad", bad))).json().error).toBe(SAVE_GATE_MESSAGE);
  });

  it("refuses when the passing test is older than 15 minutes", async () => {
    const stale = await createScenario(fx, { name: "api-stale", objects: [] });
    const old = new Date(Date.now() - 16 * 60 * 1000).toISOString();
    await store.recordConnectivityTest(ORG, connectionOf(stale), { ok: true, tested_at: old, checks: [] });
    expect((await post("/api/data-sources", body("stale", stale))).json().error).toBe(SAVE_GATE_MESSAGE);
  });

  it("saves after a passing test, with that test as last_test", async () => {
    const test = await runTest();
    expect(test.statusCode).toBe(200);
    const outcome = test.json();
    expect(outcome.ok).toBe(true);
    const res = await post("/api/data-sources", body("Orders"));
    expect(res.statusCode).toBe(201);
    saved = dataSourceRecordSchema.parse(res.json());
    expect(saved.last_test).toEqual(outcome);
    expect(saved).toMatchObject({ ...body("Orders"), type: "amazon_sqs_s3_iam_role", used_by: [] });
    expect((await app.inject({ method: "GET", url: "/api/data-sources" })).json()).toEqual({ items: [saved] });
    expect((await app.inject({ method: "GET", url: `/api/data-sources/${saved.id}` })).json()).toEqual(saved);
  });

  it("409 for a duplicate name in the org, on the name field", async () => {
    const res = await post("/api/data-sources", body("orders"));
    expect(res.statusCode).toBe(409);
    const message = "A data source named Orders already exists; choose another name";
    expect(res.json()).toEqual({ error: message, fields: { name: message } });
  });

  it("renaming alone needs no new test; changed connection values do", async () => {
    const renamed = await app.inject({ method: "PUT", url: `/api/data-sources/${saved.id}`, payload: body("Orders v2") });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "Orders v2", last_test: saved.last_test, created_at: saved.created_at });
    const changed = await app.inject({
      method: "PUT",
      url: `/api/data-sources/${saved.id}`,
      payload: { ...body("Orders v2"), prefix: "other/" },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error).toBe(SAVE_GATE_MESSAGE);
  });

  it("404 for unknown ids, naming the id", async () => {
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      const res = await app.inject({ method, url: "/api/data-sources/no-such-id", ...(method === "PUT" ? { payload: body("x") } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe("No data source with id no-such-id");
    }
  });

  it("409 on delete while a task uses it, naming the task; deletes once free", async () => {
    const task = await store.createTask(ORG, { name: "load orders", data_source_id: saved.id });
    expect((await app.inject({ method: "GET", url: `/api/data-sources/${saved.id}` })).json().used_by).toEqual([task]);
    const res = await app.inject({ method: "DELETE", url: `/api/data-sources/${saved.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe(
      "Data source Orders v2 is used by task load orders; delete that task or repoint it to another data source first",
    );

    const other = await createScenario(fx, { name: "api-free", objects: [] });
    expect((await runTest(other)).json().ok).toBe(true);
    const created = (await post("/api/data-sources", body("free", other))).json();
    expect((await app.inject({ method: "DELETE", url: `/api/data-sources/${created.id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: `/api/data-sources/${created.id}` })).statusCode).toBe(404);
  });
});

describe("Test Connectivity over HTTP", () => {
  let base: string;
  beforeAll(async () => {
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });

  it("streams NDJSON: running before result for each check, done last with the whole result", async () => {
    const res = await fetch(`${base}/api/data-sources/test`, {
      method: "POST",
      // As the console sends it: its own origin, JSON.
      headers: { "content-type": "application/json", accept: "application/x-ndjson", origin: base },
      body: JSON.stringify(connectionOf(good)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    // The stream writes its own head: the security headers must survive that.
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const events: TestEvent[] = text.trim().split("\n").map((line) => testEventSchema.parse(JSON.parse(line)));
    expect(events[0]).toEqual({ event: "running", id: "assume_role" });
    expect(events[1]).toMatchObject({ event: "result", check: { id: "assume_role", status: "pass" } });
    const last = events.at(-1)!;
    expect(last.event).toBe("done");
    expect(events.filter((e) => e.event === "done")).toHaveLength(1);
    const results = events.filter((e) => e.event === "result");
    expect(results).toHaveLength(8);
    for (const r of results) {
      const id = r.event === "result" ? r.check.id : "";
      const running = events.findIndex((e) => e.event === "running" && e.id === id);
      expect(running).toBeGreaterThanOrEqual(0);
      expect(running).toBeLessThan(events.indexOf(r));
    }
    if (last.event === "done") {
      expect(last.result.ok).toBe(true);
      expect(last.result.checks.map((c) => c.id)).toEqual([
        "assume_role", "sqs_queue", "sqs_standard", "sqs_policy", "sqs_receive", "s3_bucket", "s3_list", "s3_read",
      ]);
    }
    // The streamed test counts for the save gate like a JSON one.
    expect((await store.latestConnectivityTest(ORG, connectionOf(good)))?.tested_at).toBe(last.event === "done" ? last.result.tested_at : "");
  });

  it("never puts credentials in responses or logs", async () => {
    const json = await runTest();
    const streamed = await (
      await fetch(`${base}/api/data-sources/test`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/x-ndjson" },
        body: JSON.stringify(connectionOf(good)),
      })
    ).text();
    for (const text of [json.body, streamed, logLines.join("")]) {
      expect(text).not.toMatch(/ASIA[A-Z0-9]{16}/); // temporary access key ids
      expect(text).not.toContain("FwoGZXIvYXdzE"); // the sandbox's session tokens
      expect(text).not.toMatch(/secretAccessKey|SecretAccessKey|sessionToken|SessionToken/);
    }
  });

  it("redacts an AssumeRole output or a credentials object handed to the logger", () => {
    const lines: string[] = [];
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, { write: (l: string) => void lines.push(l) });
    const secret = { AccessKeyId: "ASIAEXAMPLEEXAMPLE00", SecretAccessKey: "s3cr3t", SessionToken: "FwoGZXIvYXdzEtoken" };
    log.info({ Credentials: secret }, "sts output");
    log.info({ out: { Credentials: secret } }, "nested sts output");
    log.info({ credentials: { accessKeyId: "a", secretAccessKey: "s3cr3t", sessionToken: "tok" } }, "provider output");
    expect(lines.join("")).not.toMatch(/s3cr3t|FwoGZXIvYXdzEtoken|ASIAEXAMPLE|"tok"/);
  });
});

describe("cancellation and rate limit", () => {
  let blackhole: Blackhole;
  beforeAll(async () => {
    blackhole = await openBlackhole();
  });
  afterAll(() => blackhole.close());

  it("a client that disconnects aborts the AWS call in flight", async () => {
    const url = blackhole.url;
    const hanging = await makeApp({
      connectivity: createConnectivityTester({
        platformSetupRoleArn: PLATFORM_SETUP_ROLE_ARN,
        platformLoadRoleArn: PLATFORM_LOAD_ROLE_ARN,
        aws: { credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" }, endpoints: { sts: url, sqs: url, s3: url }, maxAttempts: 1, timeouts: { connectionMs: 60_000, requestMs: 60_000 } },
        callTimeoutMs: 60_000,
        totalTimeoutMs: 60_000,
      }),
    });
    const base = await hanging.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    const res = await fetch(`${base}/api/data-sources/test`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify(connectionOf(good)),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"running"');
    await waitFor(() => blackhole.openSockets.size > 0); // the STS call is waiting on the black hole
    controller.abort();
    // Nothing but the abort can end the call within the next 60 s; the black hole sees it go.
    await waitFor(() => logLines.some((l) => l.includes("connectivity test cancelled by the client")));
    await waitFor(() => blackhole.openSockets.size === 0);
    await hanging.close();
  });

  it("limits Test Connectivity per client with 429, Retry-After and when to try again", async () => {
    const limited = await makeApp({ testRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const call = () => limited.inject({ method: "POST", url: "/api/data-sources/test", payload: connectionOf(good) });
    expect((await call()).statusCode).toBe(200);
    expect((await call()).statusCode).toBe(200);
    const res = await call();
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(res.json().error).toMatch(/^Too many connectivity tests: you may run 2 per 60 s; try again in \d+ seconds?$/);
    await limited.close();
  });

  it("counts only valid requests: input the contract or the organization refuses costs nothing", async () => {
    const limited = await makeApp({ testRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const call = (payload: object) => limited.inject({ method: "POST", url: "/api/data-sources/test", payload });
    for (let i = 0; i < 5; i++) {
      expect((await call({ ...connectionOf(good), queue_region: "mars-1" })).statusCode).toBe(400);
      expect((await call({ ...connectionOf(good), external_id: "other-org" })).statusCode).toBe(400);
    }
    expect((await call(connectionOf(good))).statusCode).toBe(200);
    expect((await call(connectionOf(good))).statusCode).toBe(200);
    expect((await call(connectionOf(good))).statusCode).toBe(429);
    await limited.close();
  });

  it("keeps each user's budget apart: one user at the limit does not lock out another", async () => {
    // Two signed-in users stand in through `authenticate` (identity is tested on better-auth in
    // identity.test.ts): the user named by x-test-user, in the same organization.
    const limited = await makeApp({
      testRateLimit: { max: 2, timeWindowMs: 60_000 },
      authenticate: async (request) => {
        const principal = await fixedPrincipal(ORG)(request);
        return { ...principal, user: { ...principal.user, id: String(request.headers["x-test-user"]) } };
      },
    });
    const from = (user: string) =>
      limited.inject({ method: "POST", url: "/api/data-sources/test", payload: connectionOf(good), headers: { "x-test-user": user } });
    expect((await from("ana")).statusCode).toBe(200);
    expect((await from("ana")).statusCode).toBe(200);
    expect((await from("ana")).statusCode).toBe(429);
    expect((await from("bo")).statusCode).toBe(200);
    expect((await from("ana")).statusCode).toBe(429);
    await limited.close();
  });
});

async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

// Test Connectivity and task previews are limited per organization as well as per caller (more
// users or API keys buy no more), and capped in how many run at once per organization; each
// refusal is a 429 with Retry-After and a sentence, and another organization is not refused.
// Through the real app listening on 127.0.0.1 with the real connectivity tester and previewer (real
// AWS SDK): calls that must finish fast go to a closed port; calls that must stay running go to a
// black hole (accepts, never answers) until the client aborts (Test Connectivity) or the black
// hole closes (preview). Callers stand in through `authenticate` (x-test-user, x-test-org);
// identity itself is tested on better-auth elsewhere. Small limits, bounded counts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { buildApp } from "../server/api/app.ts";
import { BUSY_RETRY_SECONDS, type CallLimits } from "../server/api/plugins/org-limits.ts";
import { loadConfig } from "../server/config.ts";
import { createConnectivityTester } from "../server/connectivity/engine.ts";
import { createPreviewer } from "../server/preview/previewer.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import { openBlackhole, type Blackhole } from "./blackhole.ts";
import { freePort } from "./support/net.ts";

const ORG_A = "org-a";
const ORG_B = "org-b";
const KEYS = { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" };
const SETUP_ARN = "arn:aws:iam::111111111111:role/platform-setup";
const LOAD_ARN = "arn:aws:iam::111111111111:role/platform-load";
const TIMEOUT_MS = 20_000;

const connection = (orgId: string) => ({
  queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/limits-queue",
  queue_region: "us-east-1",
  role_arn: "arn:aws:iam::000000000000:role/limits-role",
  external_id: orgId,
  bucket: "limits-bucket",
  prefix: "",
  suffix: "",
});

interface Api {
  app: FastifyInstance;
  base: string;
  stores: Stores;
  dir: string;
  /** A data source of each organization, for previews. */
  sources: Record<string, string>;
}

/** The app, its AWS calls sent to `awsUrl` (a closed port or a black hole), one attempt each with long timeouts. */
async function start(awsUrl: string, limits: { connectivityTest: CallLimits; preview: CallLimits }, perCallerTests: number): Promise<Api> {
  const dir = mkdtempSync(path.join(tmpdir(), "call-limits-"));
  const stores = await openStore(dir);
  const aws = { credentials: KEYS, endpoints: { sts: awsUrl, sqs: awsUrl, s3: awsUrl }, maxAttempts: 1, timeouts: { connectionMs: 60_000, requestMs: 60_000 } };
  const app = await buildApp({
    config: loadConfig({ ORG_ID: ORG_A, DATA_DIR: dir, HOST: "127.0.0.1" }),
    logger: pino({ level: "silent" }),
    stores,
    authenticate: async (request) => {
      const orgId = String(request.headers["x-test-org"] ?? ORG_A);
      const principal = await fixedPrincipal(orgId, "admin")(request);
      return { ...principal, user: { ...principal.user, id: String(request.headers["x-test-user"] ?? "ana") } };
    },
    connectivity: createConnectivityTester({ platformSetupRoleArn: SETUP_ARN, platformLoadRoleArn: LOAD_ARN, aws, callTimeoutMs: 60_000, totalTimeoutMs: 60_000 }),
    previewer: createPreviewer({ platformSetupRoleArn: SETUP_ARN, aws, timeoutMs: 60_000 }),
    testRateLimit: { max: perCallerTests, timeWindowMs: 60_000 },
    callLimits: limits,
  });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const sources: Record<string, string> = {};
  for (const orgId of [ORG_A, ORG_B]) {
    sources[orgId] = (await stores.dataSources.createDataSource(orgId, { name: `${orgId}-source`, ...connection(orgId) }, null)).id;
  }
  // ORG_A's warehouse comes from DATABEND_DSN; ORG_B gets one (never reached: the previews stop at AWS).
  const made = await fetch(`${base}/api/org/warehouses`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-org": ORG_B },
    body: JSON.stringify({ name: "b-warehouse", host: "127.0.0.1", port: 1, user: "root" }),
  });
  if (made.status !== 201) throw new Error(`org-b's warehouse: ${made.status} ${await made.text()}`);
  return { app, base, stores, dir, sources };
}

async function stop(api: Api | undefined) {
  if (!api) return;
  await api.app.close();
  await api.stores.close();
  rmSync(api.dir, { recursive: true, force: true });
}

interface Answer {
  status: number;
  retryAfter: string | null;
  error: string | undefined;
}

async function call(api: Api, url: string, body: unknown, who: { user?: string; org?: string } = {}, signal?: AbortSignal): Promise<Answer> {
  const response = await fetch(api.base + url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-user": who.user ?? "ana", "x-test-org": who.org ?? ORG_A },
    body: JSON.stringify(body),
    signal: signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: response.status, retryAfter: response.headers.get("retry-after"), error };
}

const test = (api: Api, who: { user?: string; org?: string } = {}, signal?: AbortSignal) =>
  call(api, "/api/data-sources/test", connection(who.org ?? ORG_A), who, signal);
const preview = (api: Api, who: { user?: string; org?: string } = {}) =>
  call(api, "/api/tasks/preview", { data_source_id: api.sources[who.org ?? ORG_A], file_format: { type: "csv" } }, who);

/** Polls `predicate` every 20 ms for up to 10 s. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("rates per caller and per organization (calls that fail fast at a closed port)", () => {
  let api: Api | undefined;
  beforeAll(async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    api = await start(
      closed,
      {
        connectivityTest: { perOrg: { max: 3, timeWindowMs: 60_000 }, concurrentPerOrg: 10 },
        preview: { perCaller: { max: 2, timeWindowMs: 60_000 }, perOrg: { max: 3, timeWindowMs: 60_000 }, concurrentPerOrg: 10 },
      },
      2,
    );
  }, 60_000);
  afterAll(() => stop(api));

  it("Test Connectivity: new callers buy no more than the organization's budget; another organization is untouched", async () => {
    expect((await test(api!, { user: "ana" })).status).toBe(200);
    expect((await test(api!, { user: "ana" })).status).toBe(200);
    expect((await test(api!, { user: "ana" })).status).toBe(429); // ana's own limit
    expect((await test(api!, { user: "bo" })).status).toBe(200);
    const refused = await test(api!, { user: "carl" });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.error).toMatch(/^Too many connectivity tests in your organization: it may run 3 per 60 s, whoever asks; try again in \d+ seconds?$/);
    expect((await test(api!, { user: "dee", org: ORG_B })).status).toBe(200);
  });

  it("previews: per caller, then per organization, with Retry-After and a sentence; another organization is untouched", async () => {
    expect((await preview(api!, { user: "ana" })).status).not.toBe(429);
    expect((await preview(api!, { user: "ana" })).status).not.toBe(429);
    const own = await preview(api!, { user: "ana" });
    expect(own.status).toBe(429);
    expect(own.error).toMatch(/^Too many previews: you may run 2 per 60 s; try again in \d+ seconds?$/);
    expect(Number(own.retryAfter)).toBeGreaterThan(0);
    expect((await preview(api!, { user: "bo" })).status).not.toBe(429);
    const org = await preview(api!, { user: "carl" });
    expect(org.status).toBe(429);
    expect(org.error).toMatch(/^Too many previews in your organization: it may run 3 per 60 s, whoever asks; try again in \d+ seconds?$/);
    expect((await preview(api!, { user: "dee", org: ORG_B })).status).not.toBe(429);
  });

  it("input refused before the work costs nothing", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call(api!, "/api/tasks/preview", { data_source_id: "no-such-source", file_format: { type: "csv" } }, { user: "eve", org: ORG_B });
      expect(res.status).toBe(404);
    }
    expect((await preview(api!, { user: "eve", org: ORG_B })).status).not.toBe(429);
  });
});

describe("calls running at once per organization (calls held by a black hole)", () => {
  let api: Api | undefined;
  let hole: Blackhole;
  beforeAll(async () => {
    hole = await openBlackhole();
    const generous = { max: 100, timeWindowMs: 60_000 };
    api = await start(hole.url, { connectivityTest: { perOrg: generous, concurrentPerOrg: 2 }, preview: { perCaller: generous, perOrg: generous, concurrentPerOrg: 2 } }, 100);
  }, 60_000);
  afterAll(async () => {
    await hole?.close();
    await stop(api);
  });

  it("Test Connectivity: a third test at once is refused until one ends; another organization is not", async () => {
    const controllers = [new AbortController(), new AbortController()];
    const running = controllers.map((c, i) => test(api!, { user: `t${i}` }, c.signal).catch(() => undefined));
    await until(() => hole.openSockets.size >= 2, "two tests waiting on AWS");
    const busy = await test(api!, { user: "t2" });
    expect(busy.status).toBe(429);
    expect(busy.retryAfter).toBe(String(BUSY_RETRY_SECONDS));
    expect(busy.error).toBe(`Your organization already has 2 connectivity tests running, the most at once; wait for one to finish; try again in ${BUSY_RETRY_SECONDS} seconds`);
    const other = new AbortController();
    const elsewhere = test(api!, { org: ORG_B }, other.signal).catch(() => undefined);
    await until(() => hole.openSockets.size >= 3, "the other organization's test running");
    // One ends (its client goes away, which aborts the test): a slot is free again.
    controllers[0]!.abort();
    const next = new AbortController();
    await until(() => hole.openSockets.size === 2, "the cancelled test's call to end");
    const admitted = test(api!, { user: "t3" }, next.signal).catch(() => undefined);
    await until(() => hole.openSockets.size >= 3, "the next test running");
    for (const c of [controllers[1]!, other, next]) c.abort();
    await Promise.all([...running, elsewhere, admitted]);
    await until(() => hole.openSockets.size === 0, "every test's call to end");
  });

  it("previews: a third at once is refused until one ends", async () => {
    const running = [preview(api!, { user: "p0" }), preview(api!, { user: "p1" })];
    await until(() => hole.openSockets.size >= 2, "two previews waiting on AWS");
    const busy = await preview(api!, { user: "p2" });
    expect(busy.status).toBe(429);
    expect(busy.retryAfter).toBe(String(BUSY_RETRY_SECONDS));
    expect(busy.error).toMatch(/^Your organization already has 2 previews running, the most at once/);
    // The black hole goes: both previews fail at once and free their slots.
    await hole.close();
    for (const answer of await Promise.all(running)) expect(answer.status).not.toBe(429);
    expect((await preview(api!, { user: "p2" })).status).not.toBe(429);
  });
});

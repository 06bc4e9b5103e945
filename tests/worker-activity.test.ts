// GET /api/tasks/:id/activity through the real app against the real parts (on SQLite, and on
// PostgreSQL in the node-postgres project): objects uploaded to the AWS sandbox reach the worker
// through its bucket notifications, are loaded into the dev warehouse, and each run records its
// objects' event -> committed lag; the route's lag and throughput must say what those runs say.
// The backlog is asked from the sandbox's SQS through the data source's role as the platform setup
// identity: N messages in the queue are a backlog of N, and a role without sqs:GetQueueAttributes
// (or one that does not trust us) is a sentence, not an error.
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsPolicy } from "#contracts/aws-setup-documents.ts";
import { ACTIVITY_MINUTES, taskActivitySchema, type TaskActivity } from "#contracts/task-activity.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import { createBacklogReader, type BacklogReader } from "../server/connectivity/backlog.ts";
import { SETUP_KEYS } from "./connectivity-env.ts";
import { ACCOUNT, ORG_ID, REGION, drained, runningTask, taskRuns, useWorkerEnv, waitFor, type Scenario, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

let app: FastifyInstance;
/** The setup identity pointed at the sandbox; no cache, so each request asks SQS. */
const backlogReader = (options: Parameters<typeof createBacklogReader>[0] = {}): BacklogReader =>
  createBacklogReader({ aws: { credentials: SETUP_KEYS, endpoints: { sts: env.sandbox.url, sqs: env.sandbox.url, s3: env.sandbox.url } }, ...options });

beforeAll(async () => {
  app = await buildApp({
    authenticate: fixedPrincipal(ORG_ID),
    config: loadConfig({ ORG_ID, DATA_DIR: env.dataDir, DATABEND_DSN: env.dsn }),
    logger: pino({ level: "silent" }),
    stores: { dataSources: env.sources, tasks: env.store, warehouses: env.warehouses },
    queueBacklog: backlogReader({ cacheMs: 0 }),
  });
});
afterAll(async () => {
  await app?.close();
});

async function activity(taskId: string): Promise<TaskActivity> {
  const res = await app.inject({ method: "GET", url: `/api/tasks/${taskId}/activity` });
  expect(res.statusCode, res.body).toBe(200);
  return taskActivitySchema.parse(res.json());
}

async function sendMessages(s: Scenario, n: number): Promise<void> {
  // Not S3 events: a stopped task leaves them alone, and they count in the queue like any message.
  for (let i = 0; i < n; i++) await env.send(s, JSON.stringify({ note: `backlog ${i}` }));
}

describe("task activity", () => {
  it("after a load: lag and per-minute throughput equal what the runs recorded; backlog counts the queue", { timeout: 120_000 }, async () => {
    const { s, task } = await runningTask(env, "activity", "activity_rows");
    const before = await activity(task.id);
    expect(before.lag).toMatchObject({ p50_ms: null, p95_ms: null, batches: 0, objects: 0 });
    expect(before.throughput.minutes).toHaveLength(ACTIVITY_MINUTES);
    expect(before.throughput.objects_loaded).toBe(0);

    const files = 5;
    const uploaded = Date.now();
    for (let i = 0; i < files; i++) await env.put(s.bucket, `a/obj-${i}.csv`, `id,name\n${i * 10},"a"\n${i * 10 + 1},"b"\n${i * 10 + 2},"c"\n`);
    const sup = env.supervisor();
    await waitFor("rows", async () => (await env.count("activity_rows")) >= files * 3 || undefined, 60_000, 200);
    await drained(env, s);
    const elapsed = Date.now() - uploaded;
    const runs = (await taskRuns(env, task.id)).filter((r) => r.objects_loaded > 0);
    const withLag = runs.filter((r) => r.lag !== null);
    // Every loaded object's lag was recorded, and none exceeds the time since the first upload.
    expect(withLag.reduce((n, r) => n + r.lag!.objects, 0)).toBe(files);
    for (const r of withLag) {
      expect(r.lag!.objects).toBe(r.objects_loaded);
      expect(r.lag!.p50_ms).toBeLessThanOrEqual(r.lag!.p95_ms);
      expect(r.lag!.p95_ms).toBeLessThanOrEqual(r.lag!.max_ms);
      expect(r.lag!.max_ms).toBeLessThanOrEqual(elapsed);
    }

    const now = await activity(task.id);
    const maxOfRuns = Math.max(...withLag.map((r) => r.lag!.max_ms));
    expect(now.lag).toMatchObject({ batches: withLag.length, objects: files, max_ms: maxOfRuns, relative_accuracy: 0.01 });
    expect(now.lag.since).toBe(withLag.at(-1)!.ended_at);
    // The merged percentiles lie among the runs' own values (within the sketch's 1%), never above the largest.
    const near = (value: number, low: number, high: number) => value >= Math.floor(low * 0.99) - 1 && value <= high;
    expect(near(now.lag.p50_ms!, Math.min(...withLag.map((r) => r.lag!.p50_ms)), maxOfRuns), JSON.stringify({ lag: now.lag, withLag })).toBe(true);
    expect(near(now.lag.p95_ms!, now.lag.p50_ms!, maxOfRuns)).toBe(true);
    if (withLag.length === 1) {
      // One run: its exact percentiles, up to the sketch's stated accuracy.
      const exact = withLag[0]!.lag!;
      expect(Math.abs(now.lag.p50_ms! - exact.p50_ms)).toBeLessThanOrEqual(exact.p50_ms * 0.01 + 1);
      expect(Math.abs(now.lag.p95_ms! - exact.p95_ms)).toBeLessThanOrEqual(exact.p95_ms * 0.01 + 1);
    }
    // Throughput: every run in the minute it ended, the rest zeros.
    expect(now.throughput.objects_loaded).toBe(files);
    expect(now.throughput.rows_loaded).toBe(files * 3);
    const perMinute = new Map<string, number>();
    for (const r of runs) perMinute.set(r.ended_at.slice(0, 16), (perMinute.get(r.ended_at.slice(0, 16)) ?? 0) + r.objects_loaded);
    for (const m of now.throughput.minutes) expect(m.objects_loaded).toBe(perMinute.get(m.minute.slice(0, 16)) ?? 0);
    expect(now.backlog).toMatchObject({ visible: 0, in_flight: 0 });

    // Stopped, the queue keeps what arrives: N messages are a backlog of N.
    await sup.stop();
    await sendMessages(s, 4);
    // Waiting or in flight: the stopped worker's last long poll was aborted on our side, but the
    // sandbox (fauxqs keeps a long poll's waiter in sqsStore.pollWaiters until its wait time ends)
    // may still hand it a message, which is then in flight until its visibility timeout. Either
    // way the queue holds 4, and the backlog says so.
    const counted = await waitFor("the backlog to count 4", async () => {
      const a = await activity(task.id);
      return "visible" in a.backlog && a.backlog.visible + a.backlog.in_flight === 4 ? a : undefined;
    }, 60_000, 200);
    expect("visible" in counted.backlog && counted.backlog.visible + counted.backlog.in_flight).toBe(4);
  });

  it("a role without sqs:GetQueueAttributes: the backlog says so in words, lag and throughput still answer", { timeout: 60_000 }, async () => {
    const { s, task } = await runningTask(env, "activity-denied", "activity_denied_rows");
    const policy = permissionsPolicy(`arn:aws:s3:::${s.bucket}`, `arn:aws:sqs:${REGION}:${ACCOUNT}:${s.queueName}`);
    for (const statement of policy.Statement) statement.Action = statement.Action.filter((a) => a !== "sqs:GetQueueAttributes");
    await env.iam.send(new PutRolePolicyCommand({ RoleName: `wt-role-${s.name}`, PolicyName: "access", PolicyDocument: JSON.stringify(policy) }));
    const a = await activity(task.id);
    expect(a.backlog).toMatchObject({
      unavailable: expect.stringContaining(`lacks sqs:GetQueueAttributes on arn:aws:sqs:${REGION}:${ACCOUNT}:${s.queueName}`),
      detail: expect.stringMatching(/AccessDenied/),
    });
    expect(a.lag.batches).toBe(0);
    expect(a.throughput.minutes).toHaveLength(ACTIVITY_MINUTES);
  });

  it("a role that does not trust this organization: the backlog names the role and the external ID", { timeout: 60_000 }, async () => {
    const s = await env.scenario("activity-untrusted", { trustedExternalId: "someone-else" });
    const task = await env.createTask(s, "activity_untrusted_rows");
    const a = await activity(task.id);
    expect("unavailable" in a.backlog && a.backlog.unavailable).toContain(`may not assume ${s.roleArn} with external ID "${ORG_ID}"`);
  });

  it("answers are cached per task for the cache time, then asked again; one setup session serves them", { timeout: 60_000 }, async () => {
    const s = await env.scenario("activity-cache");
    let now = Date.now();
    const reader = backlogReader({ cacheMs: 10_000, now: () => now });
    const source = { queue_url: s.queueUrl, queue_region: REGION, role_arn: s.roleArn };
    const first = await reader.read(ORG_ID, "t-1", source); // the s3:TestEvent sent when the notification was configured
    if (!("visible" in first)) throw new Error(first.unavailable);
    await sendMessages(s, 2);
    expect(await reader.read(ORG_ID, "t-1", source)).toEqual(first);
    now += 10_000;
    expect(await reader.read(ORG_ID, "t-1", source)).toMatchObject({ visible: first.visible + 2, in_flight: 0 });
  });

  it("a task of another organization is a 404", async () => {
    const s = await env.scenario("activity-other", { orgId: "other-org" });
    const task = await env.createTask(s, "activity_other_rows");
    const res = await app.inject({ method: "GET", url: `/api/tasks/${task.id}/activity` });
    expect(res.statusCode).toBe(404);
  });
});

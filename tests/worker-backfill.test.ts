// "Load existing objects" and the scheduled reconcile, end to end: the real sandbox (S3 listing
// through the task's assumed role, notifications to SQS), the dev warehouse, the real store, the
// API through buildApp. Objects that must have no event are uploaded while the bucket's
// notification configuration is empty (as before an operator sets up Step 3), then the
// configuration is put back; S3 sends no event for objects that already exist.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { PutBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { backfillJobSchema, backfillStateSchema, type BackfillJob } from "#contracts/backfill.ts";
import * as documents from "../sandbox/aws/documents.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import {
  ACCOUNT,
  ORG_ID,
  REGION,
  drained,
  expectExactRows,
  useWorkerEnv,
  waitFor,
  workerProcessEnv,
  type Scenario,
  type WorkerEnv,
} from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

let app: FastifyInstance | undefined;
afterAll(async () => {
  await app?.close();
});

/** The app on a second connection to the env's store, as the API process would have. */
async function api(): Promise<FastifyInstance> {
  if (app) return app;
  const stores = await env.openStoreAgain();
  app = await buildApp({
    authenticate: fixedPrincipal(ORG_ID),
    config: loadConfig({ ORG_ID, DATA_DIR: env.dataDir, DATABEND_DSN: env.dsn }),
    logger: pino({ level: "silent" }),
    stores,
  });
  return app;
}

const csv = (id: number) => `id,name\n${id},n${id}\n`;

/** Turns the bucket's notification to the scenario's queue off (empty configuration) or on again. */
async function notifications(s: Scenario, on: boolean, prefix = "in/", suffix = ".csv"): Promise<void> {
  const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${s.queueName}`;
  await env.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: s.bucket,
      NotificationConfiguration: (on ? documents.bucketNotification(s.queueName, queueArn, prefix, suffix) : {}) as never,
    }),
  );
}

/** Uploads `ids` as in/<name>-<id>.csv, 32 at a time. */
async function upload(s: Scenario, name: string, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 32) {
    await Promise.all(ids.slice(i, i + 32).map((id) => env.put(s.bucket, `in/${name}-${String(id).padStart(5, "0")}.csv`, csv(id))));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function state(taskId: string) {
  return (await env.store.backfillState(ORG_ID, taskId))!;
}

async function jobEnded(taskId: string, kind: "backfill" | "reconcile", timeoutMs = 60_000): Promise<BackfillJob> {
  return waitFor(`${kind} ended`, async () => {
    const job = (await state(taskId))[kind];
    return job && job.status !== "running" ? job : undefined;
  }, timeoutMs, 200);
}

async function scopedScenario(name: string): Promise<Scenario> {
  return env.scenario(name, { prefix: "in/", suffix: ".csv" });
}

describe("backfill", () => {
  it("loads 1,000 objects that have no events while 200 new objects arrive as events: every row once, counts add up", async () => {
    const s = await scopedScenario("bf-main");
    await notifications(s, false);
    await upload(s, "old", range(0, 1000));
    // Outside the task's scope: never listed as in scope, never loaded.
    await env.put(s.bucket, "in/readme.txt", "not a csv");
    await env.put(s.bucket, "other/x.csv", csv(99_999));
    await notifications(s, true);
    await env.wh.exec("CREATE TABLE bf_main (id INT, name VARCHAR)");
    const task = await env.createTask(s, "bf_main", { prefix: "in/", suffix: ".csv" });
    const http = await api();

    // A stopped task has no worker to run a backfill: 409 that says to start it.
    const stopped = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: {} });
    expect(stopped.statusCode).toBe(409);
    expect(stopped.json().error).toMatch(/Start the task/);
    const badSince = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: { since: "yesterday" } });
    expect(badSince.statusCode).toBe(400);
    expect(badSince.json().fields).toEqual({ since: expect.stringMatching(/ISO 8601/) });
    expect((await http.inject({ method: "DELETE", url: `/api/tasks/${task.id}/backfill` })).statusCode).toBe(409);
    expect(backfillStateSchema.parse((await http.inject({ method: "GET", url: `/api/tasks/${task.id}/backfill` })).json())).toEqual({ backfill: null, reconcile: null });

    await env.start(task);
    env.supervisor({ batchMaxFiles: 200 });
    const posted = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: {} });
    expect(posted.statusCode, posted.body).toBe(202);
    const job = backfillJobSchema.parse(posted.json());
    expect(job).toMatchObject({ kind: "backfill", status: "running", since: null, listed: 0 });
    const again = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: {} });
    // A repeated request while it runs is the same action: the running job, not a refusal.
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: job.id, status: "running" });

    // 200 new objects arrive as events while the backfill lists; "in/new-" sorts after "in/old-",
    // so the listing meets many of them too: whichever comes first loads, the other finds it loaded.
    const arrivals = (async () => {
      for (const chunk of [range(1000, 1050), range(1050, 1100), range(1100, 1150), range(1150, 1200)]) {
        await upload(s, "new", chunk);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    // Progress moves per batch while it runs.
    const partial = await waitFor("progress", async () => {
      const j = (await state(task.id)).backfill!;
      return j.loaded > 0 && j.loaded < 1000 ? j : undefined;
    }, 60_000, 50).catch(() => undefined);
    await arrivals;
    const done = await jobEnded(task.id, "backfill", 90_000);
    await waitFor("all rows", async () => ((await env.count("bf_main")) >= 1200 ? true : undefined), 60_000, 250);
    await drained(env, s);

    await expectExactRows(env, "bf_main", 1200);
    expect(done).toMatchObject({ status: "completed", failed: 0, error: null });
    expect(done.listed).toBe(done.loaded + done.skipped + done.failed);
    expect(done.listed).toBeGreaterThanOrEqual(1000);
    expect(done.loaded).toBeGreaterThanOrEqual(1000);
    expect(done.rows_loaded).toBe(done.loaded);
    if (partial) expect(partial.listed).toBe(partial.loaded + partial.skipped + partial.failed);
    const after = (await env.store.get(ORG_ID, task.id))!;
    expect(after.counters.objects_loaded).toBe(1200);
    expect(after.counters.rows_loaded).toBe(1200);
    // The events of the new objects the backfill loaded first were taken for duplicates.
    expect(after.counters.objects_duplicate).toBeGreaterThanOrEqual(done.loaded - 1000);
    const seconds = (Date.parse(done.finished_at!) - Date.parse(done.started_at)) / 1000;
    console.log(`backfill: ${done.listed} listed, ${done.loaded} loaded, ${done.skipped} skipped in ${seconds.toFixed(1)} s: ${(done.loaded / seconds).toFixed(0)} objects/s loaded, ${(done.listed / seconds).toFixed(0)} listed/s (batches of 200, events arriving meanwhile)`);

    // A second backfill finds everything loaded (by the first or by events) and loads nothing.
    const second = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: { since: "2000-01-01" } });
    expect(second.statusCode, second.body).toBe(202);
    expect(second.json().since).toBe("2000-01-01T00:00:00.000Z");
    const rerun = await jobEnded(task.id, "backfill");
    expect(rerun).toMatchObject({ status: "completed", listed: 1200, loaded: 0, skipped: 1200, failed: 0 });
    await expectExactRows(env, "bf_main", 1200);
    const read = backfillStateSchema.parse((await http.inject({ method: "GET", url: `/api/tasks/${task.id}/backfill` })).json());
    expect(read.backfill).toMatchObject({ id: second.json().id, status: "completed" });

    // Stopping the task cancels a running backfill.
    const third = await http.inject({ method: "POST", url: `/api/tasks/${task.id}/backfill`, payload: {} });
    expect(third.statusCode).toBe(202);
    await http.inject({ method: "POST", url: `/api/tasks/${task.id}/stop` });
    expect((await state(task.id)).backfill).toMatchObject({ id: third.json().id, status: expect.stringMatching(/cancelled|completed/) });
  }, 150_000);

  it("a worker SIGKILLed mid-backfill: another resumes from the stored position, nothing loaded twice", async () => {
    const s = await scopedScenario("bf-kill");
    await notifications(s, false);
    await upload(s, "old", range(0, 600));
    await notifications(s, true);
    await env.wh.exec("CREATE TABLE bf_kill (id INT, name VARCHAR)");
    const task = await env.createTask(s, "bf_kill", { prefix: "in/", suffix: ".csv" });
    await env.start(task);
    const job = await env.store.startBackfill(ORG_ID, task.id, null);
    expect(job).toMatchObject({ status: "running" });

    const child: ChildProcess = spawn(process.execPath, [path.resolve("server/worker/main.ts")], {
      env: {
        ...workerProcessEnv(env),
        WORKER_ID: "doomed",
        WORKER_POLL_MS: "200",
        WORKER_METRICS_PORT: "off",
        WORKER_WAIT_SECONDS: "1",
        WORKER_CLAIM_LEASE_SECONDS: "3",
        WORKER_BATCH_MAX_FILES: "100",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    let atKill: BackfillJob;
    try {
      atKill = await waitFor("two batches done", async () => {
        const j = (await state(task.id)).backfill!;
        return j.loaded >= 200 ? j : undefined;
      }, 60_000, 20);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    const stored = (await state(task.id)).backfill!;
    expect(stored, out).toMatchObject({ status: "running", worker_id: "doomed" });
    expect(stored.loaded).toBeLessThan(600);
    expect(stored.last_key).not.toBeNull();
    expect(stored.loaded).toBeGreaterThanOrEqual(atKill.loaded);

    // Another worker takes the job over once the dead one's lease ends, and goes on after last_key.
    env.supervisor({ workerId: "survivor", claimLeaseSeconds: 3, batchMaxFiles: 100 });
    const done = await jobEnded(task.id, "backfill", 90_000);
    await expectExactRows(env, "bf_kill", 600);
    // Each object listed once as in scope: the page in hand at the kill was not recorded, so it is
    // listed again; what the dead worker had loaded of it is found loaded (ledger claim + Databend).
    expect(done).toMatchObject({ status: "completed", worker_id: "survivor", listed: 600, failed: 0 });
    expect(done.loaded + done.skipped).toBe(600);
    const after = (await env.store.get(ORG_ID, task.id))!;
    expect(after.counters.objects_loaded).toBe(600);
    expect(after.counters.rows_loaded).toBe(600);
    await env.store.setDesiredState(ORG_ID, task.id, "stopped", 30_000);
  }, 150_000);
});

describe("reconcile", () => {
  it("on a schedule, loads an object whose event was lost, once, and waits its interval before the next", async () => {
    const s = await scopedScenario("bf-rec");
    await env.wh.exec("CREATE TABLE bf_rec (id INT, name VARCHAR)");
    const task = await env.createTask(s, "bf_rec", { prefix: "in/", suffix: ".csv", reconcile_every_minutes: 5 });
    expect(task.reconcile_every_minutes).toBe(5);
    // The event of this object is lost (no notification while it was written).
    await notifications(s, false);
    await env.put(s.bucket, "in/lost.csv", csv(1));
    await notifications(s, true);
    await env.put(s.bucket, "in/normal.csv", csv(2));
    await env.start(task);
    env.supervisor();

    const rec = await jobEnded(task.id, "reconcile");
    await waitFor("both rows", async () => ((await env.count("bf_rec")) >= 2 ? true : undefined), 30_000, 200);
    await drained(env, s);
    await expectExactRows(env, "bf_rec", 2);
    expect(rec).toMatchObject({ kind: "reconcile", status: "completed", listed: 2, failed: 0 });
    expect(rec.loaded).toBeGreaterThanOrEqual(1); // lost.csv at least; normal.csv went to whichever came first
    // The first reconcile lists since the task's creation minus the 15-minute margin.
    expect(Date.parse(rec.since!)).toBe(Date.parse(task.created_at) - 15 * 60_000);
    // Not due again for 5 minutes.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await state(task.id)).reconcile!.id).toBe(rec.id);
    await env.store.setDesiredState(ORG_ID, task.id, "stopped", 30_000);
  }, 90_000);

  it("refuses a reconcile interval outside 5 minutes to a week, with the reason", async () => {
    const http = await api();
    const s = await scopedScenario("bf-rec-bad");
    const res = await http.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { name: "bad interval", data_source_id: s.dataSourceId, file_format: { type: "csv" }, target: { table: "bf_rec" }, reconcile_every_minutes: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({ reconcile_every_minutes: expect.stringMatching(/from 5 to 10080/) });
  });
});

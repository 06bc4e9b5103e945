// Delivery is at-least-once end to end; none of these duplicates may become duplicate rows:
// the same event twice, a message redelivered after its visibility timeout, a worker killed
// between COPY and delete, two workers on one task.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { SqsQueue, type MessageQueue } from "../server/worker/queue.ts";
import { CUSTOMER, ORG_ID, REGION, eventForObject, useWorkerEnv, waitFor, workerProcessEnv, type WorkerEnv, drained, expectExactRows } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const csv = (id: number) => `id,name\n${id},"row ${id}"\n`;



const eventFor = (bucket: string, key: string) => eventForObject(env, bucket, key);

describe("worker: duplicates never become duplicate rows", () => {
  it("the same event sent twice (and again after the load) adds the rows once", async () => {
    const s = await env.scenario("dup-twice");
    await env.wh.exec("CREATE TABLE dup_twice (id INT, name VARCHAR)");
    const task = await env.createTask(s, "dup_twice");
    await env.start(task);
    await env.put(s.bucket, "a.csv", csv(1));
    await env.put(s.bucket, "b.csv", csv(2));
    const body = await eventFor(s.bucket, "a.csv");
    await env.send(s, body);
    await env.send(s, body);
    env.supervisor();
    await waitFor("rows", async () => (await env.count("dup_twice")) >= 2 || undefined);
    await drained(env, s);
    // A late duplicate after the load: the ledger drops it early.
    await env.send(s, body);
    await drained(env, s);
    await expectExactRows(env, "dup_twice", 2);
    const runs = (await env.store.listRuns(ORG_ID, task.id))!;
    expect(runs.reduce((n, r) => n + r.objects_loaded, 0)).toBe(2);
    // The late copy was dropped as a duplicate (copies in one batch share one FILES entry).
    expect(runs.reduce((n, r) => n + r.objects_duplicate, 0)).toBeGreaterThanOrEqual(1);
    // a.csv, b.csv, two copies, the late copy and the s3:TestEvent: all deleted.
    expect(runs.reduce((n, r) => n + r.messages_deleted, 0)).toBe(6);
  });

  it("a message redelivered after its visibility timeout (its delete was lost) is dropped as a duplicate", async () => {
    const s = await env.scenario("dup-redeliver");
    await env.wh.exec("CREATE TABLE dup_redeliver (id INT, name VARCHAR)");
    const task = await env.createTask(s, "dup_redeliver");
    await env.start(task);
    // Fault injection over the real queue: the first delete of messages with objects is dropped
    // (reported as done), so those messages come back after the visibility timeout, exactly as when
    // a delete is lost.
    const sqs = new SQSClient({ endpoint: env.sandbox.url, region: REGION, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
    const real = new SqsQueue(sqs, s.sdkQueueUrl);
    const withObjects = new Set<string>();
    const dropped = new Set<string>();
    const redelivered = new Set<string>();
    const lossy: MessageQueue = {
      receive: async (o) => {
        const messages = await real.receive(o);
        for (const m of messages) {
          if (m.body?.includes("ObjectCreated")) withObjects.add(m.messageId);
          if (dropped.has(m.messageId)) redelivered.add(m.messageId);
        }
        return messages;
      },
      changeVisibilityBatch: (e) => real.changeVisibilityBatch(e),
      deleteBatch: async (entries) => {
        if (dropped.size === 0 && entries.some((e) => withObjects.has(e.id))) {
          for (const e of entries) dropped.add(e.id);
          return [];
        }
        return real.deleteBatch(entries);
      },
    };
    env.supervisor({ visibilitySeconds: 3, workerId: "lossy" }, { queueFor: (id) => (id === task.id ? lossy : undefined) });
    try {
      for (let i = 0; i < 5; i++) await env.put(s.bucket, `r${i}.csv`, csv(100 + i));
      await waitFor("rows", async () => (await env.count("dup_redeliver")) >= 5 || undefined, 60_000);
      // The rows are visible as soon as the COPY commits, which can be before the worker has heard
      // back from it and sent the delete: wait for the delete, do not assume it already happened.
      await waitFor("a delete to be dropped", () => dropped.size > 0 || undefined, 30_000);
      await drained(env, s);
      await expectExactRows(env, "dup_redeliver", 5);
      // Nothing lost: every message whose delete was lost came back and was then deleted.
      expect([...dropped].filter((id) => !redelivered.has(id))).toEqual([]);
      const runs = (await env.store.listRuns(ORG_ID, task.id))!;
      // Each object was loaded once; each redelivered message with an object was dropped as a
      // duplicate (at least once: a standard queue may deliver a message again at any time).
      expect(runs.reduce((n, r) => n + r.objects_loaded, 0)).toBe(5);
      const droppedWithObjects = [...dropped].filter((id) => withObjects.has(id)).length;
      expect(droppedWithObjects).toBeGreaterThan(0);
      expect(runs.reduce((n, r) => n + r.objects_duplicate, 0)).toBeGreaterThanOrEqual(droppedWithObjects);
    } finally {
      sqs.destroy();
    }
  });

  it("a worker killed (SIGKILL) between COPY and delete, then restarted, loads nothing twice", async () => {
    const s = await env.scenario("dup-kill");
    await env.wh.exec("CREATE TABLE dup_kill (id INT, name VARCHAR)");
    const task = await env.createTask(s, "dup_kill");
    await env.start(task);
    for (let i = 0; i < 20; i++) await env.put(s.bucket, `k${i}.csv`, csv(200 + i));

    const spawnWorker = (script: string, extra: Record<string, string>): ChildProcess =>
      spawn(process.execPath, [path.resolve(script)], {
        env: {
          ...workerProcessEnv(env),
          WORKER_POLL_MS: "200",
          WORKER_METRICS_PORT: "off",
          WORKER_WAIT_SECONDS: "1",
          WORKER_VISIBILITY_SECONDS: "4",
          WORKER_CLAIM_LEASE_SECONDS: "3",
          WORKER_BATCH_LINGER_MS: "500",
          WORKER_BACKOFF_BASE_SECONDS: "1",
          ...extra,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });

    // The real worker, whose warehouse never answers after its first COPY committed (test-only wrapper).
    const first = spawnWorker("tests/support/worker-paused-after-commit.ts", { WORKER_ID: "doomed" });
    let out = "";
    first.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    first.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await waitFor("the worker to pause after COMMIT", () => out.includes("WORKER_TEST_PAUSED_AFTER_COMMIT") || undefined, 30_000);
    } catch (error) {
      first.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${out}`, { cause: error });
    }
    const loadedBeforeKill = await env.count("dup_kill");
    expect(loadedBeforeKill).toBeGreaterThan(0);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    // The loaded batch's messages were never deleted.
    const depth = await env.queueDepth(s);
    expect(depth.visible + depth.inFlight).toBeGreaterThanOrEqual(loadedBeforeKill);

    const second = spawnWorker("server/worker/main.ts", { WORKER_ID: "survivor" });
    let out2 = "";
    second.stderr!.on("data", (d: Buffer) => (out2 += d.toString()));
    try {
      await waitFor("all rows", async () => (await env.count("dup_kill")) >= 20 || undefined, 60_000, 250);
      await drained(env, s);
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    await expectExactRows(env, "dup_kill", 20);
    const after = (await env.store.get(ORG_ID, task.id))!;
    // Databend skipped what the killed worker had committed; the survivor counted those files as
    // loaded, with their rows, so the counters equal the table.
    expect(after.counters.objects_loaded, out2).toBe(20);
    expect(after.counters.rows_loaded).toBe(await env.count("dup_kill"));
    expect(after.status).toBe("stopped"); // the survivor was the last worker and shut down cleanly
    await env.store.setDesiredState(ORG_ID, task.id, "stopped", 30_000);
  });

  it("two workers on one task load every object exactly once", async () => {
    const s = await env.scenario("dup-two");
    await env.wh.exec("CREATE TABLE dup_two (id INT, name VARCHAR)");
    const task = await env.createTask(s, "dup_two");
    await env.start(task);
    const secondStore = (await env.openStoreAgain()).tasks;
    const a = env.supervisor({ workerId: "worker-a", batchLingerMs: 200 });
    const b = env.supervisor({ workerId: "worker-b", batchLingerMs: 200 }, { store: secondStore });
    // Both must be receiving before the objects land, or one could take every message alone.
    await waitFor("both workers receiving", () => (a.runner(task.id)?.receiving && b.runner(task.id)?.receiving) || undefined);
    const n = 120;
    for (let i = 0; i < n; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => env.put(s.bucket, `two/${i + j}.csv`, csv(1000 + i + j))));
    }
    // Extra duplicate events, so both workers see the same objects.
    for (let i = 0; i < 30; i++) await env.send(s, await eventFor(s.bucket, `two/${i}.csv`));
    await waitFor("rows", async () => (await env.count("dup_two")) >= n || undefined, 60_000, 250);
    await drained(env, s);
    await expectExactRows(env, "dup_two", n);
    const runs = (await env.store.listRuns(ORG_ID, task.id, 1000))!;
    expect(runs.reduce((x, r) => x + r.objects_loaded, 0)).toBe(n);
    const workers = new Set(runs.filter((r) => r.objects_loaded > 0).map((r) => r.worker_id));
    expect(workers.size).toBe(2);
    await env.stopSupervisors();
  });
});

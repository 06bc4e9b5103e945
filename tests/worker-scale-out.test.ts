// Scale-out, proven on PostgreSQL: two API processes and three worker processes (`node
// server/main.ts`, `node server/worker/main.ts`, each with its own platform identity) share one
// store on a throwaway PostgreSQL cluster. The task is created through one API, started through the
// other; 2,000 objects land at a steady 200/s; one worker is SIGKILLed while it holds claims and is
// not restarted. Every object's rows are present exactly once, every message is deleted, the dead
// worker's claims expire and the others load what it held, and the task's counters equal the table.
// Everything listens on 127.0.0.1; short leases and visibility timeouts come from the environment.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { taskRecordSchema, taskRunSchema, taskWorkersResponseSchema, type TaskRecord } from "#contracts/task.ts";
import type { Stores } from "../server/store/open.ts";
import { SKIP_POSTGRES, SKIP_REASON } from "./support/postgres.ts";
import { ORG_ID, REGION, drained, expectExactRows, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";
import { freePort } from "./support/net.ts";

const OBJECTS = 2000;
const RATE = 200; // objects per second
const KILL_AFTER_ROWS = 500;

let env: WorkerEnv;
const suite = SKIP_POSTGRES ? describe.skip : describe;
if (!SKIP_POSTGRES) useWorkerEnv((e) => (env = e), { store: "postgres" });


interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(name: string, script: string, extra: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.resolve(script)], {
    env: {
      PATH: process.env.PATH ?? "",
      ...env.storeEnv,
      DATA_DIR: path.join(env.dataDir, name),
      DATABEND_DSN: env.dsn,
      ORG_ID,
      AWS_ENDPOINT_URL: env.sandbox.url,
      AWS_REGION: REGION,
      LOG_LEVEL: "warn",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, output: () => out, exited };
}

const ADMIN_API_KEY = "scale-out-" + "k".repeat(40);

async function startApi(name: string): Promise<Proc & { url: string }> {
  const port = await freePort();
  mkdirSync(path.join(env.dataDir, name), { recursive: true });
  // The API acts as the platform setup identity.
  const api = launch(name, "server/main.ts", {
    PORT: String(port),
    HOST: "127.0.0.1",
    AWS_ACCESS_KEY_ID: "platform-setup",
    AWS_SECRET_ACCESS_KEY: "platform-setup",
    // The first API to start seeds the shared store's admin and key; the other finds them.
    ADMIN_EMAIL: "admin@example.com",
    ADMIN_PASSWORD: "scale-out admin password",
    ADMIN_API_KEY,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${name} listening`, async () => (await fetch(`${url}/api/health`)).ok || undefined, 30_000, 100).catch((error) => {
    throw new Error(`${(error as Error).message}\n${api.output()}`, { cause: error });
  });
  return { ...api, url };
}

function startWorker(workerId: string): Proc {
  // The worker acts as the platform load identity; leases and visibility are short so a dead
  // worker's claims and messages come back within seconds.
  return launch(workerId, "server/worker/main.ts", {
    WORKER_ID: workerId,
    AWS_ACCESS_KEY_ID: "platform-load",
    AWS_SECRET_ACCESS_KEY: "platform-load",
    WORKER_POLL_MS: "200",
    WORKER_METRICS_PORT: "off",
    WORKER_WAIT_SECONDS: "1",
    WORKER_RECEIVE_CONCURRENCY: "2",
    WORKER_VISIBILITY_SECONDS: "8",
    WORKER_CLAIM_LEASE_SECONDS: "4",
    WORKER_BATCH_LINGER_MS: "300",
    WORKER_BACKOFF_BASE_SECONDS: "1",
    WORKER_BACKOFF_MAX_SECONDS: "2",
    WORKER_STOP_GRACE_MS: "3000",
  });
}

async function api<T>(base: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_API_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** Uploads OBJECTS objects at a steady RATE (each PutObject starts on its schedule, at most 64 in flight). */
async function uploadSteadily(bucket: string): Promise<void> {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < OBJECTS; i++) {
    const due = start + (i * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const p = env.put(bucket, `scale/${String(i).padStart(5, "0")}.csv`, `id,name\n${i},"row ${i}"\n`).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

interface HeldClaim {
  key: string;
  etag: string;
}

/** Claims `workerId` holds right now (lease running by the database's clock) on versions it has not loaded. */
async function liveClaims(stores: Stores, taskId: string, workerId: string): Promise<HeldClaim[]> {
  const rows = await sql<HeldClaim>`
    select c.key, c.etag from task_claims c
    join task_objects o on o.task_id = c.task_id and o.bucket = c.bucket and o.key = c.key and o.etag = c.etag
    where c.task_id = ${taskId} and c.worker_id = ${workerId} and c.lease_until > ${stores.db.nowMs()}
      and o.state = 'claimed' and o.worker_id = ${workerId}`.execute(stores.db.db);
  return rows.rows;
}

suite(SKIP_POSTGRES ? SKIP_REASON : "scale-out on PostgreSQL", () => {
  it("2 APIs and 3 workers, one SIGKILLed mid-ingest: 2,000 objects loaded exactly once, its claims taken over", async () => {
    const s = await env.scenario("scale");
    await env.wh.exec("CREATE TABLE `default`.`scale` (id INT, name VARCHAR)");
    const stores = await env.openStoreAgain();
    const procs: Proc[] = [];
    try {
      // One after the other: the first seeds the shared store, so two seedings never race.
      const apiA = await startApi("api-a");
      const apiB = await startApi("api-b");
      procs.push(apiA, apiB);
      // Created through one API...
      const created = await api<TaskRecord>(apiA.url, "POST", "/api/tasks", {
        name: "scale out",
        data_source_id: s.dataSourceId,
        file_format: { type: "csv" },
        target: { database: "default", table: "scale" },
      });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      const taskId = created.json.id;
      const workerIds = ["scale-w1", "scale-w2", "scale-w3"];
      const workers = new Map(workerIds.map((id) => [id, startWorker(id)]));
      procs.push(...workers.values());
      // ...started through the other...
      const started = await api<TaskRecord>(apiB.url, "POST", `/api/tasks/${taskId}/start`);
      expect(started.status, JSON.stringify(started.json)).toBe(200);
      // ...and every worker holds it, as the first API reports.
      await waitFor(
        "three live workers on the task",
        async () => {
          const { json } = await api(apiA.url, "GET", `/api/tasks/${taskId}/workers`);
          const items = taskWorkersResponseSchema.parse(json).items;
          return items.length === 3 && items.every((w) => w.live) ? items : undefined;
        },
        30_000,
        200,
      );

      const uploads = uploadSteadily(s.bucket);
      // Mid-ingest: once enough rows are in, kill a worker while it holds live claims.
      let victim: string | undefined;
      await waitFor(
        "a worker holding claims mid-ingest",
        async () => {
          if ((await env.count("scale")) < KILL_AFTER_ROWS) return undefined;
          for (const id of workerIds) {
            if ((await liveClaims(stores, taskId, id)).length > 0) {
              workers.get(id)!.child.kill("SIGKILL");
              victim = id;
              return true;
            }
          }
          return undefined;
        },
        60_000,
        20,
      ).catch(async (error) => {
        throw new Error(`${(error as Error).message} (rows ${await env.count("scale")})\n${[...workers.values()].map((w) => `${w.name}: ${w.output()}`).join("\n")}`, { cause: error });
      });
      const dead = workers.get(victim!)!;
      await dead.exited;
      const killedAt = new Date().toISOString();
      // What it died holding: claims with a running lease on versions it never marked loaded.
      const held = await liveClaims(stores, taskId, victim!);
      expect(held.length).toBeGreaterThan(0);
      const rowsAtKill = await env.count("scale");
      expect(rowsAtKill).toBeLessThan(OBJECTS);

      await uploads;
      await waitFor("every row", async () => (await env.count("scale")) >= OBJECTS || undefined, 90_000, 250).catch((error) => {
        throw new Error(`${(error as Error).message}\n${[...workers.values()].map((w) => `${w.name}: ${w.output()}`).join("\n")}`, { cause: error });
      });
      await drained(env, s, 60_000);

      // Every object's rows exactly once.
      await expectExactRows(env, "scale", OBJECTS);
      // The dead worker's claims expired and the survivors loaded what it held.
      const taken = await stores.db.db
        .selectFrom("task_objects")
        .select(["key", "etag", "state", "worker_id"])
        .where("task_id", "=", taskId)
        .where((eb) => eb(eb.refTuple("key", "etag"), "in", held.map((h) => eb.tuple(h.key, h.etag))))
        .execute();
      expect(taken).toHaveLength(held.length);
      for (const row of taken) {
        expect(row.state).toBe("loaded");
        expect(row.worker_id).not.toBe(victim);
      }
      expect(await liveClaims(stores, taskId, victim!)).toEqual([]);

      // The task's counters equal the table (read through the second API).
      const record = taskRecordSchema.parse((await api(apiB.url, "GET", `/api/tasks/${taskId}`)).json);
      expect(record.counters.objects_loaded).toBe(OBJECTS);
      const odd = await stores.db.db.selectFrom("task_objects").select(["key", "rows", "worker_id", "state", "run_id"]).where("task_id", "=", taskId)
        .where((eb) => eb.or([eb("rows", "<>", 1), eb("rows", "is", null)])).execute();
      expect(record.counters.rows_loaded, JSON.stringify({ odd, held, victim })).toBe(await env.count("scale"));
      // The survivors loaded objects; the dead worker stopped heartbeating when it died.
      const runs = (await api<{ items: unknown[] }>(apiA.url, "GET", `/api/tasks/${taskId}/runs?limit=1000`)).json.items.map((r) =>
        taskRunSchema.parse(r),
      );
      expect(runs.reduce((n, r) => n + r.objects_loaded, 0)).toBe(OBJECTS);
      const survivors = workerIds.filter((id) => id !== victim);
      for (const id of survivors) expect(runs.some((r) => r.worker_id === id && r.objects_loaded > 0), id).toBe(true);
      const holding = taskWorkersResponseSchema.parse((await api(apiB.url, "GET", `/api/tasks/${taskId}/workers`)).json).items;
      expect(holding.find((w) => w.worker_id === victim)!.heartbeat_at < killedAt).toBe(true);
      for (const id of survivors) expect(holding.find((w) => w.worker_id === id)!.heartbeat_at > killedAt, id).toBe(true);

      // Stop through the API: the survivors stop the task and drop out.
      await api(apiA.url, "POST", `/api/tasks/${taskId}/stop`);
      await waitFor(
        "the survivors to stop",
        async () => {
          const { json } = await api(apiB.url, "GET", `/api/tasks/${taskId}/workers`);
          const items = taskWorkersResponseSchema.parse(json).items;
          return items.every((w) => w.worker_id === victim) || undefined;
        },
        20_000,
        200,
      );
    } finally {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
      await Promise.race([Promise.all(procs.map((p) => p.exited)), new Promise((r) => setTimeout(r, 10_000))]);
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    }
  }, 150_000);
});

// Alerts end to end, with real worker processes (`node server/worker/main.ts`) on one SQLite store,
// the AWS sandbox and the dev warehouse: a task whose target table does not exist fails for real
// when started; an alert rule on it sends to a webhook receiver of this test's own (node:http on
// 127.0.0.1, port 0), which verifies every request with the `standardwebhooks` library. Two workers
// run at once (one evaluator per tick between them); both are killed (SIGKILL) with the incident
// open, a third starts, the table is made and the task started again: the receiver gets exactly one
// signed "alert" and one signed "resolved", for one incident.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertWebhookPayloadSchema, type AlertWebhookPayload } from "#contracts/alerts.ts";
import { AlertDestinations } from "../server/alerts/destinations.ts";
import type { Stores } from "../server/store/open.ts";
import { secretBoxFor } from "../server/warehouses/secret-box.ts";
import { ORG_ID, useWorkerEnv, waitFor, workerProcessEnv, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

interface Received {
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  payload: AlertWebhookPayload | null;
}

const INTERVAL_MS = 300;
const workers: ChildProcess[] = [];
let outputs = "";

function startWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, [path.resolve("server/worker/main.ts")], {
    env: {
      ...workerProcessEnv(env),
      WORKER_ID: name,
      WORKER_POLL_MS: "200",
      WORKER_WAIT_SECONDS: "1",
      WORKER_METRICS_PORT: "off",
      ALERTS_INTERVAL_MS: String(INTERVAL_MS),
      ALERT_WEBHOOK_ALLOW_PRIVATE: "true",
      ALERT_DELIVERY_TIMEOUT_MS: "5000",
      ALERT_RETRY_BASE_MS: "200",
      ALERT_RETRY_MAX_MS: "1000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (d: Buffer) => (outputs = (outputs + `[${name}] ` + d.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  workers.push(child);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
let secret = "";
let stores: Stores;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = false;
      let payload: AlertWebhookPayload | null = null;
      try {
        // Throws unless the signature is the destination's and the timestamp is fresh.
        payload = alertWebhookPayloadSchema.parse(new Webhook(secret).verify(body, headers));
        verified = true;
      } catch {
        // left unverified: the assertion below names it
      }
      received.push({ headers, body, verified, payload });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/alerts`;
  stores = await env.openStoreAgain();
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("alerts from worker processes", () => {
  it("one signed alert and one signed resolved for one incident, with two workers at once and across a kill and restart", async () => {
    const s = await env.scenario("alerts");
    const task = await env.createTask(s, "alerts_later"); // no such table yet: starting it fails the task
    const destinations = new AlertDestinations(stores.alerts, secretBoxFor({ warehouseSecretKeys: { current: undefined, old: [] }, dataDir: env.storeEnv.DATA_DIR ?? env.dataDir }));
    const made = await destinations.create(ORG_ID, { name: "receiver", url: receiverUrl, format: "standard" });
    secret = made.secret;
    const rule = await stores.alerts.createRule(ORG_ID, {
      name: "Task failed",
      condition: { kind: "task_failed" },
      task_ids: [task.id],
      quiet_minutes: 0,
      enabled: true,
      destination_ids: [made.destination.id],
    });

    startWorker("alerts-w1");
    startWorker("alerts-w2");
    await env.start(task);
    const context = () => `\nreceived: ${JSON.stringify(received.map((r) => r.payload?.type ?? r.body))}\n${outputs}`;
    await waitFor("the task failed", async () => ((await env.store.get(ORG_ID, task.id))?.status === "failed" ? true : undefined), 60_000).catch((e: Error) => {
      throw new Error(e.message + context());
    });
    await waitFor("the alert", async () => (received.length >= 1 ? true : undefined), 60_000).catch((e: Error) => {
      throw new Error(e.message + context());
    });

    // Both workers die with the incident open; a third takes over once their lease expires.
    await Promise.all(workers.slice(0, 2).map(kill));
    startWorker("alerts-w3");
    await env.wh.exec("CREATE TABLE `default`.`alerts_later` (id INT, name VARCHAR)");
    await env.start(task);
    await waitFor("the resolved", async () => (received.some((r) => r.payload?.type === "alert.resolved") ? true : undefined), 60_000).catch((e: Error) => {
      throw new Error(e.message + context());
    });
    // Several more evaluations by the new holder (each renews the lease), and nothing more arrives.
    const leaseNow = async () => Number((await stores.db.db.selectFrom("job_leases").select(["lease_until_ms", "holder"]).where("name", "=", "alerts").executeTakeFirstOrThrow()).lease_until_ms);
    const mark = await leaseNow();
    await waitFor("three more evaluation ticks", async () => ((await leaseNow()) >= mark + 3 * INTERVAL_MS ? true : undefined), 30_000);

    expect(received.map((r) => r.verified)).toEqual([true, true]);
    expect(received.map((r) => r.payload!.type)).toEqual(["alert.opened", "alert.resolved"]);
    const [opened, resolved] = received.map((r) => r.payload!.data.incident!);
    expect(opened!.id).toBe(resolved!.id);
    expect(opened).toMatchObject({ rule_id: rule.id, task_id: task.id, kind: "task_failed", resolved_at: null });
    expect(opened!.summary).toMatch(/alerts_later/);
    expect(resolved!.resolved_at).not.toBeNull();
    // The webhook-id is the delivery's; the two deliveries differ, each delivered with the receiver's 204.
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(2);
    const log = await stores.alerts.listDeliveries(ORG_ID, { limit: 50 });
    expect(log.items.map((d) => [d.event_type, d.status, d.response_status, d.attempts])).toEqual([
      ["resolved", "delivered", 204, 1],
      ["alert", "delivered", 204, 1],
    ]);
    const incidents = await stores.alerts.listIncidents(ORG_ID, { limit: 50, rule_id: rule.id });
    expect(incidents.items).toHaveLength(1);
    // No log line of any worker carries the secret or the receiver's URL path.
    expect(outputs).not.toContain(secret.slice(6, 20));
    expect(outputs).not.toContain("/hooks/alerts");
  }, 120_000);
});

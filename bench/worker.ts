// `npm run bench:worker`: the worker against the sandbox and the dev warehouse, numbers not
// pass/fail. One run, one queue, three phases:
//   1. bare    : N objects' notifications drained by a bare receive+delete loop with the worker's
//                receive concurrency (the ceiling the queue allows);
//   2. backlog : N more objects queued, then the worker (a child process running
//                server/worker/main.ts) loads them all: objects/s, COPY statements, RSS;
//   3. steady  : objects uploaded at a steady rate while the worker runs: end-to-end latency
//                (PutObject returned -> rows visible in the table) p50/p95/p99.
// The sandbox, the dev warehouse and the worker each run in their own process, as under `npm start`.
// Env: BENCH_OBJECTS (default 5000), BENCH_RATE (objects/s in phase 3, default 100),
// BENCH_LATENCY_OBJECTS (default min(BENCH_OBJECTS, 2000)), WORKER_* tuning passes through.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import * as documents from "../sandbox/aws/documents.ts";
import { createServer } from "node:net";
import { fileFormatSchema } from "../src/contracts/task.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { openStore } from "../server/store/open.ts";
import { loadWorkerConfig } from "../server/worker/config.ts";

const N = Number(process.env.BENCH_OBJECTS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const LAT_N = Number(process.env.BENCH_LATENCY_OBJECTS ?? Math.min(N, 2000));
const ORG = "bench-org";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const CUSTOMER = { accessKeyId: "test", secretAccessKey: "test" };
const workerCfg = loadWorkerConfig();
const CONCURRENCY = workerCfg.receiveConcurrency;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

const dataDir = mkdtempSync(path.join(tmpdir(), "bench-worker-"));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
async function until(what: string, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await sleep(100);
  }
}
const sandboxPort = await freePort();
const warehousePort = await freePort();
const standIns = [
  spawn(process.execPath, [path.resolve("sandbox/main.ts"), "--reset"], {
    env: { ...process.env, SANDBOX_PORT: String(sandboxPort), DATA_DIR: dataDir, ORG_ID: ORG, SANDBOX_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  }),
  spawn(process.execPath, [path.resolve("sandbox/warehouse/main.ts")], {
    env: { ...process.env, WAREHOUSE_PORT: String(warehousePort), DATA_DIR: dataDir, WAREHOUSE_LOG: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  }),
];
const sandbox = { url: `http://127.0.0.1:${sandboxPort}` };
const warehouse = { dsn: `databend://root:@127.0.0.1:${warehousePort}/default?sslmode=disable` };
await until("sandbox", `${sandbox.url}/_sandbox/health`);
await until("warehouse", `http://127.0.0.1:${warehousePort}/health`);
const s3 = new S3Client({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER, forcePathStyle: true });
const sqs = new SQSClient({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
const iam = new IAMClient({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER });
const wh = new DatabendWarehouse(warehouse.dsn);
// The worker child process opens the same store (DATA_DIR, or DATABASE_URL when set).
const stores = await openStore({ dataDir, url: process.env.DATABASE_URL });
const sources = stores.dataSources;
const tasks = stores.tasks;

// AWS side, as the seed page sets it up.
const bucket = "bench-bucket";
const queueName = "bench-queue";
const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`;
const bucketArn = `arn:aws:s3:::${bucket}`;
const q = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
const queueUrl = q.QueueUrl!;
await sqs.send(
  new SetQueueAttributesCommand({
    QueueUrl: queueUrl,
    Attributes: { Policy: JSON.stringify(documents.queuePolicy(queueName, queueArn, bucketArn, ACCOUNT)) },
  }),
);
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
await s3.send(
  new PutBucketNotificationConfigurationCommand({
    Bucket: bucket,
    NotificationConfiguration: documents.bucketNotification(queueName, queueArn, "in/", ".csv") as never,
  }),
);
const role = await iam.send(
  new CreateRoleCommand({
    RoleName: "bench-role",
    AssumeRolePolicyDocument: JSON.stringify(
      documents.trustPolicy("arn:aws:iam::111111111111:role/platform-setup", "arn:aws:iam::111111111111:role/platform-load", ORG),
    ),
  }),
);
await iam.send(
  new PutRolePolicyCommand({ RoleName: "bench-role", PolicyName: "access", PolicyDocument: JSON.stringify(documents.permissionsPolicy(bucketArn, queueArn)) }),
);
const source = await sources.createDataSource(
  ORG,
  {
    name: "bench",
    queue_url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${queueName}`,
    queue_region: REGION,
    role_arn: role.Role!.Arn!,
    external_id: ORG,
    bucket,
    prefix: "in/",
    suffix: ".csv",
  },
  null,
);
await wh.exec("CREATE TABLE bench_events (id BIGINT NOT NULL, payload VARCHAR)");
const task = await tasks.create(ORG, {
  name: "bench",
  data_source_id: source.id,
  file_format: fileFormatSchema.parse({ type: "csv" }),
  prefix: "in/",
  suffix: ".csv",
  target: { database: "default", table: "bench_events" },
  on_error: "abort",
  purge: false,
});

async function depth(): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const body = (id: number) => `id,payload\n${id},"object ${id} ${"x".repeat(40)}"\n`;
async function upload(ids: number[], concurrency = 16): Promise<Map<number, number>> {
  const created = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `in/${id % 97}/obj-${id}.csv`, Body: body(id) }));
        created.set(id, Date.now());
      }
    }),
  );
  return created;
}

async function waitDepth(target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await depth()) < target && Date.now() < deadline) await sleep(100);
}

console.log(`bench:worker  N=${N}  receive concurrency=${CONCURRENCY}  batch max=${workerCfg.batchMaxFiles}  linger=${workerCfg.batchLingerMs} ms`);

// Phase 1: bare receive + delete.
const initial = await depth(); // the s3:TestEvent
await upload(Array.from({ length: N }, (_, i) => 10_000_000 + i));
await waitDepth(N + initial, 60_000);
let bareDone = 0;
const bareStart = Date.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    let empty = 0;
    while (empty < 2) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
      );
      const msgs = out.Messages ?? [];
      if (msgs.length === 0) {
        empty++;
        continue;
      }
      empty = 0;
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle! })) }),
      );
      bareDone += msgs.length;
    }
  }),
);
// The loops end after two empty polls (about 2 s of waiting); that tail is not throughput.
const bareSecs = (Date.now() - bareStart - 2000) / 1000;
const bareRate = bareDone / bareSecs;
console.log(`bare receive+delete: ${bareDone} messages in ${fmt(bareSecs, 2)} s = ${fmt(bareRate)} msg/s`);

// Phase 2: backlog loaded by the worker (child process).
await upload(Array.from({ length: N }, (_, i) => i + 1));
await waitDepth(N, 60_000);
await tasks.setDesiredState(ORG, task.id, "running", 30_000);
// The worker's V8 flags as `npm run worker` sets them (package.json).
const child = spawn(process.execPath, ["--max-semi-space-size=4", path.resolve("server/worker/main.ts")], {
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    DATABEND_DSN: warehouse.dsn,
    ORG_ID: ORG,
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_ACCESS_KEY_ID: "platform-load",
    AWS_SECRET_ACCESS_KEY: "platform-load",
    AWS_REGION: REGION,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
let peakRss = 0;
const rssTimer = setInterval(() => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (m) peakRss = Math.max(peakRss, Number(m[1]) / 1024);
  } catch {
    // not on Linux, or the child ended
  }
}, 200);

async function count(where: string): Promise<number> {
  const rows = await wh.query(`SELECT COUNT(*) AS n FROM bench_events WHERE ${where}`);
  return Number(rows[0]?.n ?? 0);
}
const backlogStart = Date.now();
while ((await count("id <= 10000000")) < N) {
  if (Date.now() - backlogStart > 600_000) throw new Error("backlog phase did not finish in 10 minutes");
  await sleep(100);
}
const backlogSecs = (Date.now() - backlogStart) / 1000;
const workerRate = N / backlogSecs;
// Rows become visible when COPY commits; the worker records the batch right after.
let afterBacklog = (await tasks.get(ORG, task.id))!;
while (afterBacklog.counters.objects_loaded < N) {
  await sleep(50);
  afterBacklog = (await tasks.get(ORG, task.id))!;
}
const backlogRuns = ((await tasks.listRuns(ORG, task.id, 1000)) ?? []).filter((r) => r.objects_loaded > 0);
const inBatches = backlogRuns.reduce((n, r) => n + Date.parse(r.ended_at) - Date.parse(r.started_at), 0) / 1000;
const backlogCopies = afterBacklog.counters.copy_statements;
console.log(
  `worker backlog: ${N} objects in ${fmt(backlogSecs, 2)} s = ${fmt(workerRate)} objects/s; COPY statements: ${backlogCopies} (${fmt(N / Math.max(1, backlogCopies))} files per COPY); ${fmt(inBatches, 2)} s inside batches (claim + COPY + ledger)`,
);

// Phase 3: steady rate, latency.
const latIds = Array.from({ length: LAT_N }, (_, i) => 20_000_000 + i);
const created = new Map<number, number>();
const visible = new Map<number, number>();
let polling = true;
const poller = (async () => {
  while (polling) {
    const rows = await wh.query("SELECT id FROM bench_events WHERE id >= 20000000");
    const now = Date.now();
    for (const r of rows) {
      const id = Number(r.id);
      if (!visible.has(id)) visible.set(id, now);
    }
    await sleep(50);
  }
})();
const steadyStart = Date.now();
let inFlight = 0;
const uploads: Promise<void>[] = [];
for (let i = 0; i < latIds.length; i++) {
  const due = steadyStart + (i * 1000) / RATE;
  const wait = due - Date.now();
  if (wait > 0) await sleep(wait);
  const id = latIds[i]!;
  inFlight++;
  uploads.push(
    s3
      .send(new PutObjectCommand({ Bucket: bucket, Key: `in/${id % 97}/obj-${id}.csv`, Body: body(id) }))
      .then(() => void created.set(id, Date.now()))
      .finally(() => inFlight--),
  );
}
await Promise.all(uploads);
const uploadSecs = (Date.now() - steadyStart) / 1000;
const deadline = Date.now() + 300_000;
while (visible.size < LAT_N && Date.now() < deadline) await sleep(100);
polling = false;
await poller;
const latencies = latIds.filter((id) => visible.has(id) && created.has(id)).map((id) => (visible.get(id)! - created.get(id)!) / 1000).sort((a, b) => a - b);
const final = (await tasks.get(ORG, task.id))!;
const steadyRuns = ((await tasks.listRuns(ORG, task.id, 1000)) ?? []).filter(
  (r) => Date.parse(r.started_at) >= steadyStart && r.objects_loaded > 0,
);
const avgFiles = steadyRuns.reduce((n, r) => n + r.objects_loaded, 0) / Math.max(1, steadyRuns.length);
const avgBatchMs =
  steadyRuns.reduce((n, r) => n + (Date.parse(r.ended_at) - Date.parse(r.started_at)), 0) / Math.max(1, steadyRuns.length);
const steadyCopies = final.counters.copy_statements - backlogCopies;

clearInterval(rssTimer);
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));

const dupCheck = await wh.query("SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS d FROM bench_events");
console.log(
  `steady: ${LAT_N} objects at ${RATE}/s (uploads took ${fmt(uploadSecs, 2)} s); latency object created -> rows visible: p50 ${fmt(pct(latencies, 50), 3)} s, p95 ${fmt(pct(latencies, 95), 3)} s, p99 ${fmt(pct(latencies, 99), 3)} s; COPY statements: ${steadyCopies}`,
);
console.log(`steady batches: ${steadyRuns.length}, ${fmt(avgFiles)} files per batch, ${fmt(avgBatchMs, 0)} ms per batch (claim + COPY + ledger)`);
console.log(`rows: ${dupCheck[0]!.total} total, ${dupCheck[0]!.d} distinct ids (expected ${N + LAT_N})`);
console.log(`worker peak RSS: ${fmt(peakRss)} MB`);
console.log(`throughput ratio worker/bare: ${fmt(workerRate / bareRate, 2)}`);
console.log(
  `targets: ratio >= 0.8 (${fmt(workerRate / bareRate, 2)}), p50 <= 1.5 s (${fmt(pct(latencies, 50), 3)}), <= 1 COPY per 100 files at saturation (${fmt(N / Math.max(1, backlogCopies))} files/COPY), RSS < 200 MB (${fmt(peakRss)})`,
);

await wh.close();
await stores.close();
s3.destroy();
sqs.destroy();
iam.destroy();
for (const p of standIns) p.kill("SIGTERM");
await Promise.all(standIns.map((p) => new Promise((r) => p.once("exit", r))));
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

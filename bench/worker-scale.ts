// `BENCH_WORKERS=N npm run bench:worker`: how the worker scales out on PostgreSQL. One run, one
// queue, N rounds: round k queues BENCH_OBJECTS objects (default 2000) for a fresh task and table,
// starts k worker processes (server/worker/main.ts, each its own process as in production), and
// measures backlog objects/s from the moment all k hold the task to the last row visible. Printed:
// objects/s per worker count, the scaling ratio over one worker, COPY statements, rows exactly once,
// and each process's CPU over the window (on a small machine the engine, not the worker, is the
// ceiling, and the CPU split says so). The sandbox and the dev warehouse run in their own processes;
// the store is DATABASE_URL when it is PostgreSQL, else a throwaway cluster (tests/support/postgres.ts).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { IAMClient } from "@aws-sdk/client-iam";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { fileFormatSchema } from "#contracts/task.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { isPostgresUrl, openStore } from "../server/store/open.ts";
import { startPostgres, type PostgresCluster } from "../tests/support/postgres.ts";
import { childPids, cpuSeconds } from "./proc.ts";
import { untilUp } from "../tests/support/net.ts";
import { benchAwsSide } from "./aws-side.ts";
import { spawnBenchWorker, spawnStandIns } from "./stand-ins.ts";

const MAX_WORKERS = Number(process.env.BENCH_WORKERS);
if (!Number.isInteger(MAX_WORKERS) || MAX_WORKERS < 1) throw new Error(`BENCH_WORKERS must be a whole number of at least 1, got "${process.env.BENCH_WORKERS}"`);
const N = Number(process.env.BENCH_OBJECTS ?? 2000);
const ORG = "bench-org";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const CUSTOMER = { accessKeyId: "test", secretAccessKey: "test" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");


const dataDir = mkdtempSync(path.join(tmpdir(), "bench-scale-"));
const spawned: ChildProcess[] = [];
process.on("exit", () => {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
});

// The store: PostgreSQL, as several workers need.
let cluster: PostgresCluster | undefined;
let databaseUrl = process.env.DATABASE_URL;
if (!isPostgresUrl(databaseUrl)) {
  cluster = await startPostgres();
  databaseUrl = await cluster.createDatabase("bench");
}
const stores = await openStore({ url: databaseUrl });

// Stand-ins, each in its own process.
const { sandboxPort, warehousePort, sandboxProc, launcher } = await spawnStandIns(dataDir, ORG);
spawned.push(sandboxProc, launcher);
createInterface({ input: launcher.stdout! }).on("line", () => {});
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const dsn = `databend://root:@127.0.0.1:${warehousePort}/default?sslmode=disable`;
await untilUp("sandbox", `${sandboxUrl}/_sandbox/health`);
await untilUp("warehouse", `http://127.0.0.1:${warehousePort}/health`);
const enginePid = childPids(launcher.pid)[0];
const s3 = new S3Client({ endpoint: sandboxUrl, region: REGION, credentials: CUSTOMER, forcePathStyle: true });
const sqs = new SQSClient({ endpoint: sandboxUrl, region: REGION, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
const iam = new IAMClient({ endpoint: sandboxUrl, region: REGION, credentials: CUSTOMER });
const wh = new DatabendWarehouse(dsn);

// AWS side, as the seed page sets it up: one bucket, one queue, one role, one data source.
const { bucket, queueUrl, sourceId } = await benchAwsSide({ s3, sqs, iam, dataSources: stores.dataSources, org: ORG, region: REGION, account: ACCOUNT });
const tasks = stores.tasks;

async function depth(): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}
async function count(table: string): Promise<{ total: number; distinct: number }> {
  const rows = await wh.query(`SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS d FROM \`default\`.\`${table}\``);
  return { total: Number(rows[0]?.total ?? 0), distinct: Number(rows[0]?.d ?? 0) };
}

function startWorker(id: string): ChildProcess {
  const child = spawnBenchWorker({
    dataDir,
    dsn,
    org: ORG,
    sandboxUrl,
    region: REGION,
    extraEnv: { WORKER_ID: id, DATABASE_URL: databaseUrl },
  });
  spawned.push(child);
  return child;
}

const body = (id: number) => `id,payload\n${id},"object ${id} ${"x".repeat(40)}"\n`;
async function upload(round: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < N) {
        const i = next++;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `in/r${round}/${i % 97}/obj-${i}.csv`, Body: body(i) }));
      }
    }),
  );
}

const cores = availableParallelism();
console.log(`bench:worker BENCH_WORKERS=${MAX_WORKERS}: ${N} objects per round, store PostgreSQL${cluster ? " (throwaway cluster)" : " (DATABASE_URL)"}, ${cores} cores`);
const rates: number[] = [];
for (let k = 1; k <= MAX_WORKERS; k++) {
  const table = `bench_scale_${k}`;
  await wh.exec(`CREATE TABLE \`default\`.\`${table}\` (id BIGINT NOT NULL, payload VARCHAR)`);
  const task = await tasks.create(ORG, {
    name: `bench ${k} workers`,
    data_source_id: sourceId,
    file_format: fileFormatSchema.parse({ type: "csv" }),
    prefix: `in/r${k}/`,
    suffix: ".csv",
    target: { database: "default", table },
    on_error: "abort",
    purge: false,
  });
  // The backlog first (the s3:TestEvent of the first round is in the queue too).
  await upload(k);
  const queued = Date.now() + 60_000;
  while ((await depth()) < N && Date.now() < queued) await sleep(100);
  const workers = Array.from({ length: k }, (_, i) => startWorker(`bench-w${i + 1}`));
  await tasks.setDesiredState(ORG, task.id, "running", 30_000);
  // The clock starts once all k workers hold the task (their start-up is apart).
  for (;;) {
    const holding = (await tasks.listWorkers(ORG, task.id, 30_000)) ?? [];
    if (holding.length >= k) break;
    if (workers.some((w) => w.exitCode !== null)) throw new Error("a worker exited during start-up");
    await sleep(20);
  }
  const t0 = Date.now();
  const rows0 = (await count(table)).total;
  const cpu0 = { workers: workers.map((w) => cpuSeconds(w.pid) ?? NaN), engine: cpuSeconds(enginePid) ?? NaN, sandbox: cpuSeconds(sandboxProc.pid) ?? NaN };
  for (;;) {
    if ((await count(table)).total >= N) break;
    if (Date.now() - t0 > 600_000) throw new Error(`round ${k} did not finish in 10 minutes`);
    await sleep(100);
  }
  const secs = (Date.now() - t0) / 1000;
  const cpu = {
    workers: workers.map((w, i) => (cpuSeconds(w.pid) ?? NaN) - cpu0.workers[i]!),
    engine: (cpuSeconds(enginePid) ?? NaN) - cpu0.engine,
    sandbox: (cpuSeconds(sandboxProc.pid) ?? NaN) - cpu0.sandbox,
  };
  const rate = (N - rows0) / secs;
  rates.push(rate);
  const deadline = Date.now() + 60_000;
  while ((await depth()) > 0 && Date.now() < deadline) await sleep(50);
  await tasks.setDesiredState(ORG, task.id, "stopped", 30_000);
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once("exit", r)) : undefined)));
  const rows = await count(table);
  const record = (await tasks.get(ORG, task.id))!;
  const runs = ((await tasks.listRuns(ORG, task.id, 1000)) ?? []).filter((r) => r.objects_loaded > 0);
  const perWorker = [...new Set(runs.map((r) => r.worker_id))]
    .sort()
    .map((id) => `${id} ${runs.filter((r) => r.worker_id === id).reduce((n, r) => n + r.objects_loaded, 0)}`);
  console.log(
    `${k} worker${k === 1 ? "" : "s"}: ${N - rows0} objects in ${fmt(secs, 2)} s = ${fmt(rate)} objects/s (x${fmt(rate / rates[0]!, 2)} of 1 worker); COPY statements ${record.counters.copy_statements}; rows ${rows.total} total, ${rows.distinct} distinct (expected ${N}); objects per worker: ${perWorker.join(", ")}`,
  );
  console.log(
    `  CPU over ${fmt(secs, 2)} s x ${cores} cores = ${fmt(secs * cores, 2)} s: workers ${cpu.workers.map((c) => fmt(c, 2)).join(" + ")} s, engine ${fmt(cpu.engine, 2)} s, sandbox ${fmt(cpu.sandbox, 2)} s`,
  );
}
console.log(`scaling: ${rates.map((r, i) => `${i + 1}: ${fmt(r)}/s`).join(", ")}; ratio ${rates.map((r) => fmt(r / rates[0]!, 2)).join(" : ")}`);

await wh.close();
await stores.close();
s3.destroy();
sqs.destroy();
iam.destroy();
for (const p of [sandboxProc, launcher]) {
  if (p.exitCode === null && p.signalCode === null) {
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await exited;
  }
}
await cluster?.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

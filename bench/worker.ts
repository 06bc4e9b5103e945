// `npm run bench:worker`: the worker against the sandbox and the dev warehouse (Databend's
// embedded engine), numbers not pass/fail. One run, one queue, four phases:
//   1. bare    : N objects' notifications drained by a bare receive+delete loop with the worker's
//                receive concurrency (the ceiling the queue allows), in its own process
//                (bench/bare-loop.ts): messages/s and its CPU time per 1,000 messages;
//   2. bare COPY: before the worker starts, Databend alone loads the same N files with the
//                worker's statement and statement size (bench/bare-copy.ts): the second ceiling;
//                ceiling = min(bare queue, bare COPY), and the ratio that matters is worker/ceiling;
//   3. backlog : N more objects queued, then the worker (a child process running
//                server/worker/main.ts) loads them all: objects/s, COPY statements per 100 files
//                (run history), its CPU time per 1,000 objects after its start-up. If the
//                ratio worker/ceiling misses 0.85: where the backlog's time went (start-up, first
//                batch, inside batches with COPY's share by the engine's system.query_log, gaps)
//                and each process's CPU over the window;
//   4. steady  : objects uploaded at a steady rate while the worker runs: end-to-end latency
//                (PutObject returned -> rows visible in the table) p50/p95/p99.
// CPU time is user + system of that one process from /proc/<pid>/stat (Linux; n/a elsewhere).
// Also printed: the engine's version (SELECT version() through the driver), the warehouse's
// start-up time as its launcher reports it, and peak RSS (VmHWM at the end) of the worker and of
// the engine (the launcher's python child).
// The sandbox, the dev warehouse and the worker each run in their own process, as under `npm start`.
// Env: BENCH_OBJECTS (default 5000), BENCH_RATE (objects/s in phase 4, default 100),
// BENCH_LATENCY_OBJECTS (default min(BENCH_OBJECTS, 2000)), WORKER_* tuning passes through.
// BENCH_WORKERS=N runs the scale-out bench instead (bench/worker-scale.ts: 1..N workers on PostgreSQL).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { IAMClient } from "@aws-sdk/client-iam";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { fileFormatSchema } from "#contracts/task.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { openStore } from "../server/store/open.ts";
import { loadWorkerConfig } from "../server/worker/config.ts";
import { childPids, commandName, cpuSeconds, vmMegabytes } from "./proc.ts";
import { untilUp } from "../tests/support/net.ts";
import { benchAwsSide } from "./aws-side.ts";
import { bareCopy } from "./bare-copy.ts";
import { spawnBenchWorker, spawnStandIns } from "./stand-ins.ts";

// BENCH_WORKERS=N: objects/s with 1..N workers on PostgreSQL instead (bench/worker-scale.ts exits when done).
if (process.env.BENCH_WORKERS) {
  await import("./worker-scale.ts");
  process.exit(0);
}

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
const sub = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const perThousand = (cpu: number | undefined, n: number) => (cpu === undefined ? NaN : (cpu * 1000) / n);

const dataDir = mkdtempSync(path.join(tmpdir(), "bench-worker-"));

const { sandboxPort, warehousePort, sandboxProc, launcher } = await spawnStandIns(dataDir, ORG);
const standIns = [
  { name: "sandbox", proc: sandboxProc },
  { name: "dev warehouse", proc: launcher },
];
let stopping = false;
// If the bench fails half-way, its children do not outlive it.
const spawned: ChildProcess[] = [sandboxProc, launcher];
process.on("exit", () => {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
});
for (const { name, proc } of standIns) {
  proc.once("exit", (code, signal) => {
    if (!stopping) console.error(`bench: the ${name} (pid ${proc.pid}) exited during the run (${signal ?? `code ${code}`})`);
  });
}
const warehouseStartupMs = new Promise<number>((resolve, reject) => {
  createInterface({ input: launcher.stdout! }).on("line", (line) => {
    const m = /dev warehouse ready in (\d+) ms/.exec(line);
    if (m) resolve(Number(m[1]));
  });
  launcher.once("exit", (code) => reject(new Error(`the dev warehouse launcher exited (code ${code}) before it was ready`)));
});
const sandbox = { url: `http://127.0.0.1:${sandboxPort}` };
const warehouse = { dsn: `databend://root:@127.0.0.1:${warehousePort}/default?sslmode=disable` };
await untilUp("sandbox", `${sandbox.url}/_sandbox/health`);
const startupMs = await warehouseStartupMs;
await untilUp("warehouse", `http://127.0.0.1:${warehousePort}/health`);
// The engine is the launcher's only child.
const enginePids = childPids(launcher.pid);
const enginePid = enginePids.length === 1 ? enginePids[0] : undefined;
const s3 = new S3Client({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER, forcePathStyle: true });
const sqs = new SQSClient({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
const iam = new IAMClient({ endpoint: sandbox.url, region: REGION, credentials: CUSTOMER });
const wh = new DatabendWarehouse(warehouse.dsn);
// The worker child process opens the same store (DATA_DIR, or DATABASE_URL when set).
const stores = await openStore({ dataDir, url: process.env.DATABASE_URL });
const sources = stores.dataSources;
const tasks = stores.tasks;

// AWS side, as the seed page sets it up.
const { bucket, queueUrl, sourceId } = await benchAwsSide({ s3, sqs, iam, dataSources: sources, org: ORG, region: REGION, account: ACCOUNT });
const benchFormat = fileFormatSchema.parse({ type: "csv" });
await wh.exec("CREATE TABLE bench_events (id BIGINT NOT NULL, payload VARCHAR)");
const task = await tasks.create(ORG, {
  name: "bench",
  data_source_id: sourceId,
  file_format: benchFormat,
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

const keyOf = (id: number) => `in/${id % 97}/obj-${id}.csv`;
const body = (id: number) => `id,payload\n${id},"object ${id} ${"x".repeat(40)}"\n`;
async function upload(ids: number[], concurrency = 16): Promise<Map<number, number>> {
  const created = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(id), Body: body(id) }));
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
async function waitDepth0(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await depth()) > 0 && Date.now() < deadline) await sleep(50);
}

console.log(`bench:worker  N=${N}  receive concurrency=${CONCURRENCY}  batch max=${workerCfg.batchMaxFiles}  linger=${workerCfg.batchLingerMs} ms`);
const engineVersion = String((await wh.query("SELECT version() AS v"))[0]?.v ?? "?");
console.log(
  `warehouse engine: ${engineVersion}; start-up ${startupMs} ms (launcher spawn -> ready); engine pid ${enginePid !== undefined ? `${enginePid} (${commandName(enginePid)})` : `not found (launcher children: ${enginePids.join(", ") || "none"})`}`,
);

// Phase 1: bare receive + delete.
const initial = await depth(); // the s3:TestEvent
await upload(Array.from({ length: N }, (_, i) => 10_000_000 + i));
await waitDepth(N + initial, 60_000);
const bareChild = spawn(process.execPath, [path.resolve("bench/bare-loop.ts")], {
  env: { ...process.env, BARE_ENDPOINT: sandbox.url, BARE_REGION: REGION, BARE_QUEUE_URL: queueUrl, BARE_CONCURRENCY: String(CONCURRENCY) },
  stdio: ["pipe", "pipe", "inherit"],
});
spawned.push(bareChild);
const bareLines = createInterface({ input: bareChild.stdout! });
const bareLine = (prefix: string) =>
  new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      if (!line.startsWith(prefix)) return;
      bareLines.off("line", onLine);
      resolve(line.slice(prefix.length));
    };
    bareLines.on("line", onLine);
    bareChild.once("exit", (code) => reject(new Error(`bare loop exited (code ${code}) before ${prefix.trim()}`)));
  });
await bareLine("READY");
const bareCpu0 = cpuSeconds(bareChild.pid);
bareChild.stdin!.write("go\n");
const bareResult = JSON.parse(await bareLine("DONE ")) as { messages: number; ms: number };
const bareCpu = sub(cpuSeconds(bareChild.pid), bareCpu0);
bareChild.stdin!.end();
await new Promise((r) => bareChild.once("exit", r));
const bareDone = bareResult.messages;
const bareSecs = bareResult.ms / 1000;
const bareRate = bareDone / bareSecs;
const bareCpuPer1000 = perThousand(bareCpu, bareDone);
console.log(
  `bare receive+delete (own process): ${bareDone} messages in ${fmt(bareSecs, 2)} s = ${fmt(bareRate)} msg/s; CPU ${fmt(bareCpu ?? NaN, 2)} s = ${fmt(bareCpuPer1000, 3)} s per 1,000 messages`,
);

/** The engine's own account of its finished COPY statements so far (its in-memory system.query_log). */
async function engineCopies(): Promise<{ n: number; secs: number } | undefined> {
  try {
    const rows = await wh.query(
      "SELECT COUNT(*) AS n, SUM(query_duration_ms) AS ms FROM system.query_log WHERE query_kind = 'CopyIntoTable' AND log_type > 1",
    );
    return { n: Number(rows[0]?.n ?? 0), secs: Number(rows[0]?.ms ?? 0) / 1000 };
  } catch {
    return undefined; // an engine without query_log: the batch times still say most of it
  }
}

// Phase 3: backlog loaded by the worker (child process); its objects are queued first.
const backlogIds = Array.from({ length: N }, (_, i) => i + 1);
await upload(backlogIds);
await waitDepth(N, 60_000);

// Phase 2, before the worker starts: Databend alone loading the same N files, the worker's
// statement size (bench/bare-copy.ts). The second ceiling.
const bareCopyResult = await bareCopy({
  wh,
  likeTable: "bench_events",
  table: "bench_bare_copy",
  bucket,
  keys: backlogIds.map(keyOf),
  filesPerStatement: workerCfg.batchMaxFiles,
  connection: { region: REGION, ...CUSTOMER, endpointUrl: sandbox.url },
  fileFormat: benchFormat,
});
const bareCopyRate = bareCopyResult.files / (bareCopyResult.ms / 1000);
console.log(
  `bare COPY (same files, ${workerCfg.batchMaxFiles} per statement, no queue, no store): ${bareCopyResult.files} files, ${bareCopyResult.rows} rows in ${fmt(bareCopyResult.ms / 1000, 2)} s = ${fmt(bareCopyRate)} files/s; ${bareCopyResult.statements} statements`,
);
const ceilingRate = Math.min(bareRate, bareCopyRate);
// The worker's COPY statements are counted from here on.
const engineCopiesBefore = await engineCopies();
console.log(
  `ceiling = min(bare queue ${fmt(bareRate)} msg/s, bare COPY ${fmt(bareCopyRate)} files/s) = ${fmt(ceilingRate)} objects/s (${bareRate <= bareCopyRate ? "the queue" : "Databend"} bounds it)`,
);
await tasks.setDesiredState(ORG, task.id, "running", 30_000);
const child = spawnBenchWorker({ dataDir, dsn: warehouse.dsn, org: ORG, sandboxUrl: sandbox.url, region: REGION });
// The worker's CPU time (user + system of its own process, /proc/<pid>/stat) is read when it
// reports the task running (its start-up is apart) and once the backlog's messages are deleted.
spawned.push(child);
let workerReady: { at: number; cpu: number | undefined } | undefined;
const readyWatch = (async () => {
  while (!workerReady && child.exitCode === null) {
    const t = await tasks.get(ORG, task.id);
    if (t?.status === "running") workerReady = { at: Date.now(), cpu: cpuSeconds(child.pid) };
    else await sleep(20);
  }
})();

async function count(where: string): Promise<number> {
  const rows = await wh.query(`SELECT COUNT(*) AS n FROM bench_events WHERE ${where}`);
  return Number(rows[0]?.n ?? 0);
}
const backlogStart = Date.now();
const backlogLimitMs = Math.max(600_000, N * 15);
const backlogCpu0 = { engine: cpuSeconds(enginePid), sandbox: cpuSeconds(sandboxProc.pid), bench: process.cpuUsage() };
while ((await count("id <= 10000000")) < N) {
  // 10 minutes, or 15 ms an object for a bigger N (BENCH_OBJECTS=100000: 25 minutes).
  if (Date.now() - backlogStart > backlogLimitMs) throw new Error(`backlog phase did not finish in ${Math.round(backlogLimitMs / 60_000)} minutes`);
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
await readyWatch;
// The per-object work ends when the messages are deleted (after COPY and the run record).
await waitDepth0(60_000);
const workerCpu = sub(cpuSeconds(child.pid), workerReady?.cpu);
const workerCpuPer1000 = perThousand(workerCpu, N);
const backlogWindowSecs = (Date.now() - backlogStart) / 1000;
const benchCpu = process.cpuUsage(backlogCpu0.bench);
const backlogCpu = {
  worker: cpuSeconds(child.pid),
  engine: sub(cpuSeconds(enginePid), backlogCpu0.engine),
  sandbox: sub(cpuSeconds(sandboxProc.pid), backlogCpu0.sandbox),
  bench: (benchCpu.user + benchCpu.system) / 1e6,
};
// Run history: one entry per batch; every run so far belongs to the backlog.
const allBacklogRuns = (await tasks.listRuns(ORG, task.id, 1000)) ?? [];
const backlogRuns = allBacklogRuns.filter((r) => r.objects_loaded > 0);
const inBatches = backlogRuns.reduce((n, r) => n + Date.parse(r.ended_at) - Date.parse(r.started_at), 0) / 1000;
const backlogCopies = afterBacklog.counters.copy_statements;
const runCopies = allBacklogRuns.reduce((n, r) => n + r.copy_statements, 0);
const copiesPer100 = (runCopies * 100) / N;
// The engine's own account of those COPY statements (its in-memory system.query_log).
const engineCopy = await engineCopies().then((after) =>
  after && engineCopiesBefore ? { n: after.n - engineCopiesBefore.n, secs: after.secs - engineCopiesBefore.secs } : undefined,
);
console.log(
  `worker backlog: ${N} objects in ${fmt(backlogSecs, 2)} s = ${fmt(workerRate)} objects/s; COPY statements: ${backlogCopies} (${fmt(N / Math.max(1, backlogCopies))} files per COPY); ${fmt(inBatches, 2)} s inside batches (claim + COPY + ledger)`,
);
console.log(`COPY statements per 100 files at saturation (run history, ${plural(allBacklogRuns.length, "run")}): ${fmt(copiesPer100, 2)}`);
console.log(
  `worker CPU (own process, user+sys): ${fmt(workerCpu ?? NaN, 2)} s for the backlog = ${fmt(workerCpuPer1000, 3)} s per 1,000 objects (start-up before the task ran: ${fmt(workerReady?.cpu ?? NaN, 2)} s, not counted)`,
);
console.log(
  `CPU per 1,000: worker ${fmt(workerCpuPer1000, 3)} s per 1,000 objects vs bare loop ${fmt(bareCpuPer1000, 3)} s per 1,000 messages = ${fmt(workerCpuPer1000 / bareCpuPer1000, 2)}x`,
);

// Phase 4: steady rate, latency.
const latIds = Array.from({ length: LAT_N }, (_, i) => 20_000_000 + i);
const created = new Map<number, number>();
const visible = new Map<number, number>();
let polling = true;
// Only ids from the lowest one not yet seen: a rescan of every visible row 20 times a second made
// the observer a load on the engine the worker's COPYs share.
let lowestUnseen = latIds[0]!;
const poller = (async () => {
  while (polling) {
    const rows = await wh.query(`SELECT id FROM bench_events WHERE id >= ${lowestUnseen}`);
    const now = Date.now();
    for (const r of rows) {
      const id = Number(r.id);
      if (!visible.has(id)) visible.set(id, now);
    }
    while (visible.has(lowestUnseen)) lowestUnseen++;
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
      .send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(id), Body: body(id) }))
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

// VmHWM: the worker process's peak resident set over the whole run.
const peakRss = vmMegabytes(child.pid, "VmHWM") ?? NaN;
// The engine's (the warehouse launcher's python child) over the whole run, likewise.
const enginePeakRss = vmMegabytes(enginePid, "VmHWM") ?? NaN;
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));

const dupCheck = await wh.query("SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS d FROM bench_events");
console.log(
  `steady: ${LAT_N} objects at ${RATE}/s (uploads took ${fmt(uploadSecs, 2)} s); latency object created -> rows visible: p50 ${fmt(pct(latencies, 50), 3)} s, p95 ${fmt(pct(latencies, 95), 3)} s, p99 ${fmt(pct(latencies, 99), 3)} s; COPY statements: ${steadyCopies}`,
);
console.log(`steady batches: ${steadyRuns.length}, ${fmt(avgFiles)} files per batch, ${fmt(avgBatchMs, 0)} ms per batch (claim + COPY + ledger)`);
console.log(`rows: ${dupCheck[0]!.total} total, ${dupCheck[0]!.d} distinct ids (expected ${N + LAT_N})`);
console.log(`peak RSS (VmHWM): worker ${fmt(peakRss)} MB; engine ${fmt(enginePeakRss)} MB`);
console.log(`throughput ratio worker/bare queue loop: ${fmt(workerRate / bareRate, 2)}`);
console.log(`throughput ratio worker/ceiling: ${fmt(workerRate / ceilingRate, 2)}`);
if (!(workerRate / ceilingRate >= 0.85)) {
  // Where the backlog's time went, from the worker's spawn to the last row visible.
  const startup = workerReady ? (workerReady.at - backlogStart) / 1000 : NaN;
  const firstBatch = backlogRuns.length ? (Math.min(...backlogRuns.map((r) => Date.parse(r.started_at))) - backlogStart) / 1000 : NaN;
  const gaps = Math.max(0, backlogSecs - firstBatch - inBatches);
  const copyNote = engineCopy
    ? `, of which ${fmt(engineCopy.secs, 2)} s executing COPY in the engine (${engineCopy.n === runCopies ? plural(runCopies, "statement") : `${engineCopy.n} of ${runCopies} statements`}, system.query_log)`
    : "";
  console.log(
    `where the backlog's ${fmt(backlogSecs, 2)} s went: worker start-up to task running ${fmt(startup, 2)} s; first batch began at ${fmt(firstBatch, 2)} s (start-up, first receives, up to ${workerCfg.batchLingerMs} ms linger); inside ${plural(backlogRuns.length, "batch", "batches")} ${fmt(inBatches, 2)} s (claim + COPY + ledger)${copyNote}; after the first batch began, outside batches ${fmt(gaps, 2)} s`,
  );
  const cores = availableParallelism();
  console.log(
    `CPU over the backlog window (${fmt(backlogWindowSecs, 2)} s x ${cores} cores = ${fmt(backlogWindowSecs * cores, 2)} s): worker ${fmt(backlogCpu.worker ?? NaN, 2)} s (with start-up), engine ${fmt(backlogCpu.engine ?? NaN, 2)} s, sandbox (S3+SQS) ${fmt(backlogCpu.sandbox ?? NaN, 2)} s, bench ${fmt(backlogCpu.bench, 2)} s`,
  );
}
console.log(
  // Issue 21's targets, each beside this run's figure.
  `targets: ratio worker/ceiling >= 0.85 (${fmt(workerRate / ceilingRate, 2)}), p50 <= 1.0 s (${fmt(pct(latencies, 50), 3)}), p95 <= 2.0 s (${fmt(pct(latencies, 95), 3)}) at ${RATE}/s, ` +
    `CPU per 1,000 <= 1.5 x bare (${fmt(workerCpuPer1000 / bareCpuPer1000, 2)} x), <= 1 COPY per 100 files at saturation (${fmt(copiesPer100, 2)}), worker RSS < 150 MB (${fmt(peakRss)} MB at N=${N})`,
);

await wh.close();
await stores.close();
s3.destroy();
sqs.destroy();
iam.destroy();
stopping = true;
const running = standIns.map((s) => s.proc).filter((p) => p.exitCode === null && p.signalCode === null);
const exited = running.map((p) => new Promise((r) => p.once("exit", r)));
for (const p of running) p.kill("SIGTERM");
await Promise.all(exited);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

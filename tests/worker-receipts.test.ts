// Exactly-once by a receipt committed with the rows, proved with worker processes on the engine:
// - a worker SIGKILLed after its load's COMMIT and before the store's record of it, for new objects
//   and for overwrites, then a fresh worker: every version's rows once, counters exact (the
//   receipt says what is loaded; Databend's load metadata and labels are not asked);
// - a worker frozen (SIGSTOP) inside a load's transaction past its claim lease while another
//   worker takes over, with the keys overwritten again during the freeze, then resumed
//   (SIGCONT): its load rolls back, nothing twice, nothing lost, counters exact; the same without
//   the overwrite, where the claim check stops it; and frozen after that check, right before
//   COMMIT, where the fence row's conflict makes its COMMIT fail (2009 on 1.2.453, 4001 on 1.2.895);
//   and, unfrozen, a version written while the previous version's FORCE COPY is in its transaction
//   (the ETag check after the COPY, a listing or a HEAD, rolls it back).
// - a worker SIGKILLed right after its first DeleteMessageBatch, and right before it: the task's
//   messages_deleted is every message once (counted with the batch's record, by message id).
// - a version committed by a worker SIGKILLed before recording it, then overwritten: its
//   redelivered event, in one batch with the newer version's, is loaded (counted once from its
//   receipt), not "overwritten before it was loaded".
// Bounded: 10 keys, a 3-second lease, every wait with a deadline.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ORG_ID, drained, useWorkerEnv, waitFor, workerProcessEnv, type Scenario, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const KEYS = 10;
const ROWS = 2;
/** Ids of a key's version: key*100 + version*10 + row, so each version's rows are told apart. */
const idsOf = (k: number, v: number) => Array.from({ length: ROWS }, (_, j) => k * 100 + v * 10 + j);
const csvOf = (k: number, v: number) => `id,name\n${idsOf(k, v).map((id) => `${id},"k${k} v${v}"`).join("\n")}\n`;

interface Worker {
  child: ChildProcess;
  out: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function startWorker(script: string, id: string, extra: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, [path.resolve(script)], {
    env: {
      ...workerProcessEnv(env),
      WORKER_ID: id,
      WORKER_POLL_MS: "200",
      WORKER_METRICS_PORT: "off",
      WORKER_WAIT_SECONDS: "1",
      WORKER_VISIBILITY_SECONDS: "4",
      WORKER_CLAIM_LEASE_SECONDS: "3",
      WORKER_BATCH_LINGER_MS: "300",
      WORKER_BACKOFF_BASE_SECONDS: "1",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    out: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill(signal);
      }
      await exited;
    },
  };
}

/** Starts a test worker, waits until it prints `line` (it pauses there), then SIGKILLs it. */
async function killWhenItSays(script: string, id: string, line: string, extra: Record<string, string> = {}): Promise<void> {
  const w = startWorker(script, id, extra);
  try {
    await waitFor(`${id} to print ${line}`, () => w.out().includes(line) || undefined, 60_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${w.out()}`, { cause: error });
  } finally {
    await w.stop("SIGKILL");
  }
}

async function putVersion(s: Scenario, v: number): Promise<void> {
  await Promise.all(Array.from({ length: KEYS }, (_, k) => env.put(s.bucket, `in/k${k}.csv`, csvOf(k, v))));
}

async function ids(table: string): Promise<number[]> {
  return (await env.wh.query(`SELECT id FROM \`default\`.\`${table}\` ORDER BY id`)).map((r) => Number(r.id));
}

const expectedIds = (...versions: number[]) => versions.flatMap((v) => Array.from({ length: KEYS }, (_, k) => idsOf(k, v)).flat()).sort((a, b) => a - b);

async function waitForIds(table: string, versions: number[], timeoutMs = 90_000): Promise<void> {
  const want = expectedIds(...versions);
  await waitFor(`rows of versions ${versions.join(", ")} in ${table}`, async () => {
    const have = new Set(await ids(table));
    return want.every((id) => have.has(id)) || undefined;
  }, timeoutMs, 250);
}

async function expectCounters(taskId: string, objects: number, rows: number): Promise<void> {
  const task = (await env.store.get(ORG_ID, taskId))!;
  expect({ objects: task.counters.objects_loaded, rows: task.counters.rows_loaded }).toEqual({ objects, rows });
}

async function newTask(name: string) {
  const s = await env.scenario(name, { prefix: "in/" });
  const table = name.replaceAll("-", "_");
  await env.wh.exec(`CREATE TABLE \`default\`.\`${table}\` (id INT, name VARCHAR)`);
  const task = await env.createTask(s, table, { prefix: "in/" });
  await env.start(task);
  return { s, table, task };
}

/** Runs a plain worker until these versions are in and the queue is empty, then stops it. */
async function loadWith(id: string, s: Scenario, table: string, versions: number[]): Promise<void> {
  const w = startWorker("server/worker/main.ts", id);
  try {
    await waitForIds(table, versions);
    await drained(env, s);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${w.out()}`, { cause: error });
  } finally {
    await w.stop();
  }
}

describe("worker: a receipt committed with the rows", () => {
  it("SIGKILL after COMMIT and before the store's record, for new objects and for an overwrite: each version once, counters exact", async () => {
    const { s, table, task } = await newTask("rcpt-kill");
    for (const v of [1, 2]) {
      await putVersion(s, v); // version 1: new objects; version 2: every key overwritten
      const doomed = startWorker("tests/support/worker-paused-after-commit.ts", `doomed-${v}`);
      try {
        await waitFor("the worker to pause after a COMMIT", () => doomed.out().includes("WORKER_TEST_PAUSED_AFTER_COMMIT") || undefined, 60_000);
      } catch (error) {
        await doomed.stop("SIGKILL");
        throw new Error(`${(error as Error).message}\n${doomed.out()}`, { cause: error });
      }
      const present = new Set(await ids(table));
      expect(expectedIds(v).some((id) => present.has(id)), "the killed worker's batch committed").toBe(true);
      await doomed.stop("SIGKILL");
      await loadWith(`survivor-${v}`, s, table, v === 1 ? [1] : [1, 2]);
    }
    expect(await ids(table)).toEqual(expectedIds(1, 2));
    await expectCounters(task.id, 2 * KEYS, 2 * KEYS * ROWS);
  });

  for (const at of ["after", "before"] as const) {
    it(`SIGKILL right ${at} a DeleteMessageBatch: the task's messages_deleted counts every message once`, async () => {
      const { s, table, task } = await newTask(`del-kill-${at}`);
      await putVersion(s, 1);
      await killWhenItSays("tests/support/worker-paused-at-delete.ts", `doomed-del-${at}`, "WORKER_TEST_PAUSED_AT_DELETE", { WORKER_TEST_DELETE_AT: at });
      await loadWith(`survivor-del-${at}`, s, table, [1]);
      expect(await ids(table)).toEqual(expectedIds(1));
      // One message per key, plus the s3:TestEvent sent when the notification was configured.
      expect((await env.store.get(ORG_ID, task.id))!.counters.messages_deleted).toBe(KEYS + 1);
      await expectCounters(task.id, KEYS, KEYS * ROWS);
    });
  }

  it("a version committed and then overwritten: its redelivered event is counted from the receipt, not 'overwritten before it was loaded'", async () => {
    const { s, table, task } = await newTask("rcpt-over-redeliver");
    await env.put(s.bucket, "in/k0.csv", csvOf(0, 1));
    await killWhenItSays("tests/support/worker-paused-after-commit.ts", "doomed-over", "WORKER_TEST_PAUSED_AFTER_COMMIT");
    await env.put(s.bucket, "in/k0.csv", csvOf(0, 2));
    // Both events visible together, so the next worker takes them in one batch, where a HEAD sees
    // version 1 overwritten: version 1's message comes back once its 4-second visibility is over.
    // The sandbox counts a message in flight until a receive finds that (its queue depth cannot
    // tell), so this waits the visibility out: a bounded wait, not a condition.
    await new Promise((r) => setTimeout(r, 5000));
    const survivor = startWorker("server/worker/main.ts", "survivor-over", { WORKER_BATCH_LINGER_MS: "3000" });
    try {
      await waitFor("both versions' rows", async () => ((await ids(table)).length === 2 * ROWS ? true : undefined), 60_000, 250);
      await drained(env, s);
    } finally {
      await survivor.stop();
    }
    expect(await ids(table)).toEqual([...idsOf(0, 1), ...idsOf(0, 2)]);
    const runs = (await env.store.listRuns(ORG_ID, task.id, 1000))!;
    // One batch took both events (the case this pins): version 1 from its receipt, version 2 copied.
    expect(runs.some((r) => r.objects_loaded === 2)).toBe(true);
    expect(runs.flatMap((r) => r.skipped).filter((x) => /overwritten before it was loaded/.test(x.reason))).toEqual([]);
    await expectCounters(task.id, 2, 2 * ROWS);
  });

  const stalls = [
    { name: "rcpt-stop-over", at: "copy", overwriteDuringFreeze: true, what: "after its COPY, keys overwritten again meanwhile" },
    { name: "rcpt-stop", at: "copy", overwriteDuringFreeze: false, what: "after its COPY" },
    { name: "rcpt-stop-commit", at: "commit", overwriteDuringFreeze: false, what: "right before COMMIT (versions and claims checked)" },
    // No freeze: a version written while the previous version's FORCE COPY is in its transaction.
    { name: "rcpt-race", at: "copy", overwriteDuringFreeze: true, what: "after its COPY, not frozen, keys overwritten meanwhile", freeze: false },
  ];
  for (const { name, at, overwriteDuringFreeze, what, freeze = true } of stalls) {
    it(`${freeze ? "SIGSTOP" : "a slow load"} inside an overwrite's transaction ${what}, another worker takes over, ${freeze ? "SIGCONT" : "it goes on"}: nothing committed twice, counters exact`, async () => {
      const { s, table, task } = await newTask(name);
      await putVersion(s, 1);
      await loadWith("first", s, table, [1]);
      await putVersion(s, 2);
      const stalled = startWorker("tests/support/worker-frozen-in-txn.ts", "stalled", { WORKER_TEST_HOLD_MS: freeze ? "1500" : "3000", WORKER_TEST_HOLD_AT: at });
      let takeover: Worker | undefined;
      try {
        await waitFor("the stalled worker inside its transaction", () => stalled.out().includes("WORKER_TEST_IN_TXN") || undefined, 60_000);
        if (freeze) stalled.child.kill("SIGSTOP");
        const frozenAt = Date.now();
        if (overwriteDuringFreeze) await putVersion(s, 3);
        takeover = startWorker("server/worker/main.ts", "takeover");
        const last = overwriteDuringFreeze ? 3 : 2;
        await waitForIds(table, [1, last]);
        // Frozen well past its 3-second lease and its messages' 4-second visibility.
        if (freeze) await new Promise((r) => setTimeout(r, Math.max(0, 8000 - (Date.now() - frozenAt))));
        stalled.child.kill("SIGCONT");
        await waitFor("the stalled load to end", () => stalled.out().includes("WORKER_TEST_TXN_END") || undefined, 60_000);
        await drained(env, s);
        const line = stalled.out().split("\n").find((l) => l.startsWith("WORKER_TEST_TXN_END"))!;
        const end = JSON.parse(line.slice("WORKER_TEST_TXN_END ".length)) as { outcome: string; value?: { kind?: string }; error?: string };
        console.log(`[measured] ${name}: the stalled worker's load ${end.outcome}: ${end.value?.kind ?? end.error}`);
        expect(end.outcome).not.toBe("committed");
        // Version 2 never lands when version 3 replaced it during the freeze (its own event loads 3).
        expect(await ids(table)).toEqual(expectedIds(1, last));
        await expectCounters(task.id, 2 * KEYS, 2 * KEYS * ROWS);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- stalled\n${stalled.out().slice(-4000)}\n--- takeover\n${takeover?.out().slice(-4000) ?? ""}`, { cause: error });
      } finally {
        await stalled.stop();
        await takeover?.stop();
      }
    });
  }
});

// The worker on Databend's real load rules, judged by Databend's own engine: COPY skips a path it
// loaded before whatever the content (so overwrites need FORCE and a deduplicate label), one
// missing file fails a whole statement (3001), ON_ERROR = ABORT names the bad file, and keys
// Databend cannot address are never loaded.
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { DatabendWarehouse, type TransactionEnd, type WarehouseSession } from "../server/databend/client.ts";
import {
  ORG_ID,
  drained,
  eventForObject,
  expectExactRows,
  objectCreatedEvent,
  runningTask,
  tableIds,
  taskRuns,
  useWorkerEnv,
  waitFor,
  type WorkerEnv,
} from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const rowsCsv = (ids: number[], tag: string) => `id,name\n${ids.map((id) => `${id},${tag}`).join("\n")}\n`;
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const ids = (table: string) => tableIds(env, table);

const runsOf = (taskId: string) => taskRuns(env, taskId);

describe("worker: overwritten objects", () => {
  it("loads a new version of a key (old rows stay); the same event again adds nothing", async () => {
    const { s, task } = await runningTask(env, "overwrite", "rules_overwrite");
    env.supervisor();
    await env.put(s.bucket, "same.csv", rowsCsv([1, 2], "v1"));
    await waitFor("version 1", async () => ((await ids("rules_overwrite")).length === 2 ? true : undefined));
    await env.put(s.bucket, "same.csv", rowsCsv([3, 4, 5], "v2"));
    await waitFor("version 2", async () => ((await ids("rules_overwrite")).length === 5 ? true : undefined));
    await drained(env, s);
    // S3 delivers at least once: version 2's event again changes nothing.
    await env.send(s, await eventForObject(env, s.bucket, "same.csv"));
    await drained(env, s);
    expect(await ids("rules_overwrite")).toEqual([1, 2, 3, 4, 5]);
    const record = (await env.store.get(ORG_ID, task.id))!;
    expect(record.counters.objects_loaded).toBe(2);
    expect(record.counters.rows_loaded).toBe(5);
  });

  it("settles each message by the load of its own version, even when events race a slow load", async () => {
    const { s } = await runningTask(env, "race", "rules_race");
    // The real warehouse, with the first load's transaction held after it committed (a slow batch).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let copies = 0;
    let firstCommitted!: () => void;
    const committed = new Promise<void>((r) => (firstCommitted = r));
    class SlowFirstCopy extends DatabendWarehouse {
      override async transaction<T>(body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, secrets: readonly string[]): Promise<T> {
        const result = await super.transaction(body, secrets);
        if (copies++ === 0) {
          firstCommitted();
          await held;
        }
        return result;
      }
    }
    const slow = new SlowFirstCopy(env.dsn);
    try {
      env.supervisor({}, { warehouse: slow });
      await env.put(s.bucket, "r.csv", rowsCsv([1, 2], "v1"));
      const v1Event = await eventForObject(env, s.bucket, "r.csv");
      await committed;
      // While version 1's batch is still open: its event again, then version 2 lands.
      await env.send(s, v1Event);
      await env.put(s.bucket, "r.csv", rowsCsv([3], "v2"));
      await new Promise((r) => setTimeout(r, 1500)); // let the racing batch run against the open one
      release();
      await waitFor("both versions", async () => ((await ids("rules_race")).length >= 3 ? true : undefined), 30_000, 200);
      await drained(env, s);
      expect(await ids("rules_race")).toEqual([1, 2, 3]);
    } finally {
      release();
      await env.stopSupervisors();
      await slow.close();
    }
  });

  it("never takes an event without an ETag for a duplicate of a loaded version", async () => {
    const { s } = await runningTask(env, "noetag", "rules_noetag");
    env.supervisor();
    await env.put(s.bucket, "n.csv", rowsCsv([1], "v1"));
    await waitFor("version 1", async () => ((await ids("rules_noetag")).length === 1 ? true : undefined));
    await drained(env, s);
    // Version 2 lands while no worker runs; its own notification is purged and an event that
    // carries no ETag announces it instead.
    await env.stopSupervisors();
    await env.put(s.bucket, "n.csv", rowsCsv([2], "v2"));
    await waitFor("version 2's notification", async () => ((await env.queueDepth(s)).visible === 1 ? true : undefined));
    await env.sqs.send(new PurgeQueueCommand({ QueueUrl: s.sdkQueueUrl }));
    await env.send(s, objectCreatedEvent({ bucket: s.bucket, key: "n.csv", size: 12, eTag: "" }));
    env.supervisor();
    await waitFor("version 2", async () => ((await ids("rules_noetag")).length === 2 ? true : undefined));
    await drained(env, s);
    expect(await ids("rules_noetag")).toEqual([1, 2]);
  });
});

describe("worker: one statement fails for one file", () => {
  it("a vanished object in a batch of 100: the other 99 load in one more statement", async () => {
    const { s, task } = await runningTask(env, "vanish", "rules_vanish");
    for (const i of range(1, 100)) await env.put(s.bucket, `v/${i}.csv`, rowsCsv([i], "x"));
    await env.s3.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: "v/37.csv" }));
    // All 100 events and the s3:TestEvent are queued before the worker starts: one batch.
    env.supervisor({ batchLingerMs: 3_000, batchMaxFiles: 200 });
    await waitFor("99 rows", async () => ((await ids("rules_vanish")).length === 99 ? true : undefined), 60_000, 250);
    await drained(env, s);
    await expectExactRows(env, "rules_vanish", 99);
    const runs = await runsOf(task.id);
    const withObjects = runs.filter((r) => r.objects_loaded > 0 || r.skipped.some((x) => x.key === "v/37.csv"));
    expect(withObjects).toHaveLength(1);
    expect(withObjects[0]!.copy_statements).toBe(2);
    expect(withObjects[0]!.skipped.find((x) => x.key === "v/37.csv")?.reason).toMatch(/no longer exists/);
  });

  it("a malformed file in a batch of 100 is isolated by name in at most 2 statements", async () => {
    const { s, task } = await runningTask(env, "badfile", "rules_badfile");
    for (const i of range(1, 100)) {
      await env.put(s.bucket, `b/${i}.csv`, i === 58 ? "id,name\nnot-a-number,x\n" : rowsCsv([i], "x"));
    }
    env.supervisor({ batchLingerMs: 3_000, batchMaxFiles: 200 });
    await waitFor("99 rows", async () => ((await ids("rules_badfile")).length === 99 ? true : undefined), 60_000, 250);
    const run = await waitFor("the batch's run", async () => (await runsOf(task.id)).find((r) => r.objects_loaded === 99));
    expect(run.copy_statements).toBeLessThanOrEqual(2);
    const error = run.errors.find((e) => e.key === "b/58.csv");
    expect(error?.error).toMatch(/not-a-number/);
    // The run's error is the sentence; what the driver said is its detail, for a details view.
    expect(error?.error).not.toMatch(/APIError|QueryFailed|\[v0\.|Backtrace/);
    expect(error?.detail).toMatch(/QueryFailed: \[1046\]/);
    expect((await env.store.get(ORG_ID, task.id))!.status).toBe("running");
  });
});

describe("worker: targets Databend will not write", () => {
  it("fails the task with the reason when the target cannot take rows (a view)", async () => {
    const s = await env.scenario("noappend");
    await env.wh.exec("CREATE VIEW rules_view AS SELECT 1 AS id, 'x' AS name");
    const task = await env.createTask(s, "rules_view");
    await env.start(task);
    env.supervisor();
    await env.put(s.bucket, "x.csv", rowsCsv([1], "x"));
    const failed = await waitFor("the task to fail", async () => {
      const t = (await env.store.get(ORG_ID, task.id))!;
      return t.status === "failed" ? t : undefined;
    });
    expect(failed.status_reason).toMatch(/rules_view is a view, and COPY INTO loads only into tables/);
    expect(failed.status_reason).not.toMatch(/APIError|QueryFailed/);
    // Refused before a message was taken: the object's event stays for when the target is fixed.
    await waitFor("the object's event", async () => {
      const depth = await env.queueDepth(s);
      return depth.visible + depth.inFlight >= 1 || undefined;
    });
  });
});

describe("worker: keys Databend cannot address", () => {
  it("skips them with a reason and loads nothing outside the task's scope", async () => {
    const { s, task } = await runningTask(env, "badkeys", "rules_badkeys", { prefix: "incoming/" });
    await env.put(s.bucket, "private/secret.csv", rowsCsv([666], "secret"));
    const bad = ["incoming/../private/secret.csv", "incoming/a//b.csv", "incoming/./c.csv", "incoming/ lead.csv", "incoming/trail.csv "];
    for (const key of bad) await env.send(s, objectCreatedEvent({ bucket: s.bucket, key, size: 20, eTag: "0123456789abcdef0123456789abcdef" }));
    env.supervisor();
    await env.put(s.bucket, "incoming/ok.csv", rowsCsv([1], "ok"));
    await waitFor("the good row", async () => ((await ids("rules_badkeys")).length === 1 ? true : undefined));
    await drained(env, s);
    expect(await ids("rules_badkeys")).toEqual([1]);
    const skipped = (await runsOf(task.id)).flatMap((r) => r.skipped);
    for (const key of bad) expect(skipped.find((x) => x.key === key)?.reason, key).toBeTruthy();
  });
});

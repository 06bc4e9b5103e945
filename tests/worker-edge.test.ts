// The worker against awkward input: odd keys, records outside the task's scope, folder markers,
// test events, malformed bodies, ObjectRemoved events, PURGE, ON_ERROR, a missing target table,
// stop and start.
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { DeleteObjectCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { TaskRun } from "#contracts/task.ts";
import { ACCOUNT, ORG_ID, REGION, tableIds, taskRuns, runningTask, useWorkerEnv, waitFor, type WorkerEnv, drained } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));


const runs = (taskId: string) => taskRuns(env, taskId);

const ids = (table: string) => tableIds(env, table);

async function keys(bucket: string): Promise<string[]> {
  const out = await env.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((c) => c.Key!).sort();
}

describe("worker: keys and scope", () => {
  it("loads keys with spaces, '+', non-ASCII and deep paths; skips what is outside the task's scope", async () => {
    const s = await env.scenario("keys", { prefix: "data/" });
    await env.wh.exec("CREATE TABLE edge_keys (id INT, name VARCHAR)");
    const task = await env.createTask(s, "edge_keys", { prefix: "data/in/", suffix: ".csv" });
    await env.start(task);
    env.supervisor();
    const good = [
      "data/in/with space.csv",
      "data/in/a+b.csv",
      "data/in/ünï 日本/🚀 rocket.csv",
      "data/in/d1/d2/d3/d4/d5/d6/deep.csv",
      "data/in/100%25 literal%.csv",
      "data/in/quote's \"and\" back\\slash.csv",
    ];
    for (const [i, key] of good.entries()) await env.put(s.bucket, key, `id,name\n${i + 1},"${key.replaceAll('"', '""')}"\n`);
    await env.put(s.bucket, "data/out/x.csv", "id,name\n99,x\n");
    await env.put(s.bucket, "data/in/readme.txt", "not data");
    await env.put(s.bucket, "data/in/folder/", "");
    await env.put(s.bucket, "other/x.csv", "id,name\n98,x\n"); // outside the notification filter: no event
    await waitFor("rows", async () => ((await ids("edge_keys")).length >= good.length ? true : undefined));
    await drained(env, s);
    expect(await ids("edge_keys")).toEqual([1, 2, 3, 4, 5, 6]);
    const names = await env.wh.query("SELECT name FROM edge_keys ORDER BY id");
    expect(names.map((r) => r.name)).toEqual(good);
    const skipped = (await runs(task.id)).flatMap((r) => r.skipped);
    const reasonFor = (key: string) => skipped.find((x) => x.key === key)?.reason;
    expect(reasonFor("data/out/x.csv")).toMatch(/prefix "data\/in\/"/);
    expect(reasonFor("data/in/readme.txt")).toMatch(/suffix ".csv"/);
    expect(reasonFor("data/in/folder/")).toMatch(/folder marker/);
    expect(skipped.some((x) => /TestEvent/.test(x.reason))).toBe(true);
    const record = (await env.store.get(ORG_ID, task.id))!;
    expect(record.counters.messages_skipped).toBe(4); // three out of scope + the test event
    expect(record.counters.objects_loaded).toBe(6);
  });
});

describe("worker: messages that are not loadable", () => {
  it("records a malformed message once, leaves it to the redrive policy, and keeps loading", async () => {
    const s = await env.scenario("malformed");
    const dlq = await env.sqs.send(new CreateQueueCommand({ QueueName: "wt-malformed-dlq" }));
    await env.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: s.sdkQueueUrl,
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:wt-malformed-dlq`, maxReceiveCount: 3 }),
        },
      }),
    );
    await env.wh.exec("CREATE TABLE edge_malformed (id INT, name VARCHAR)");
    const task = await env.createTask(s, "edge_malformed");
    await env.start(task);
    const bad = [
      await env.send(s, "this is { not json"),
      await env.send(s, JSON.stringify({ hello: "world" })),
      await env.send(s, JSON.stringify({ source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification" })),
      await env.send(s, JSON.stringify({ Records: [{ eventSource: "aws:sqs", eventName: "x" }] })),
    ];
    env.supervisor();
    await env.put(s.bucket, "good.csv", "id,name\n1,good\n");
    await waitFor("good row", async () => ((await ids("edge_malformed")).length === 1 ? true : undefined));
    await waitFor(
      "malformed messages in the dead-letter queue",
      async () => {
        const out = await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["ApproximateNumberOfMessages"] }));
        return Number(out.Attributes?.ApproximateNumberOfMessages) === bad.length ? true : undefined;
      },
      45_000,
      250,
    );
    await drained(env, s);
    const errors = (await runs(task.id)).flatMap((r) => r.errors);
    for (const id of bad) {
      const mine = errors.filter((e) => e.message_id === id);
      expect(mine, id).toHaveLength(1);
      expect(mine[0]!.error).toMatch(/Not an S3 event notification/);
    }
    expect(errors.find((e) => e.message_id === bad[0])!.error).toMatch(/not JSON: this is \{ not json/);
    expect(errors.find((e) => e.message_id === bad[2])!.error).toMatch(/aws\.ec2/);
    const record = (await env.store.get(ORG_ID, task.id))!;
    expect(record.status).toBe("running");
    expect(record.counters.errors).toBe(bad.length);
  });

  it("skips and deletes ObjectRemoved events on the same queue, with a note", async () => {
    const s = await env.scenario("removed");
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${s.queueName}`;
    await env.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: s.bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: "all", QueueArn: queueArn, Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"] }],
        },
      }),
    );
    await env.wh.exec("CREATE TABLE edge_removed (id INT, name VARCHAR)");
    const task = await env.createTask(s, "edge_removed");
    await env.start(task);
    env.supervisor();
    await env.put(s.bucket, "gone.csv", "id,name\n1,x\n");
    await waitFor("row", async () => ((await ids("edge_removed")).length === 1 ? true : undefined));
    await env.s3.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: "gone.csv" }));
    await waitFor("removed note", async () =>
      (await runs(task.id)).some((r) => r.skipped.some((x) => x.key === "gone.csv" && /ObjectRemoved/.test(x.reason))) || undefined,
    );
    await drained(env, s);
    expect(await ids("edge_removed")).toEqual([1]);
  });

  it("a batch whose messages were all deferred is recorded as deferred, with the reason; the object loads once the key is free", async () => {
    const s = await env.scenario("deferred");
    await env.wh.exec("CREATE TABLE edge_deferred (id INT, name VARCHAR)");
    const task = await env.createTask(s, "edge_deferred");
    await env.start(task);
    env.supervisor({ visibilitySeconds: 3 });
    // The s3:TestEvent first, in a batch of its own.
    await waitFor("the test event's run", async () => (await runs(task.id)).some((r) => r.skipped.some((x) => /TestEvent/.test(x.reason))) || undefined);
    // Another worker holds the key's claim (whatever the ETag) for a minute.
    const held = { bucket: s.bucket, key: "held.csv", etag: "another-version", sequencer: "" };
    expect((await env.store.claim(task.id, "another-worker", [held], 60_000)).claimed).toHaveLength(1);
    await env.put(s.bucket, "held.csv", "id,name\n1,x\n");
    const run = await waitFor("a deferred run", async () => (await runs(task.id)).find((r) => r.status === "deferred"));
    expect(run).toMatchObject({ messages: 1, messages_deleted: 0, objects_loaded: 0, errors: [] });
    expect(run.deferred).toEqual([{ message_id: expect.any(String), key: "held.csv", reason: expect.stringMatching(/^another worker holds the key's claim; looked at again in [1-3] s$/) }]);
    await env.store.releaseClaims(task.id, "another-worker", [held]);
    await waitFor("the row", async () => ((await ids("edge_deferred")).length === 1 ? true : undefined));
    await drained(env, s);
    expect(await ids("edge_deferred")).toEqual([1]);
  });
});

describe("worker: loading options", () => {
  it("PURGE removes the loaded source objects and only those", async () => {
    const s = await env.scenario("purge", { prefix: "p/", allowDelete: true });
    await env.wh.exec("CREATE TABLE edge_purge (id INT NOT NULL, name VARCHAR)");
    const task = await env.createTask(s, "edge_purge", { prefix: "p/in/", suffix: ".csv", purge: true });
    await env.start(task);
    env.supervisor();
    for (let i = 1; i <= 5; i++) await env.put(s.bucket, `p/in/${i}.csv`, `id,name\n${i},ok\n`);
    await env.put(s.bucket, "p/in/bad.csv", "id,name\nnot-a-number,x\n");
    await env.put(s.bucket, "p/keep/x.csv", "id,name\n7,x\n");
    await env.put(s.bucket, "p/in/notes.txt", "x");
    await waitFor("rows", async () => ((await ids("edge_purge")).length >= 5 ? true : undefined));
    await waitFor("purge", async () => ((await keys(s.bucket)).length === 3 ? true : undefined));
    expect(await keys(s.bucket)).toEqual(["p/in/bad.csv", "p/in/notes.txt", "p/keep/x.csv"]);
    expect(await ids("edge_purge")).toEqual([1, 2, 3, 4, 5]);
  });

  it("ON_ERROR abort loads the good files and keeps the bad file's message; continue loads the good rows and deletes it", async () => {
    const bad = "id,name\n1001,a\nnot-a-number,b\n1003,c\n";
    const results: Record<string, { rows: number[]; errors: TaskRun["errors"]; depth: number }> = {};
    const setups = [];
    for (const mode of ["abort", "continue"] as const) {
      const s = await env.scenario(`onerror-${mode}`);
      await env.wh.exec(`CREATE TABLE edge_${mode} (id INT NOT NULL, name VARCHAR)`);
      const task = await env.createTask(s, `edge_${mode}`, { on_error: mode });
      await env.start(task);
      setups.push({ mode, s, task });
    }
    env.supervisor({ backoffBaseSeconds: 30, backoffMaxSeconds: 30 });
    for (const { s } of setups) {
      for (let i = 1; i <= 3; i++) await env.put(s.bucket, `good${i}.csv`, `id,name\n${i},ok\n`);
      await env.put(s.bucket, "bad.csv", bad);
    }
    for (const { mode, s, task } of setups) {
      await waitFor(`${mode}: batch with an error`, async () =>
        (await runs(task.id)).some((r) => r.errors.some((e) => e.key === "bad.csv")) || undefined,
      );
      await waitFor(`${mode}: good rows`, async () => ((await ids(`edge_${mode}`)).length >= 3 ? true : undefined));
      const depth = await env.queueDepth(s);
      results[mode] = {
        rows: await ids(`edge_${mode}`),
        errors: (await runs(task.id)).flatMap((r) => r.errors),
        depth: depth.visible + depth.inFlight,
      };
    }
    expect(results.abort!.rows).toEqual([1, 2, 3]);
    expect(results.abort!.depth).toBe(1); // the bad file's message waits for a retry (or the redrive policy)
    expect(results.abort!.errors.find((e) => e.key === "bad.csv")!.error).toMatch(/bad\.csv/);
    expect(results.continue!.rows).toEqual([1, 2, 3, 1001, 1003]);
    expect(results.continue!.errors.find((e) => e.key === "bad.csv")!.error).toMatch(/1 bad row/);
    await drained(env, setups[1]!.s);
  });
});

describe("worker: task state", () => {
  it("stop honours its grace: a long poll still open is cut off instead of waited out", async () => {
    const { task } = await runningTask(env, "grace", "edge_grace");
    // 20-second long polls (the production default) and a 1-second grace.
    const sup = env.supervisor({ waitSeconds: 20, stopGraceMs: 1_000 });
    await waitFor("receiving", () => sup.runner(task.id)?.receiving || undefined);
    await new Promise((r) => setTimeout(r, 300)); // let the polls go out
    const started = Date.now();
    await env.stopSupervisors();
    // Without cutting the polls off, stopping would wait for them (up to 20 s).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await env.store.get(ORG_ID, task.id))!.status).toBe("stopped");
  });

  it("fails the task with a reason when the target table is missing, keeps the messages, and recovers after a restart", async () => {
    const s = await env.scenario("notable");
    const task = await env.createTask(s, "edge_later");
    await env.start(task);
    env.supervisor();
    await env.put(s.bucket, "x.csv", "id,name\n1,x\n");
    const failed = await waitFor("failed", async () => {
      const t = await env.store.get(ORG_ID, task.id);
      return t?.status === "failed" ? t : undefined;
    });
    expect(failed.status_reason).toMatch(/edge_later/);
    expect(failed.status_reason).toMatch(/has no table edge_later/i);
    expect(failed.desired_state).toBe("stopped");
    // The worker refused before taking a message: the object's event (and S3's TestEvent) wait.
    await waitFor("the object's event", async () => {
      const depth = await env.queueDepth(s);
      return depth.visible + depth.inFlight >= 1 || undefined;
    });
    await env.wh.exec("CREATE TABLE edge_later (id INT, name VARCHAR)");
    await env.start(task);
    await waitFor("row after restart", async () => ((await ids("edge_later")).length === 1 ? true : undefined), 30_000);
    await drained(env, s);
    expect((await env.store.get(ORG_ID, task.id))!.status).toBe("running");
  });

  it("stop stops loading and saves state; start resumes with nothing lost", async () => {
    const s = await env.scenario("stopstart");
    await env.wh.exec("CREATE TABLE edge_stop (id INT, name VARCHAR)");
    const task = await env.createTask(s, "edge_stop");
    await env.start(task);
    env.supervisor();
    await env.put(s.bucket, "1.csv", "id,name\n1,x\n");
    await waitFor("first row", async () => ((await ids("edge_stop")).length === 1 ? true : undefined));
    await env.store.setDesiredState(ORG_ID, task.id, "stopped", 30_000);
    await waitFor("stopped", async () => ((await env.store.get(ORG_ID, task.id))?.status === "stopped" ? true : undefined));
    await env.put(s.bucket, "2.csv", "id,name\n2,x\n");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await ids("edge_stop")).toEqual([1]);
    expect((await env.queueDepth(s)).visible).toBe(1);
    await env.start(task);
    await waitFor("second row", async () => ((await ids("edge_stop")).length === 2 ? true : undefined));
    await drained(env, s);
  });
});

// Faults the worker must ride out without losing or duplicating anything: Databend down for a
// while on a queue with a redrive policy (skipped, and said so, when DATABEND_DSN names a Databend
// this suite cannot stop), and role credentials that expire mid-run (the sandbox accepts 2-second sessions here).
import { describe, expect, it } from "vitest";
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { ACCOUNT, ORG_ID, REGION, externalDatabend, useWorkerEnv, waitFor, type WorkerEnv, drained, expectExactRows } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e), { minSessionSeconds: 2 });



describe("worker: faults", () => {
  it.skipIf(externalDatabend)(
    "holds messages while Databend is down (no receive, nothing dead-lettered) and loads them all after it answers",
    async () => {
      const s = await env.scenario("whdown");
      // A redrive policy as customers set one: each receive of a message counts toward it.
      const dlq = await env.sqs.send(new CreateQueueCommand({ QueueName: "wt-whdown-dlq" }));
      await env.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: s.sdkQueueUrl,
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:wt-whdown-dlq`, maxReceiveCount: 2 }) },
        }),
      );
      const dlqDepth = async () => {
        const out = await env.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
        );
        return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      };
      await env.wh.exec("CREATE TABLE fault_whdown (id INT, name VARCHAR)");
      const task = await env.createTask(s, "fault_whdown");
      await env.start(task);
      env.supervisor({ visibilitySeconds: 3, probeMaxMs: 500 });
      await env.put(s.bucket, "before.csv", "id,name\n1,x\n");
      await waitFor("first row", async () => ((await env.count("fault_whdown")) === 1 ? true : undefined), 60_000);
      // Its message (and S3's test event) deleted before the outage begins: the count below is then
      // the outage's own ten, however slowly a loaded machine flushes the deletes.
      await drained(env, s);

      await env.stopWarehouse();
      for (let i = 2; i <= 11; i++) await env.put(s.bucket, `down-${i}.csv`, `id,name\n${i},x\n`);
      const down = await waitFor("the task to report Databend down", async () => {
        const t = (await env.store.get(ORG_ID, task.id))!;
        return t.last_error && /Databend is not answering/.test(t.last_error) ? t : undefined;
      }, 60_000);
      expect(down.status).toBe("running");
      // The console shows the sentence; the driver's own text is only the detail behind it.
      expect(down.last_error).not.toMatch(/APIError|reqwest|request_kind|\[v0\./);
      expect(down.last_error_detail).toBeTruthy();
      // An outage of several visibility timeouts (3 s) and backoff rounds: a worker that released
      // and received the messages again would have moved them to the dead-letter queue by now
      // (maxReceiveCount 2). This is a bounded observation window, not a wait for a condition.
      await new Promise((r) => setTimeout(r, 10_000));
      expect(await dlqDepth()).toBe(0);
      const depth = await env.queueDepth(s);
      expect(depth.visible + depth.inFlight).toBe(10);

      await env.startWarehouseAgain();
      await waitFor("all rows after recovery", async () => ((await env.count("fault_whdown").catch(() => 0)) >= 11 ? true : undefined), 60_000, 250);
      await drained(env, s);
      await expectExactRows(env, "fault_whdown", 11);
      expect(await dlqDepth()).toBe(0);
      const after = (await env.store.get(ORG_ID, task.id))!;
      expect(after.counters.objects_loaded).toBe(11);
      expect(after.counters.rows_loaded).toBe(11);
      // Databend answers again: the outage's sentence is no longer the task's last error (run history keeps what happened).
      expect(after.last_error ?? "").not.toMatch(/Databend is not answering/);
      expect(after.last_error_detail).toBeNull();
    },
    180_000,
  );

  it("refreshes role credentials that expire mid-run", async () => {
    const s = await env.scenario("creds");
    await env.wh.exec("CREATE TABLE fault_creds (id INT, name VARCHAR)");
    const task = await env.createTask(s, "fault_creds");
    await env.start(task);
    const sup = env.supervisor({ roleSessionSeconds: 2 });
    const n = 12;
    for (let i = 1; i <= n; i++) {
      await env.put(s.bucket, `c-${i}.csv`, `id,name\n${i},x\n`);
      await new Promise((r) => setTimeout(r, 500)); // spread over three session lifetimes
    }
    await waitFor("all rows", async () => ((await env.count("fault_creds")) >= n ? true : undefined), 60_000, 250);
    await drained(env, s);
    await expectExactRows(env, "fault_creds", n);
    const runner = await waitFor("runner", () => sup.runner(task.id));
    expect(runner.credentialRefreshes).toBeGreaterThanOrEqual(3);
    const runs = (await env.store.listRuns(ORG_ID, task.id, 100))!;
    expect(runs.flatMap((r) => r.errors)).toEqual([]);
  });
});

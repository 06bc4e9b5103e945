// Faults the worker must ride out without losing or duplicating anything: the warehouse down for a
// while, and role credentials that expire mid-run (the sandbox accepts 2-second sessions here).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ORG_ID, startWorkerEnv, waitFor, type WorkerEnv, drained, expectExactRows } from "./worker-env.ts";

let env: WorkerEnv;
beforeAll(async () => {
  env = await startWorkerEnv({ minSessionSeconds: 2 });
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  await env?.stopSupervisors();
});



describe("worker: faults", () => {
  it("keeps messages while the warehouse is down and loads them all after it recovers", async () => {
    const s = await env.scenario("whdown");
    await env.wh.exec("CREATE TABLE fault_whdown (id INT, name VARCHAR)");
    const task = await env.createTask(s, "fault_whdown");
    await env.start(task);
    env.supervisor();
    await env.put(s.bucket, "before.csv", "id,name\n1,x\n");
    await waitFor("first row", async () => ((await env.count("fault_whdown")) === 1 ? true : undefined));

    await env.stopWarehouse();
    for (let i = 2; i <= 11; i++) await env.put(s.bucket, `down-${i}.csv`, `id,name\n${i},x\n`);
    // The worker tries, fails, records it, and leaves the messages in the queue.
    const failedRun = await waitFor("a failed run", async () => {
      const runs = (await env.store.listRuns(ORG_ID, task.id, 100))!;
      return runs.find((r) => r.status === "failed" && r.errors.length > 0);
    });
    expect(failedRun.errors[0]!.error).toMatch(/ECONNREFUSED|connect|error sending request|unavailable/i);
    const depth = await env.queueDepth(s);
    expect(depth.visible + depth.inFlight).toBe(10);
    expect((await env.store.get(ORG_ID, task.id))!.status).toBe("running");
    await new Promise((r) => setTimeout(r, 2000));

    await env.startWarehouseAgain();
    await waitFor("all rows after recovery", async () => ((await env.count("fault_whdown").catch(() => 0)) >= 11 ? true : undefined), 60_000, 250);
    await drained(env, s);
    await expectExactRows(env, "fault_whdown", 11);
  });

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

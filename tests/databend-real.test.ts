// The worker against a real Databend: runs only when DATABEND_DSN points at one. The sandbox still
// stands in for AWS, so that Databend must reach the sandbox's S3 endpoint on this machine
// (127.0.0.1): run Databend here (its binary) rather than in a remote cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

const dsn = process.env.DATABEND_DSN;
const title = dsn
  ? "worker against the real Databend at DATABEND_DSN"
  : "worker against a real Databend — skipped: set DATABEND_DSN (e.g. databend://root:@127.0.0.1:8000/default?sslmode=disable) to run";

describe.skipIf(!dsn)(title, () => {
  let env: WorkerEnv;
  const table = `sqs_ingest_real_${Date.now()}`;

  beforeAll(async () => {
    env = await startWorkerEnv({ databendDsn: dsn! });
    await env.wh.exec(`CREATE TABLE \`default\`.\`${table}\` (id INT, name VARCHAR)`);
  });
  afterAll(async () => {
    await env?.wh.exec(`DROP TABLE IF EXISTS \`default\`.\`${table}\``).catch(() => {});
    await env?.close();
  });

  it("loads each object once, even when its event arrives twice, and drains the queue", async () => {
    const s = await env.scenario("real", { prefix: "in/", suffix: ".csv" });
    const task = await env.createTask(s, table);
    await env.start(task);
    env.supervisor();
    const files = 20;
    for (let n = 0; n < files; n++) {
      await env.put(s.bucket, `in/file ${n}+x.csv`, `id,name\n${n},"name ${n}"\n`);
    }
    // The same object announced again: Databend's load metadata must skip it.
    await env.put(s.bucket, "in/file 0+x.csv", `id,name\n0,"name 0"\n`);
    await waitFor("rows in Databend", async () => (await env.count(table)) >= files, 60_000);
    await waitFor("queue drained", async () => {
      const depth = await env.queueDepth(s);
      return depth.visible + depth.inFlight === 0;
    }, 60_000);
    await env.stopSupervisors();
    expect(await env.count(table)).toBe(files);
  });
});

// The worker's Prometheus metrics after a known load through the real path (sandbox S3 -> SQS
// notifications -> supervisor -> COPY on the dev warehouse): GET /metrics on the worker's own
// metrics server (127.0.0.1, any free port) says what run history says.
import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../server/worker/config.ts";
import { ORG_ID, drained, eventForObject, expectExactRows, runningTask, taskRuns, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of a metric's samples for one task (0 when it has none). */
function value(samples: Sample[], name: string, task: string): number {
  return samples.filter((s) => s.name === name && s.labels.task === task).reduce((n, s) => n + s.value, 0);
}

describe("worker metrics", () => {
  it("reads WORKER_METRICS_PORT and WORKER_METRICS_HOST", () => {
    const port = (v: string | undefined) => loadWorkerConfig(v === undefined ? {} : { WORKER_METRICS_PORT: v }).metricsPort;
    expect([port(undefined), port(""), port("0"), port("9100"), port("off"), port("OFF")]).toEqual([9464, 9464, 0, 9100, null, null]);
    for (const bad of ["70000", "1.5", "x", "-1"]) expect(() => port(bad), bad).toThrow(/WORKER_METRICS_PORT/);
    expect(loadWorkerConfig({}).metricsHost).toBe("127.0.0.1");
    expect(loadWorkerConfig({ WORKER_METRICS_HOST: "0.0.0.0" }).metricsHost).toBe("0.0.0.0");
  });

  it("serves counters on /metrics that equal run history after a load", { timeout: 120_000 }, async () => {
    const { s, task } = await runningTask(env, "metrics", "metrics_rows");
    const sup = env.supervisor({ metricsPort: 0 });
    const address = await sup.metricsAddress();
    expect(address?.host).toBe("127.0.0.1");
    const base = `http://127.0.0.1:${address!.port}`;
    const scrape = async () => {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(200);
      return parseMetrics(await res.text());
    };

    const files = 4;
    for (let i = 0; i < files; i++) await env.put(s.bucket, `m/obj-${i}.csv`, `id,name\n${i * 10},"a"\n${i * 10 + 1},"b"\n`);
    await waitFor("rows", async () => (await env.count("metrics_rows")) >= files * 2 || undefined, 60_000, 200);
    // The same object's event again: a duplicate the ledger skips, its message deleted.
    await env.send(s, await eventForObject(env, s.bucket, "m/obj-0.csv"));
    await drained(env, s);

    const runs = await waitFor(
      "run history and metrics to agree",
      async () => {
        const runs = await taskRuns(env, task.id);
        const metrics = await scrape();
        const sum = (k: "messages_deleted" | "objects_duplicate") => runs.reduce((n, r) => n + r[k], 0);
        return sum("objects_duplicate") === 1 && value(metrics, "worker_messages_deleted_total", task.id) === sum("messages_deleted") ? runs : undefined;
      },
      30_000,
      200,
    );
    await expectExactRows(env, "metrics_rows", files * 2);
    const sum = (k: "objects_loaded" | "rows_loaded" | "messages_deleted" | "objects_duplicate" | "copy_statements") =>
      runs.reduce((n, r) => n + r[k], 0);
    const metrics = await scrape();
    const m = (name: string) => value(metrics, name, task.id);

    expect(sum("objects_loaded")).toBe(files);
    expect(m("worker_objects_loaded_total")).toBe(sum("objects_loaded"));
    expect(m("worker_rows_loaded_total")).toBe(sum("rows_loaded"));
    expect(m("worker_rows_loaded_total")).toBe(files * 2);
    // Every object, the s3:TestEvent sent when the notification was configured, and the duplicate.
    expect(sum("messages_deleted")).toBe(files + 2);
    expect(m("worker_messages_deleted_total")).toBe(sum("messages_deleted"));
    // Run records carry received counts into the task's counters (not into the run list).
    const counters = (await env.store.get(ORG_ID, task.id))!.counters;
    expect(m("worker_messages_received_total")).toBe(counters.messages_received);
    expect(counters.messages_received).toBeGreaterThanOrEqual(files + 2);
    expect(m("worker_objects_duplicate_total")).toBe(sum("objects_duplicate"));
    // One lag observation per loaded object, as each run's lag summary counts them.
    const lagObjects = runs.reduce((n, r) => n + (r.lag?.objects ?? 0), 0);
    expect(lagObjects).toBe(files);
    expect(m("worker_event_lag_seconds_count")).toBe(lagObjects);
    expect(m("worker_event_lag_seconds_sum")).toBeGreaterThan(0);
    // One observation per COPY statement run history counts.
    expect(m("worker_copy_duration_seconds_count")).toBeGreaterThan(0);
    expect(m("worker_copy_duration_seconds_count")).toBe(sum("copy_statements"));
    expect(m("worker_copy_duration_seconds_sum")).toBeGreaterThan(0);
    // Each copied file's version was confirmed with S3: a listing page or a HEAD, never more requests than files.
    expect(m("worker_version_check_requests_total")).toBeGreaterThan(0);
    expect(m("worker_version_check_requests_total")).toBeLessThanOrEqual(files);
    expect(m("worker_credential_refreshes_total")).toBeGreaterThanOrEqual(1);
    expect(m("worker_messages_returned_total")).toBe(0);
    expect(m("worker_errors_total")).toBe(0);
    // prom-client's default process metrics ride along.
    expect(metrics.some((x) => x.name === "process_cpu_user_seconds_total")).toBe(true);

    const other = await fetch(`${base}/`, { signal: AbortSignal.timeout(5_000) });
    expect(other.status).toBe(404);
    await other.text();
  });
});

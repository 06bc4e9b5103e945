// The API's own metrics, served on their port (serveMetrics, as main.ts does on API_METRICS_PORT):
// request durations by route pattern and status, and Test Connectivity outcomes per check. Test
// Connectivity is a stand-in answering a fixed outcome here (its own suites run it against the
// sandbox): this test is about what is counted, not about AWS.
import { makeDataSourceInput } from "../../../tests/support/fixtures.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import type { ConnectivityTester } from "../../connectivity/engine.ts";
import { serveMetrics, type MetricsServer } from "../../metrics-server.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";
import { buildApp } from "../app.ts";

const ORG = "org-metrics";
const connectivity: ConnectivityTester = async () => ({
  ok: false,
  checks: [
    { id: "assume_role", status: "pass", message: "assumed" },
    { id: "sqs_queue", status: "fail", message: "The role lacks sqs:GetQueueAttributes" },
  ],
  tested_at: new Date().toISOString(),
});

let dir: string;
let app: FastifyInstance;
let server: MetricsServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "api-metrics-"));
  app = await buildApp({ authenticate: fixedPrincipal(ORG), config: loadConfig({ ORG_ID: ORG, DATA_DIR: dir }), logger: pino({ level: "silent" }), connectivity });
  server = await serveMetrics(app.apiMetrics.registry, "127.0.0.1", 0);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return res.text();
}

const sample = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").at(-1) ?? NaN);

describe("API metrics", () => {
  it("count requests by route pattern and status (never the raw URL) and Test Connectivity results per check", async () => {
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/api/tasks/no-such-task" })).statusCode).toBe(404);
    const test = await app.inject({ method: "POST", url: "/api/data-sources/test", payload: makeDataSourceInput(ORG) });
    expect(test.statusCode, test.body).toBe(200);

    const text = await scrape();
    expect(sample(text, /^api_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\}/)).toBe(3);
    expect(sample(text, /^api_request_duration_seconds_count\{method="GET",route="\/api\/tasks\/:id",status_code="404"\}/)).toBe(1);
    expect(text).not.toContain("no-such-task");
    expect(sample(text, /^api_connectivity_tests_total\{ok="false"\}/)).toBe(1);
    expect(sample(text, /^api_connectivity_checks_total\{check="assume_role",status="pass"\}/)).toBe(1);
    expect(sample(text, /^api_connectivity_checks_total\{check="sqs_queue",status="fail"\}/)).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it("answers only GET /metrics on its port", async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
  });

  it("reads API_METRICS_PORT (default 9465, off for none) and API_METRICS_HOST", () => {
    expect(loadConfig({}).apiMetricsPort).toBe(9465);
    expect(loadConfig({ API_METRICS_PORT: "0" }).apiMetricsPort).toBe(0);
    expect(loadConfig({ API_METRICS_PORT: "OFF" }).apiMetricsPort).toBeNull();
    expect(() => loadConfig({ API_METRICS_PORT: "x" })).toThrow(/API_METRICS_PORT/);
    expect(loadConfig({}).apiMetricsHost).toBe("127.0.0.1");
    expect(loadConfig({ API_METRICS_HOST: "0.0.0.0" }).apiMetricsHost).toBe("0.0.0.0");
  });
});

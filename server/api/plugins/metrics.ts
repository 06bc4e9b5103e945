// The API's own Prometheus metrics (its own registry, one per app): request durations by route
// pattern (bounded labels: never the raw URL) and Test Connectivity outcomes, whole and per check.
// Served on API_METRICS_PORT (loopback, 9465 by default) by main.ts, apart from the console's port,
// the way the worker serves its own on WORKER_METRICS_PORT.
import fp from "fastify-plugin";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { TestOutcome } from "../../connectivity/engine.ts";

export interface ApiMetrics {
  registry: Registry;
  /** A finished request: its route pattern (undefined when no route matched), status and time. */
  request(method: string, route: string | undefined, statusCode: number, seconds: number): void;
  /** A finished Test Connectivity run. */
  connectivityTest(outcome: Pick<TestOutcome, "ok" | "checks">): void;
}

declare module "fastify" {
  interface FastifyInstance {
    apiMetrics: ApiMetrics;
  }
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "api_request_duration_seconds",
    help: "Duration of API requests, in seconds, by method, route pattern (unmatched for none) and status code",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const tests = new Counter({
    name: "api_connectivity_tests_total",
    help: "Test Connectivity runs by outcome (ok: no check failed)",
    labelNames: ["ok"] as const,
    registers: [registry],
  });
  const checks = new Counter({
    name: "api_connectivity_checks_total",
    help: "Test Connectivity check results by check id and status (pass, warn, fail, skip)",
    labelNames: ["check", "status"] as const,
    registers: [registry],
  });
  return {
    registry,
    request(method, route, statusCode, seconds) {
      duration.observe({ method, route: route ?? "unmatched", status_code: String(statusCode) }, seconds);
    },
    connectivityTest(outcome) {
      tests.inc({ ok: String(outcome.ok) });
      for (const c of outcome.checks) checks.inc({ check: c.id, status: c.status });
    },
  };
}

export const apiMetricsPlugin = fp<{ metrics?: ApiMetrics | undefined }>(
  async (app, options) => {
    const metrics = options.metrics ?? createApiMetrics();
    app.decorate("apiMetrics", metrics);
    app.addHook("onResponse", async (request, reply) => {
      metrics.request(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
  },
  { name: "api-metrics" },
);

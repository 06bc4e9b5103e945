// POST /api/data-sources/test: Test Connectivity. JSON `{ok, checks, tested_at}` by default;
// with `Accept: application/x-ndjson` one event per line (`running`, `result`, then `done`),
// each flushed as it happens. Rate-limited per organization; a closed request aborts the test.
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { TestEvent } from "#contracts/connectivity.ts";
import { connectionOf, connectivityTestInputSchema, MESSAGES } from "#contracts/data-source.ts";
import type { Config } from "../config.ts";
import type { ConnectivityTester } from "../connectivity/engine.ts";
import type { DataSourceStore } from "../store/types.ts";
import { orgOf, parseBody } from "./data-sources.ts";
import { HttpError } from "./errors.ts";

export interface TestRateLimit {
  max: number;
  timeWindowMs: number;
}

export const DEFAULT_TEST_RATE_LIMIT: TestRateLimit = { max: 10, timeWindowMs: 60_000 };

export interface TestRouteOptions {
  config: Config;
  store: () => DataSourceStore;
  tester: () => ConnectivityTester;
  rateLimit?: TestRateLimit;
}

export const NDJSON = "application/x-ndjson";

function wantsNdjson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? "").split(",").some((part) => part.trim().toLowerCase().startsWith(NDJSON));
}

/** An AbortSignal that fires when the client goes away before the response is complete. */
function clientGone(request: FastifyRequest, reply: FastifyReply): AbortController {
  const controller = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort(new Error("client closed the request"));
  };
  reply.raw.once("close", onClose);
  request.raw.once("aborted", onClose);
  return controller;
}

export const dataSourceTestRoutes: FastifyPluginAsync<TestRouteOptions> = async (app, options) => {
  const { config, store, tester } = options;
  const limit = options.rateLimit ?? DEFAULT_TEST_RATE_LIMIT;
  await app.register(rateLimit, { global: false });

  app.post(
    "/api/data-sources/test",
    {
      config: {
        rateLimit: {
          max: limit.max,
          timeWindow: limit.timeWindowMs,
          keyGenerator: () => `connectivity-test:${orgOf(config)}`,
          errorResponseBuilder: (_request, context) => {
            const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
            return new HttpError(
              429,
              `Too many connectivity tests: your organization may run ${context.max} per ${Math.round(limit.timeWindowMs / 1000)} s; ` +
                `try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
            );
          },
        },
      },
    },
    async (request, reply) => {
      const orgId = orgOf(config);
      const parsed = parseBody(connectivityTestInputSchema, request.body);
      if (parsed.external_id !== orgId) {
        const message = MESSAGES.externalIdMismatch(orgId);
        throw new HttpError(400, message, { external_id: message });
      }
      const connection = connectionOf(parsed);
      const cancel = clientGone(request, reply);
      const stream = wantsNdjson(request);

      const write = (event: TestEvent) => {
        if (!reply.raw.destroyed) reply.raw.write(`${JSON.stringify(event)}\n`);
      };
      if (stream) {
        reply.hijack();
        reply.raw.socket?.setNoDelay(true);
        reply.raw.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          "content-type": `${NDJSON}; charset=utf-8`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
          "x-accel-buffering": "no",
        });
      }

      try {
        const outcome = await tester()(connection, { signal: cancel.signal, ...(stream ? { onEvent: write } : {}) });
        if (cancel.signal.aborted) {
          // Nobody is waiting for this result, and a cut-short test must not allow a save.
          request.log.info({ ok: outcome.ok }, "connectivity test cancelled by the client");
          if (stream) reply.raw.destroy();
          else return reply.send(outcome);
          return reply;
        }
        await store().recordConnectivityTest(orgId, connection, outcome);
        if (!stream) return reply.send(outcome);
        write({ event: "done", result: outcome });
        reply.raw.end();
        return reply;
      } catch (error) {
        if (!stream) throw error;
        // The status line is gone; ending without `done` tells the console the test did not finish.
        request.log.error({ err: error }, "connectivity test failed after streaming started");
        reply.raw.destroy();
        return reply;
      }
    },
  );
};

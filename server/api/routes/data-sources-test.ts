// POST /api/data-sources/test: Test Connectivity. JSON `{ok, checks, tested_at}` by default;
// with `Accept: application/x-ndjson` one event per line (`running`, `result`, then `done`),
// each flushed as it happens. Rate-limited per client within the organization and per
// organization, with a cap on tests running at once per organization (org-limits.ts), counting
// only valid requests; a closed request aborts the test.
import rateLimit from "@fastify/rate-limit";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CHECK_TITLES, testEventSchema, testOutcomeSchema, type CheckResult, type TestEvent } from "#contracts/connectivity.ts";
import { connectionOf, connectivityTestInputSchema, dataSourceFieldsSchema } from "#contracts/data-source.ts";
import { clientIdentity } from "../plugins/client-identity.ts";
import { assertOwnExternalId } from "./data-sources.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";
import { callLimits, DEFAULT_CONNECTIVITY_TEST_LIMITS, type CallLimits } from "../plugins/org-limits.ts";

export interface TestRateLimit {
  max: number;
  timeWindowMs: number;
}

export const DEFAULT_TEST_RATE_LIMIT: TestRateLimit = { max: 10, timeWindowMs: 60_000 };

export interface TestRouteOptions {
  rateLimit?: TestRateLimit | undefined;
  /** Per organization and at once (org-limits.ts); the defaults by default. */
  orgLimits?: CallLimits | undefined;
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

/** The audit log's outcome of a test: "passed", or "failed: <the first failed check's title>". */
export function testSummary(checks: readonly CheckResult[]): string {
  const failed = checks.find((check) => check.status === "fail");
  return failed ? `failed: ${CHECK_TITLES[failed.id]}` : "passed";
}

export const dataSourceTestRoutes: FastifyPluginAsyncZod<TestRouteOptions> = async (app, options) => {
  /**
   * Which data source a test was of: the saved one with the name the form sent (the edit form
   * sends its record's name); else values not saved yet (resource_id null), named by the name
   * typed when it is a valid data source name, or else by the bucket tested, so the row says what
   * was tested rather than nothing. Neither is a secret; the queue URL is never recorded.
   */
  async function testedRecord(orgId: string, name: unknown, bucket: string): Promise<{ resource_id: string | null; resource_name: string | null }> {
    const typed = dataSourceFieldsSchema.shape.name.safeParse(name);
    const named = typed.success ? typed.data : null;
    const saved = named ? await app.stores.dataSources.findDataSourceByName(orgId, named) : null;
    if (saved) return { resource_id: saved.id, resource_name: saved.name };
    return { resource_id: null, resource_name: named ?? `bucket ${bucket}` };
  }

  const limit = options.rateLimit ?? DEFAULT_TEST_RATE_LIMIT;
  await app.register(rateLimit, { global: false });
  const enter = callLimits(app, "connectivity tests", options.orgLimits ?? DEFAULT_CONNECTIVITY_TEST_LIMITS);

  app.post(
    "/api/data-sources/test",
    {
      schema: {
        summary: "Test Connectivity: assume the role and check the queue and the bucket, one result per check",
        description:
          "Takes the same body as create (a name is allowed and ignored). Answers JSON by default; with " +
          `\`Accept: ${NDJSON}\` one event per line as checks start and finish, then \`done\` with the whole result.`,
        tags: ["data sources"],
        body: connectivityTestInputSchema,
        response: {
          200: {
            description: "The result of every check; `ok` is true when none fails",
            content: {
              "application/json": { schema: testOutcomeSchema },
              [NDJSON]: { schema: testEventSchema },
            },
          },
          ...ERROR_RESPONSES,
        },
      },
      // Input the contract or the organization refuses (400) is answered before the rate limit
      // counts: a form with a typo costs nothing. The limit runs as the last preHandler, after
      // schema validation and this check, and before any AWS call.
      preHandler: async (request) => assertOwnExternalId(request.orgId, request.body),
      config: {
        access: "operate",
        rateLimit: {
          max: limit.max,
          timeWindow: limit.timeWindowMs,
          hook: "preHandler",
          // Per client, so one client's burst cannot lock the rest of the organization out of
          // testing, and so out of saving (a save needs a passing test).
          keyGenerator: (request) => `connectivity-test:${request.orgId}:${clientIdentity(request)}`,
          errorResponseBuilder: (_request, context) => {
            const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
            return new HttpError(
              429,
              `Too many connectivity tests: you may run ${context.max} per ${Math.round(limit.timeWindowMs / 1000)} s; ` +
                `try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
            );
          },
        },
      },
    },
    async (request, reply) => {
      // The organization's budget and running slot, after the caller's (the route's rate limit).
      const release = await enter(request, reply);
      try {
        const { orgId, body } = request;
        const connection = connectionOf(body);
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
          const outcome = await app.connectivity(connection, { signal: cancel.signal, ...(stream ? { onEvent: write } : {}) });
          if (cancel.signal.aborted) {
            // Nobody is waiting for this result, and a cut-short test must not allow a save.
            request.log.info({ ok: outcome.ok }, "connectivity test cancelled by the client");
            if (stream) reply.raw.destroy();
            else return reply.send(outcome);
            return reply;
          }
          await app.stores.dataSources.recordConnectivityTest(orgId, connection, outcome);
          // A failed lookup only costs the event its record: the test's answer must still go out.
          const tested = await testedRecord(orgId, body.name, connection.bucket).catch((error: unknown) => {
            request.log.error({ err: error }, "audit: the tested data source could not be looked up");
            return { resource_id: null, resource_name: `bucket ${connection.bucket}` };
          });
          await app.audit(request, { action: "tested", resource_type: "data_source", ...tested, outcome: testSummary(outcome.checks) });
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
      } finally {
        release();
      }
    },
  );
};

// Limits on the API's expensive calls (Test Connectivity, task previews: each assumes a customer
// role, and a preview makes the organization's warehouse read an object), kept per organization as
// well as per caller, so minting API keys or adding users does not buy more, and a cap on how many
// run at once per organization, so one organization's burst cannot take the server's (and shared
// warehouses') time from another's pages. Rates are counted by @fastify/rate-limit's store
// (`app.createRateLimit`, the library the other limits use), only for calls that reach the work
// (input the contract or the route refuses costs nothing); the running count is this process's.
// Each refusal is a 429 with Retry-After and a sentence the console shows as it is.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientIdentity } from "./client-identity.ts";
import { HttpError } from "./errors.ts";

export interface Rate {
  max: number;
  timeWindowMs: number;
}

export interface CallLimits {
  /** Per caller (API key or user) within the organization; omitted where the route limits callers itself. */
  perCaller?: Rate | undefined;
  perOrg: Rate;
  /** Calls of this kind running at once in one organization. */
  concurrentPerOrg: number;
}

export const DEFAULT_CONNECTIVITY_TEST_LIMITS: CallLimits = {
  // Per caller: data-sources-test.ts's route limit (DEFAULT_TEST_RATE_LIMIT, 10 a minute).
  perOrg: { max: 30, timeWindowMs: 60_000 },
  concurrentPerOrg: 3,
};

export const DEFAULT_PREVIEW_LIMITS: CallLimits = {
  perCaller: { max: 30, timeWindowMs: 60_000 },
  perOrg: { max: 60, timeWindowMs: 60_000 },
  concurrentPerOrg: 2,
};

/** What a busy organization is told to wait: about one call's usual length. */
export const BUSY_RETRY_SECONDS = 5;

const seconds = (n: number) => `${n} second${n === 1 ? "" : "s"}`;

function refuse(reply: FastifyReply, retryAfterSeconds: number, message: string): never {
  const wait = Math.max(1, Math.ceil(retryAfterSeconds));
  reply.header("retry-after", String(wait));
  throw new HttpError(429, `${message}; try again in ${seconds(wait)}`);
}

/**
 * The limits of one kind of call (`noun`: "connectivity tests", "previews"). `enter` counts the
 * call and takes a running slot, or throws the 429; call the returned `release` when the work is
 * over (in a finally), whether it succeeded, failed or was cancelled.
 */
export function callLimits(app: FastifyInstance, noun: string, limits: CallLimits) {
  const perCaller =
    limits.perCaller &&
    app.createRateLimit({
      max: limits.perCaller.max,
      timeWindow: limits.perCaller.timeWindowMs,
      keyGenerator: (request) => `${noun}:caller:${request.orgId}:${clientIdentity(request)}`,
    });
  const perOrg = app.createRateLimit({
    max: limits.perOrg.max,
    timeWindow: limits.perOrg.timeWindowMs,
    keyGenerator: (request) => `${noun}:org:${request.orgId}`,
  });
  const running = new Map<string, number>();
  const per = (rate: Rate) => `${rate.max} per ${Math.round(rate.timeWindowMs / 1000)} s`;

  return async function enter(request: FastifyRequest, reply: FastifyReply): Promise<() => void> {
    const orgId = request.orgId;
    if (perCaller) {
      const counted = await perCaller(request);
      if (!counted.isAllowed && counted.isExceeded) refuse(reply, counted.ttlInSeconds, `Too many ${noun}: you may run ${per(limits.perCaller!)}`);
    }
    const counted = await perOrg(request);
    if (!counted.isAllowed && counted.isExceeded) {
      refuse(reply, counted.ttlInSeconds, `Too many ${noun} in your organization: it may run ${per(limits.perOrg)}, whoever asks`);
    }
    const now = running.get(orgId) ?? 0;
    if (now >= limits.concurrentPerOrg) {
      refuse(reply, BUSY_RETRY_SECONDS, `Your organization already has ${now} ${noun} running, the most at once; wait for one to finish`);
    }
    running.set(orgId, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (running.get(orgId) ?? 1) - 1;
      if (left > 0) running.set(orgId, left);
      else running.delete(orgId);
    };
  };
}

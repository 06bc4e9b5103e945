// Identity over HTTP. `app.auth()` is the better-auth instance, made on first use over the store's
// database. Of better-auth's own endpoints, /api/auth/* passes on only those the console uses
// (sign-in, sign-out, session, switching organization); the rest (sign-up, organization and key
// management, which would let a member grant themselves more) answer 404, and members and keys
// are managed through our routes, which check roles. Email sign-in passes the limit per account
// and address (server/auth/sign-in-throttle.ts) before better-auth's per-address limit. GET /api/session says who is asking;
// GET /api/sign-in-options what the sign-in page offers; POST /api/setup makes the first
// organization and admin with the one-time token printed at start.
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { setupInputSchema } from "#contracts/identity.ts";
import { sessionSchema, signInOptionsSchema, type Session } from "#contracts/session.ts";
import { z } from "#contracts/zod.ts";
import { createAuth, type Auth } from "../../auth/auth.ts";
import { CLIENT_ADDRESS_HEADER } from "../../auth/options.ts";
import type { Principal } from "../../auth/principal.ts";
import { createFirstAdmin, hasAnyUser } from "../../auth/seed.ts";
import { SignInThrottle } from "../../auth/sign-in-throttle.ts";
import type { Config } from "../../config.ts";
import { headersOf } from "../plugins/access.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";
import { matchesSetupToken, type SetupToken } from "./setup-token.ts";

declare module "fastify" {
  interface FastifyInstance {
    auth(): Promise<Auth>;
  }
}

export interface AuthPluginOptions {
  config: Config;
  /** Handed in by tests and main; by default made over `app.storeDb()` on first use. */
  auth?: Auth | undefined;
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app, { config, auth }) => {
    let made: Promise<Auth> | undefined = auth ? Promise.resolve(auth) : undefined;
    app.decorate("auth", () => (made ??= app.storeDb().then((db) => createAuth(config, db, { logger: app.log }))));
  },
  { name: "auth", dependencies: ["stores"] },
);

/**
 * better-auth's endpoints the API serves, by method and path under /api/auth. Single sign-on adds
 * its own when configured (server/auth/sso.ts: sign-in/social, callback/<provider id>, error).
 */
export const PASSED_AUTH_ENDPOINTS: ReadonlyArray<readonly [method: string, path: RegExp]> = [
  ["POST", /^\/sign-in\/email$/],
  ["POST", /^\/sign-out$/],
  ["GET", /^\/get-session$/],
  ["POST", /^\/organization\/set-active$/],
  ["POST", /^\/change-password$/],
];

/** Fastify's request as the Fetch API Request better-auth's handler takes. */
function toWebRequest(request: FastifyRequest): Request {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const headers = headersOf(request);
  // better-auth's rate limits key on this header; the client's own value is never trusted.
  headers.set(CLIENT_ADDRESS_HEADER, request.ip);
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== undefined;
  // The body was parsed as JSON (same-origin-writes admits no other type); better-auth reads it again.
  return new Request(url, { method: request.method, headers, body: hasBody ? JSON.stringify(request.body) : undefined });
}

export async function sendWebResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.status(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") reply.header(name, value);
  });
  // Several cookies arrive as several Set-Cookie headers, never joined with commas.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
}

/**
 * Signs a person in whose password the server just set (first-run setup, an accepted invitation):
 * better-auth's sign-in, its session cookie passed on to the browser. Returns the cookies.
 */
export async function signInAndSetCookie(auth: Auth, reply: FastifyReply, email: string, password: string): Promise<string[]> {
  const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  const cookies = response.headers.getSetCookie();
  if (!response.ok || cookies.length === 0) throw new Error(`signing ${email} in after the password was set failed (${response.status})`);
  reply.header("set-cookie", cookies);
  return cookies;
}

export function sessionOf(principal: Principal): Session {
  return {
    user: principal.user,
    via: principal.via.kind,
    organizations: principal.organizations,
    active: principal.active,
  };
}

export interface AuthRoutesOptions {
  /** The one-time first-run token (main.ts prints the link); absent: setup only by ADMIN_* seeding. */
  setupToken?: SetupToken | undefined;
  /** Extra better-auth endpoints to pass on (single sign-on's). */
  passed?: ReadonlyArray<readonly [string, RegExp]>;
  /** The single sign-on button, when configured. */
  sso?: { provider_id: string; label: string } | null;
  /** Failed sign-ins per account and address; a fresh one by default (tests hand one with a clock). */
  signInThrottle?: SignInThrottle | undefined;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions & { config: Config }> = async (app, options) => {
  const passed = [...PASSED_AUTH_ENDPOINTS, ...(options.passed ?? [])];
  const throttle = options.signInThrottle ?? new SignInThrottle();
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    config: { access: "public" },
    schema: {
      summary:
        "better-auth's sign-in/email, sign-out, get-session, organization/set-active and change-password, and with single sign-on " +
        "sign-in/social, callback/<provider id> and error (see better-auth's reference); other paths are 404",
      tags: ["identity"],
      // The library defines these bodies, not our contracts.
      response: { 200: z.unknown(), ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const path = new URL(request.url, "http://x").pathname.slice("/api/auth".length);
      if (!passed.some(([method, pattern]) => method === request.method && pattern.test(path))) {
        throw new HttpError(404, `No such sign-in endpoint: ${request.method} /api/auth${path}`);
      }
      const auth = await app.auth();
      const email = (request.body as { email?: unknown } | undefined)?.email;
      if (request.method !== "POST" || path !== "/sign-in/email" || typeof email !== "string") {
        return sendWebResponse(reply, await auth.handler(toWebRequest(request)));
      }
      // Per account and address, before better-auth's limit per address (sign-in-throttle.ts).
      const verdict = throttle.attempt(email, request.ip);
      if (!verdict.allowed) {
        const seconds = verdict.retryAfterSeconds;
        reply.header("retry-after", String(seconds));
        throw new HttpError(429, `Too many failed sign-ins to this account from your address; try again in ${seconds} second${seconds === 1 ? "" : "s"}`);
      }
      let response: Response | undefined;
      try {
        response = await auth.handler(toWebRequest(request));
      } finally {
        verdict.done(response?.status === 200 ? "success" : response?.status === 401 ? "failure" : "other");
      }
      return sendWebResponse(reply, response);
    },
  });

  app.get(
    "/api/session",
    {
      config: { access: "signed-in" },
      schema: {
        summary: "Who is asking: the signed-in user (session cookie or `Authorization: Bearer <API key>`), their organizations and the active one with its role",
        tags: ["identity"],
        response: { 200: sessionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => sessionOf(request.principal!),
  );

  app.get(
    "/api/sign-in-options",
    {
      config: { access: "public" },
      schema: {
        summary: "What the sign-in page offers: first-run setup while no user exists, single sign-on when configured",
        tags: ["identity"],
        response: { 200: signInOptionsSchema, ...ERROR_RESPONSES },
      },
    },
    async () => ({ setup_needed: !(await hasAnyUser(await app.auth())), sso: options.sso ?? null }),
  );

  let settingUp: Promise<unknown> | undefined;
  app.post(
    "/api/setup",
    {
      config: { access: "public" },
      schema: {
        summary: "First run: create the first organization and its admin with the one-time token `npm start` printed, and sign in",
        tags: ["identity"],
        body: setupInputSchema,
        response: { 200: sessionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { token, organization_name, name, email, password } = request.body;
      if (!options.setupToken || !matchesSetupToken(options.setupToken, token)) {
        throw new HttpError(400, "This setup link is not valid: use the link the API printed at its latest start, while no user exists", {
          token: "Not this server's setup token",
        });
      }
      // One setup at a time; the second finds a user and is refused.
      while (settingUp) await settingUp.catch(() => undefined);
      const run = createFirstAdmin(options.config, await app.storeDb(), { email, password, name, organizationName: organization_name, organizationId: options.config.orgId }, request.log);
      settingUp = run;
      const made = await run.finally(() => (settingUp = undefined));
      if (!made) throw new HttpError(409, "This console is already set up: sign in, or ask an admin to invite you");
      options.setupToken.used = true;
      await signInAndSetCookie(await app.auth(), reply, email, password);
      const membership = { org_id: made.organizationId, name: organization_name, role: "admin" as const };
      // Nobody was signed in when the request came: the event names the admin it made, in the
      // organization it made (never the token or the password).
      const admin = { user: { id: made.userId, email, name }, via: { kind: "session" as const, sessionId: "" }, organizations: [membership], active: membership };
      await app.audit(
        request,
        { action: "set_up", resource_type: "organization", resource_id: made.organizationId, resource_name: organization_name, outcome: "first-run setup: first organization and its admin" },
        { orgId: made.organizationId, principal: admin },
      );
      return { user: { id: made.userId, email, name }, via: "session" as const, organizations: [membership], active: membership };
    },
  );
};

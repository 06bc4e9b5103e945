// Identity over HTTP: better-auth's handler answers /api/auth/* (sign-up, sign-in, sign-out,
// organizations, API keys), and `app.auth` is the instance, made on first use over the store's
// database. GET /api/session says who is asking. Nothing else is enforced yet: every other route
// stays open until sessions are required route by route.
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sessionSchema, type Session } from "#contracts/session.ts";
import { z } from "#contracts/zod.ts";
import { createAuth, type Auth } from "../auth/auth.ts";
import type { Config } from "../config.ts";
import { ERROR_RESPONSES, HttpError } from "./errors.ts";

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

/** Fastify's request as the Fetch API Request better-auth's handler takes. */
function toWebRequest(request: FastifyRequest): Request {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== undefined;
  // The body was parsed as JSON (same-origin-writes admits no other type); better-auth reads it again.
  return new Request(url, { method: request.method, headers, body: hasBody ? JSON.stringify(request.body) : undefined });
}

async function sendWebResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.status(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") reply.header(name, value);
  });
  // Several cookies arrive as several Set-Cookie headers, never joined with commas.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
}

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: {
      summary: "better-auth's endpoints: sign-up/email, sign-in/email, sign-out, get-session, organization/*, api-key/* (see better-auth's reference)",
      tags: ["identity"],
      // The library defines these bodies, not our contracts.
      response: { 200: z.unknown(), ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => sendWebResponse(reply, await (await app.auth()).handler(toWebRequest(request))),
  });

  app.get(
    "/api/session",
    {
      schema: {
        summary: "Who is asking: the signed-in user (session cookie or `Authorization: Bearer <API key>`), their organizations and roles",
        tags: ["identity"],
        response: { 200: sessionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const session = await currentSession(await app.auth(), request);
      if (!session) throw new HttpError(401, "Not signed in: sign in, or send an API key as Authorization: Bearer <key>");
      return session;
    },
  );
};

async function currentSession(auth: Auth, request: FastifyRequest): Promise<Session | undefined> {
  const headers = toWebRequest(request).headers;
  // A key the library refuses (unknown, disabled, too short) throws; to the caller it is not signed in.
  const found = await auth.api.getSession({ headers }).catch(() => null);
  if (!found) return undefined;
  const { adapter } = await auth.$context;
  const members = await adapter.findMany<{ organizationId: string; role: string }>({
    model: "member",
    where: [{ field: "userId", value: found.user.id }],
  });
  const organizations = members.length === 0 ? [] : await adapter.findMany<{ id: string; name: string }>({
    model: "organization",
    where: [{ field: "id", operator: "in", value: members.map((m) => m.organizationId) }],
  });
  const names = new Map(organizations.map((o) => [o.id, o.name]));
  return {
    user: { id: found.user.id, email: found.user.email, name: found.user.name },
    organizations: members.map((m) => ({ org_id: m.organizationId, name: names.get(m.organizationId) ?? m.organizationId, role: m.role })),
  };
}

// Access on every route. Each /api route declares what it needs in `config.access` ("public",
// "signed-in", or a level from contracts/roles.ts); a route that declares nothing is refused at
// startup, so no route is ever open by omission. Before the body is read, the caller is resolved
// (session cookie or API key): none is 401; a role short of the level is 403 with the reason;
// `request.orgId` becomes the organization the caller acts for, so every store query is scoped to
// it and another organization's record is simply not found (404).
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { roleAllows, whyNotAllowed, type Access, type Role } from "#contracts/roles.ts";
import type { Authenticate, Principal } from "../../auth/principal.ts";
import { HttpError } from "./errors.ts";

export type RouteAccess = "public" | "signed-in" | Access;

export interface AccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every /api route with the access it declared, in registration order (the role-matrix test reads it). */
    accessTable: AccessEntry[];
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who is asking; null on public routes and before resolution. */
    principal: Principal | null;
    /** The organization the request acts for; its ID is the External ID. Empty on public routes. */
    orgId: string;
    /** The caller's role in `orgId`. */
    role: Role;
  }
}

export const NOT_SIGNED_IN = "Not signed in: sign in, or send an API key as Authorization: Bearer <key>";
export const NO_ORGANIZATION = "You belong to no organization yet: ask an organization's admin to invite you";

export interface AccessOptions {
  /** Resolves the caller from the request's headers; better-auth by default (see app.ts). */
  authenticate: (request: FastifyRequest) => Promise<Principal | null>;
}

export const accessControl = fp<AccessOptions>(
  async (app, { authenticate }) => {
    app.decorateRequest("principal", null);
    app.decorateRequest("orgId", "");
    app.decorateRequest("role", "viewer");
    const table: AccessEntry[] = [];
    app.decorate("accessTable", table);
    app.addHook("onRoute", (route) => {
      if (!route.url.startsWith("/api/")) return;
      const access = route.config?.access;
      if (access === undefined) {
        throw new Error(`${String(route.method)} ${route.url} declares no access: set config.access (public, signed-in, read, operate or admin)`);
      }
      for (const method of [route.method].flat()) if (method !== "HEAD") table.push({ method, url: route.url, access });
    });
    app.addHook("onRequest", async (request) => {
      const access = request.routeOptions.config.access;
      if (access === undefined || access === "public") return;
      const principal = await authenticate(request);
      if (!principal) throw new HttpError(401, NOT_SIGNED_IN);
      request.principal = principal;
      if (principal.active) {
        request.orgId = principal.active.org_id;
        request.role = principal.active.role;
      }
      if (access === "signed-in") return;
      if (!principal.active) throw new HttpError(403, NO_ORGANIZATION);
      if (!roleAllows(principal.active.role, access)) throw new HttpError(403, whyNotAllowed(principal.active.role, access));
    });
  },
  { name: "access" },
);

/** Headers as better-auth reads them (cookie, Authorization). */
export function headersOf(request: FastifyRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}


export type { Authenticate };

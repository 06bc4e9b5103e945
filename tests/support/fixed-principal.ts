// A caller fixed for a whole test app: for tests of routes other than identity's (identity has its
// own tests, on better-auth). Hand it to buildApp as `authenticate`.
import type { FastifyRequest } from "fastify";
import type { Role } from "#contracts/roles.ts";
import type { Principal } from "../../server/auth/principal.ts";

/** Every request acts as this member of `orgId`. */
export function fixedPrincipal(orgId: string, role: Role = "admin"): (request: FastifyRequest) => Promise<Principal> {
  const membership = { org_id: orgId, name: orgId, role };
  return async () => ({
    user: { id: "test-user", email: "test@example.com", name: "test" },
    via: { kind: "session", sessionId: "test-session" },
    organizations: [membership],
    active: membership,
  });
}

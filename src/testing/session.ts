// Test support: who is signed in, as msw answers GET /api/session in component tests (a component
// test has no server). Every test file's msw server starts with `sessionHandler()` (an admin), and
// a test that needs another role or several organizations overrides it with `server.use(...)`.
import { http, HttpResponse } from "msw";
import type { Role } from "#contracts/roles.ts";
import type { Membership, Session } from "#contracts/session.ts";

export const LOCAL_ORG: Membership = { org_id: "local-org", name: "Local org", role: "admin" };

export function sessionAs(role: Role = "admin", organizations: Membership[] = [LOCAL_ORG]): Session {
  const active = { ...organizations[0]!, role };
  return {
    user: { id: "u-1", email: "ana@example.com", name: "Ana Admin" },
    via: "session",
    organizations: [active, ...organizations.slice(1)],
    active,
  };
}

export const sessionHandler = (session: Session = sessionAs("admin")) => http.get("/api/session", () => HttpResponse.json(session));

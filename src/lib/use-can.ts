// May the signed-in user do this here? The active organization's role (GET /api/session) against
// contracts/roles.ts, the same rule the API enforces; the reason is the API's 403 sentence, so a
// disabled control says what the server would say.
import { roleAllows, whyNotAllowed, type Access } from "#contracts/roles.ts";
import { useSession } from "./session.ts";

export interface Can {
  allowed: boolean;
  /** Why not, in words; empty when allowed. */
  reason: string;
}

const CHECKING: Can = { allowed: false, reason: "Checking your role…" };

export function useCan(access: Access): Can {
  const active = useSession().data?.active;
  // Pages render only once the session has loaded (RequireSession); this covers the moment before.
  if (!active) return CHECKING;
  return roleAllows(active.role, access) ? { allowed: true, reason: "" } : { allowed: false, reason: whyNotAllowed(active.role, access) };
}

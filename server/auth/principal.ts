// Who a request acts as: a browser session (better-auth's cookie) or an API key
// (`Authorization: Bearer …`), the organizations the user belongs to, and the one the request acts
// for with its role. Keys are verified by better-auth (hashed lookup, revocation, last use); a key
// carries its organization and role in its metadata and acts with at most its creator's current
// role there, so a demoted or removed creator's keys lose that power with them.
import { isRole, lesserRole, type Role } from "#contracts/roles.ts";
import type { Membership } from "#contracts/session.ts";
import type { Auth } from "./auth.ts";
import { bearerToken } from "./bearer.ts";

export interface Principal {
  user: { id: string; email: string; name: string };
  via: { kind: "session"; sessionId: string } | { kind: "api_key"; keyId: string; keyName: string | null };
  organizations: Membership[];
  active: Membership | null;
}

/** A request's credentials as better-auth reads them (cookie and Authorization headers). */
export type Authenticate = (headers: Headers) => Promise<Principal | null>;

/** What an API key's metadata holds: the organization it acts for and the role it was given. */
export interface KeyMetadata {
  org_id: string;
  role: Role;
}


export function keyMetadataOf(value: unknown): KeyMetadata | null {
  const parsed = typeof value === "string" ? safeJson(value) : value;
  if (typeof parsed !== "object" || parsed === null) return null;
  const { org_id, role } = parsed as Record<string, unknown>;
  return typeof org_id === "string" && isRole(role) ? { org_id, role } : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

interface MemberRow {
  organizationId: string;
  role: string;
  createdAt: Date | string;
}

/** The user's memberships, oldest first, with organization names; roles outside ours are dropped. */
export async function membershipsOf(auth: Auth, userId: string): Promise<Membership[]> {
  const { adapter } = await auth.$context;
  const members = await adapter.findMany<MemberRow>({ model: "member", where: [{ field: "userId", value: userId }] });
  if (members.length === 0) return [];
  const orgs = await adapter.findMany<{ id: string; name: string }>({
    model: "organization",
    where: [{ field: "id", operator: "in", value: members.map((m) => m.organizationId) }],
  });
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  return members
    .filter((m) => isRole(m.role) && names.has(m.organizationId))
    .sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime())
    .map((m) => ({ org_id: m.organizationId, name: names.get(m.organizationId)!, role: m.role as Role }));
}

export function createAuthenticate(auth: Auth): Authenticate {
  return async (headers) => {
    const key = bearerToken(headers);
    if (key !== undefined) return byApiKey(auth, key);
    const found = await auth.api.getSession({ headers }).catch(() => null);
    if (!found) return null;
    const organizations = await membershipsOf(auth, found.user.id);
    const activeId = (found.session as { activeOrganizationId?: string | null }).activeOrganizationId;
    return {
      user: { id: found.user.id, email: found.user.email, name: found.user.name },
      via: { kind: "session", sessionId: found.session.id },
      organizations,
      active: organizations.find((m) => m.org_id === activeId) ?? organizations[0] ?? null,
    };
  };
}

async function byApiKey(auth: Auth, key: string): Promise<Principal | null> {
  // Unknown, revoked, expired or malformed keys all answer valid: false (or throw): not signed in.
  const verified = await auth.api.verifyApiKey({ body: { key } }).catch(() => null);
  if (!verified?.valid || !verified.key) return null;
  const metadata = keyMetadataOf(verified.key.metadata);
  if (!metadata) return null;
  const { adapter } = await auth.$context;
  const userId = verified.key.referenceId;
  const user = await adapter.findOne<{ id: string; email: string; name: string }>({ model: "user", where: [{ field: "id", value: userId }] });
  if (!user) return null;
  const membership = (await membershipsOf(auth, userId)).find((m) => m.org_id === metadata.org_id);
  // The creator left the organization: the key no longer acts for it.
  if (!membership) return null;
  const active = { ...membership, role: lesserRole(metadata.role, membership.role) };
  return {
    user: { id: user.id, email: user.email, name: user.name },
    via: { kind: "api_key", keyId: verified.key.id, keyName: verified.key.name ?? null },
    organizations: [active],
    active,
  };
}

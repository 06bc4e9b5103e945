// Roles per organization and what each may do: the one definition the API enforces on every route
// and the console reads to hide or disable what a role cannot do (and say why). Zod-free, so the
// console's first route does not load zod for it.

export const ROLES = ["admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs: `read` (look), `operate` (create, edit, test, delete, start, stop data
 * sources and tasks), `admin` (members, API keys, the audit log).
 */
export const ACCESS_LEVELS = ["read", "operate", "admin"] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const NEEDS: Record<Access, Role> = { read: "viewer", operate: "operator", admin: "admin" };

export const ROLE_LABELS: Record<Role, string> = { admin: "Admin", operator: "Operator", viewer: "Viewer" };

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything an operator can do, plus members, API keys and the audit log",
  operator: "Create, edit, test, delete, start and stop data sources and tasks",
  viewer: "Read only",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, access: Access): boolean {
  return RANK[role] >= RANK[NEEDS[access]];
}

/** The lower of two roles: an API key acts with at most its creator's current role. */
export function lesserRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Why a role may not do something, as the API's 403 and the console's disabled-button hint say it. */
export function whyNotAllowed(role: Role, access: Access): string {
  const needed = ROLE_LABELS[NEEDS[access]];
  return access === "admin"
    ? `Only an organization's admins can do this; your role is ${ROLE_LABELS[role]}`
    : `Your role is ${ROLE_LABELS[role]}, which is read only; ask an admin of this organization for the ${needed} role`;
}

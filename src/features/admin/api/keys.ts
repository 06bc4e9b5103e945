// Query keys of the organization's admin pages; every members, invitations, keys, audit and
// warehouses query lives under `all`.
export const adminKeys = {
  all: ["admin"] as const,
  members: () => [...adminKeys.all, "members"] as const,
  invitations: () => [...adminKeys.all, "invitations"] as const,
  apiKeys: () => [...adminKeys.all, "api-keys"] as const,
  audit: () => [...adminKeys.all, "audit"] as const,
  /** The organization's warehouse connections (GET /api/org/warehouses), also read by the task wizard and pages. */
  warehouses: () => [...adminKeys.all, "warehouses"] as const,
};

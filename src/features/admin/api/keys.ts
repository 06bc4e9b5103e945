// Query keys of the organization's admin pages; every members, invitations, keys and audit query
// lives under `all`.
export const adminKeys = {
  all: ["admin"] as const,
  members: () => [...adminKeys.all, "members"] as const,
  invitations: () => [...adminKeys.all, "invitations"] as const,
  apiKeys: () => [...adminKeys.all, "api-keys"] as const,
  audit: () => [...adminKeys.all, "audit"] as const,
};

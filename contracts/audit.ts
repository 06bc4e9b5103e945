// The audit log: who did what to which record, when, from which session or key. Never a secret:
// records are named by type, id and name only, and keys by id and name.
import { z } from "./zod.ts";

export const AUDIT_ACTIONS = ["created", "edited", "tested", "deleted", "started", "stopped", "invited", "role_changed", "removed", "revoked", "joined"] as const;
export const AUDIT_RESOURCES = ["data_source", "task", "member", "invitation", "api_key", "organization", "warehouse"] as const;

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  action: z.enum(AUDIT_ACTIONS),
  resource_type: z.enum(AUDIT_RESOURCES),
  /** Null for a test of values not saved yet. */
  resource_id: z.string().nullable(),
  resource_name: z.string().nullable(),
  actor: z.object({
    user_id: z.string(),
    email: z.string(),
    via: z.enum(["session", "api_key"]),
    /** The API key's id and name when via is api_key. */
    key_id: z.string().nullable(),
    key_name: z.string().nullable(),
  }),
  /** A short outcome, like "passed" or "failed: Assume role" for a test; never a secret. */
  outcome: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** GET /api/audit?before=<id>&limit=: newest first. */
export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page. */
  before: z.string().optional(),
});
export const auditPageSchema = z.object({ items: z.array(auditEventSchema), next_before: z.string().nullable() });

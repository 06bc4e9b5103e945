// The audit log: who did what to which record, when, from which session or key. Never a secret:
// records are named by type, id and name only, and keys by id and name.
import { z } from "./zod.ts";

export const AUDIT_ACTIONS = [
  "created",
  "edited",
  "tested",
  "deleted",
  "started",
  "stopped",
  "invited",
  "role_changed",
  "removed",
  "revoked",
  "joined",
  /** Load existing objects asked for, and cancelled (of a task). */
  "backfill_started",
  "backfill_cancelled",
  /** Failed files of a task retried, or dismissed with a reason (the outcome names them and the reason). */
  "failed_files_retried",
  "failed_files_dismissed",
  /** First-run setup made the first organization and its admin. */
  "set_up",
] as const;
/** A table is named `database.table` (its resource_id and resource_name). */
export const AUDIT_RESOURCES = ["data_source", "task", "member", "invitation", "api_key", "organization", "warehouse", "table"] as const;

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

/**
 * The filters GET /api/audit and GET /api/audit.csv share: who (the actor's email or the API key's
 * name, a substring), action, resource type, record (its id exactly or its name as a substring) and
 * a time range [from, to). Each is bounded: a filter is a query, never a way to make one expensive.
 */
export const auditFilterSchema = z.object({
  who: z.string().trim().min(1).max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  resource_type: z.enum(AUDIT_RESOURCES).optional(),
  record: z.string().trim().min(1).max(200).optional(),
  /** Events at or after this instant (ISO 8601 with a zone). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Events before this instant (ISO 8601 with a zone). */
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** GET /api/audit?before=<id>&limit=&<filters>: newest first. */
export const auditQuerySchema = auditFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page. */
  before: z.string().max(100).optional(),
});

/** The most rows GET /api/audit.csv writes (newest first); the export says when it was cut. */
export const AUDIT_CSV_MAX_ROWS = 10_000;
export const auditPageSchema = z.object({ items: z.array(auditEventSchema), next_before: z.string().nullable() });

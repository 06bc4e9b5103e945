// "Load existing objects" on a task (a backfill) and its scheduled twin (a reconcile): the one
// definition of the request, the job record the API returns and the console polls.
//
// A backfill lists the bucket under the task's prefix (optionally objects modified since a date)
// and loads every object the task's load ledger has not loaded, in bounded batches through the same
// loader as the queue's events. A reconcile is the same listing, started by the worker every
// `reconcile_every_minutes` of the task, since the previous reconcile's start minus a margin: it
// loads objects whose S3 events were lost (Databricks Auto Loader's cloudFiles.backfillInterval).
import { z } from "./zod.ts";

export const BACKFILL_MESSAGES = {
  sinceFormat: "Enter since as an ISO 8601 date (2024-05-01) or date and time with a zone (2024-05-01T08:00:00Z)",
  sinceFuture: "Since is in the future: no object was modified after it yet; choose an earlier date or leave it empty for every object",
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `since` as written: a date (midnight UTC) or a date-time with a zone; normalized to ISO 8601 UTC. */
export const sinceSchema = z
  .string()
  .trim()
  .refine((v) => (ISO_DATE.test(v) || ISO_DATE_TIME.test(v)) && !Number.isNaN(Date.parse(v)), BACKFILL_MESSAGES.sinceFormat)
  .transform((v) => new Date(ISO_DATE.test(v) ? `${v}T00:00:00Z` : v).toISOString())
  .refine((v) => Date.parse(v) <= Date.now() + 60_000, BACKFILL_MESSAGES.sinceFuture);

/** POST /api/tasks/:id/backfill. Without `since`, every object under the task's prefix and suffix. */
export const backfillInputSchema = z.strictObject({
  since: sinceSchema.optional(),
});
export type BackfillInput = z.output<typeof backfillInputSchema>;

export const BACKFILL_KINDS = ["backfill", "reconcile"] as const;
export const backfillKindSchema = z.enum(BACKFILL_KINDS);
export type BackfillKind = z.infer<typeof backfillKindSchema>;

/**
 * `running`: listed and loaded by the worker holding the task (resumes from `last_key` after a
 * worker restart); `completed`: the listing reached its end (objects that failed are counted in
 * `failed` and named in `error`); `failed`: the job could not go on (listing refused, task failed);
 * `cancelled`: cancelled, or the task was stopped.
 */
export const BACKFILL_STATUSES = ["running", "completed", "failed", "cancelled"] as const;
export const backfillStatusSchema = z.enum(BACKFILL_STATUSES);
export type BackfillStatus = z.infer<typeof backfillStatusSchema>;

export const backfillJobSchema = z.object({
  id: z.string(),
  task_id: z.string(),
  kind: backfillKindSchema,
  status: backfillStatusSchema,
  /** Only objects modified at or after this time (ISO 8601 UTC); null: every object. */
  since: z.string().nullable(),
  /** The last key whose batch is settled: the listing resumes after it. */
  last_key: z.string().nullable(),
  /** Objects in scope (prefix, suffix, since) the listing has handed over so far. */
  listed: z.number(),
  /** Loaded by this job. */
  loaded: z.number(),
  /** Not loaded by this job because the ledger says they are loaded (by an event or before), or because nothing is to load (gone, a key Databend cannot address). */
  skipped: z.number(),
  /** Could not be loaded (see `error`); a later backfill or reconcile tries again. */
  failed: z.number(),
  rows_loaded: z.number(),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  /** The worker running it now (or last). */
  worker_id: z.string().nullable(),
  /** What went wrong, in words for the operator: why it failed, or the first object that failed. */
  error: z.string().nullable(),
  /** The outside system's own text behind `error` (scrubbed), for a "details" view. */
  error_detail: z.string().nullable(),
});
export type BackfillJob = z.infer<typeof backfillJobSchema>;

/** GET /api/tasks/:id/backfill: the latest backfill and the latest reconcile, each null when none ran. */
export const backfillStateSchema = z.object({
  backfill: backfillJobSchema.nullable(),
  reconcile: backfillJobSchema.nullable(),
});
export type BackfillState = z.infer<typeof backfillStateSchema>;

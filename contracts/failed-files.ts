// Failed files of a task (issue 20): objects the worker gave up on after they failed the same way
// WORKER_FILE_ATTEMPTS times (transient failures do not count), kept with Databend's sentence so
// nothing is lost; the operator retries them (the current version, through the same version loader
// as the queue's events, so exactly-once holds) or dismisses them with a reason.
//
// GET  /api/tasks/:id/failed-files            failedFilesQuerySchema -> failedFilesPageSchema
// POST /api/tasks/:id/failed-files/retry      failedFilesRetrySchema -> failedFilesActionResultSchema
// POST /api/tasks/:id/failed-files/dismiss    failedFilesDismissSchema -> failedFilesActionResultSchema
import { z } from "./zod.ts";

/**
 * - `failed`: quarantined; its message was deleted, nothing loads it until Retry or a new upload.
 * - `retrying`: Retry asked for it; the worker holding the task loads its current version.
 * - `dismissed`: the operator said it needs nothing more (with a reason); kept for the record.
 * - `cleared`: a later load of the same bucket/key succeeded (a Retry, or a re-upload's own event).
 */
export const FAILED_FILE_STATES = ["failed", "retrying", "dismissed", "cleared"] as const;
export const failedFileStateSchema = z.enum(FAILED_FILE_STATES);
export type FailedFileState = z.infer<typeof failedFileStateSchema>;

/** Most ids one Retry or Dismiss names; beyond that, use `all: true`. */
export const FAILED_FILES_MAX_IDS = 500;
/** Most characters of a dismiss reason. */
export const DISMISS_REASON_MAX = 500;
/** Page size bounds of the list. */
export const FAILED_FILES_PAGE_MAX = 200;
export const FAILED_FILES_PAGE_DEFAULT = 50;

export const FAILED_FILES_MESSAGES = {
  idsOrAll: `Name the files in ids (at most ${FAILED_FILES_MAX_IDS}), or set all to true for every failed file of the task`,
  idsAndAll: "Give either ids or all: true, not both",
  idsTooMany: `Name at most ${FAILED_FILES_MAX_IDS} files in ids, or set all to true`,
  reasonRequired: "Enter a reason for dismissing (it is kept and audited)",
  reasonTooLong: `Keep the reason to ${DISMISS_REASON_MAX} characters`,
  cursorInvalid: "cursor is not one this list returned; start again without it",
} as const;

/** One failed file, as the API returns it. */
export const failedFileSchema = z.object({
  id: z.string(),
  task_id: z.string(),
  bucket: z.string(),
  key: z.string(),
  /** The S3 version the failure was about (null on an unversioned bucket). */
  version_id: z.string().nullable(),
  /** The ETag of that version, as the event or the listing gave it. */
  etag: z.string().nullable(),
  /** Bytes, as the event or the listing gave it. */
  size: z.number().nullable(),
  /** Databend's class of the failure (server/databend/errors.ts): `file` for a file at fault. */
  error_class: z.string(),
  /** Databend's error code (e.g. 1046), null when Databend gave none. */
  error_code: z.number().nullable(),
  /** Databend's name for that code (e.g. "BadBytes"). */
  error_code_name: z.string().nullable(),
  /** What went wrong and what to do, in words for the operator. */
  error: z.string(),
  /** Databend's own sentence (scrubbed of secrets). */
  detail: z.string(),
  /** What Databend's sentence names, when it does. */
  file: z.string().nullable(),
  line: z.number().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  /** Failures of this version that counted (transient failures do not). */
  attempts: z.number(),
  first_failed_at: z.string(),
  last_failed_at: z.string(),
  state: failedFileStateSchema,
  dismiss_reason: z.string().nullable(),
  /** Who dismissed it: the user's email or the API key's name. */
  dismissed_by: z.string().nullable(),
  dismissed_at: z.string().nullable(),
  /** When a later successful load cleared it. */
  cleared_at: z.string().nullable(),
  /** The S3 event behind the failure (its name and time), when it came from one (not a listing). */
  event_name: z.string().nullable(),
  event_time: z.string().nullable(),
});
export type FailedFile = z.infer<typeof failedFileSchema>;

/**
 * GET /api/tasks/:id/failed-files?state=&error_code=&q=&page_size=&cursor=: newest failure first.
 * Without `state`, files in `failed` and `retrying` (the ones that need someone).
 */
export const failedFilesQuerySchema = z.object({
  state: failedFileStateSchema.optional(),
  /** Only failures with this Databend error code. */
  error_code: z.coerce.number().int().min(0).max(100_000).optional(),
  /** Only files whose key or Databend's sentence contains this text. */
  q: z.string().trim().min(1).max(200).optional(),
  page_size: z.coerce.number().int().min(1).max(FAILED_FILES_PAGE_MAX).default(FAILED_FILES_PAGE_DEFAULT),
  /** `next_cursor` of the previous page (opaque). */
  cursor: z.string().min(1).max(200).optional(),
});
export type FailedFilesQuery = z.infer<typeof failedFilesQuerySchema>;

export const failedFileCountsSchema = z.object({
  failed: z.number(),
  retrying: z.number(),
  dismissed: z.number(),
  cleared: z.number(),
});
export type FailedFileCounts = z.infer<typeof failedFileCountsSchema>;

export const failedFilesPageSchema = z.object({
  items: z.array(failedFileSchema),
  /** Files matching the filters (all pages). */
  total: z.number(),
  /** Pass as `cursor` for the next page; null on the last. */
  next_cursor: z.string().nullable(),
  /** The task's files by state, regardless of the filters. */
  counts: failedFileCountsSchema,
  /** Error codes among the task's failed and retrying files, most frequent first (for the error filter). */
  errors: z.array(z.object({ error_code: z.number().nullable(), error_code_name: z.string().nullable(), count: z.number() })),
});
export type FailedFilesPage = z.infer<typeof failedFilesPageSchema>;

const idsSchema = z
  .array(z.string().min(1).max(100))
  .min(1, FAILED_FILES_MESSAGES.idsOrAll)
  .max(FAILED_FILES_MAX_IDS, FAILED_FILES_MESSAGES.idsTooMany);

/** Either `ids`, or `all: true` (every file of the task in state `failed`). */
const selection = {
  ids: idsSchema.optional(),
  all: z.literal(true).optional(),
};

function oneSelection(v: { ids?: string[] | undefined; all?: true | undefined }, ctx: z.RefinementCtx): void {
  if (v.ids !== undefined && v.all !== undefined) ctx.addIssue({ code: "custom", path: ["ids"], message: FAILED_FILES_MESSAGES.idsAndAll });
  if (v.ids === undefined && v.all === undefined) ctx.addIssue({ code: "custom", path: ["ids"], message: FAILED_FILES_MESSAGES.idsOrAll });
}

/** POST /api/tasks/:id/failed-files/retry: marks the files `retrying`; the worker loads their current versions. */
export const failedFilesRetrySchema = z.strictObject(selection).superRefine(oneSelection);
export type FailedFilesRetry = z.infer<typeof failedFilesRetrySchema>;

/** POST /api/tasks/:id/failed-files/dismiss: marks the files `dismissed` with the reason (audited). */
export const failedFilesDismissSchema = z
  .strictObject({
    ...selection,
    reason: z
      .string({ error: FAILED_FILES_MESSAGES.reasonRequired })
      .trim()
      .min(1, FAILED_FILES_MESSAGES.reasonRequired)
      .max(DISMISS_REASON_MAX, FAILED_FILES_MESSAGES.reasonTooLong),
  })
  .superRefine(oneSelection);
export type FailedFilesDismiss = z.infer<typeof failedFilesDismissSchema>;

/** What Retry or Dismiss changed: files it applied to (ids of another task, or in another state, are not). */
export const failedFilesActionResultSchema = z.object({
  updated: z.number(),
  counts: failedFileCountsSchema,
});
export type FailedFilesActionResult = z.infer<typeof failedFilesActionResultSchema>;

/**
 * The counters a task (contracts/task.ts taskCountersSchema) and each of its runs (taskRunSchema)
 * gain, so that objects_failed + objects_loaded + objects_duplicate + objects_empty = objects settled
 * ("failed + loaded + skipped = seen": skipped is duplicate + empty). A file counts once when it
 * settles: its failures before quarantine do not count here (they are `attempts` on its record).
 */
export const objectOutcomeCountersSchema = z.object({
  /** Objects with nothing to load: zero bytes, or no rows (only a newline, or only a CSV header). */
  objects_empty: z.number(),
  /**
   * On a task: the objects in Failed files now (failed, retrying or dismissed): a later load that
   * clears one takes it off, and objects_loaded counts it. On a run: the objects it set aside.
   */
  objects_failed: z.number(),
});
export type ObjectOutcomeCounters = z.infer<typeof objectOutcomeCountersSchema>;

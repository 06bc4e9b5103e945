// The one definition of an "Amazon SQS (S3) Integration Task": the form (zodResolver), the API
// validation, the worker and the TypeScript types all come from here.
import { z } from "./zod.ts";
import { objectOutcomeCountersSchema } from "./failed-files.ts";
import { utf8Length } from "./aws-names.ts";
import { displayNameSchema } from "./display-name.ts";
import { COMPRESSIONS, ON_ERROR_MODES, type FileFormatType } from "./task-labels.ts";

// The words and option lists live in a zod-free module the console's pages import (see there).
export { COMPRESSIONS, FILE_FORMAT_LABELS, ON_ERROR_HELP, ON_ERROR_MODES, PURGE_WARNING } from "./task-labels.ts";

/** What a Databend name names, in the messages about it. */
export type DatabendNameField = "database" | "table" | "column";

export const TASK_MESSAGES = {
  nameRequired: "Enter a name for the task",
  nameTooLong: "Name must be at most 128 characters",
  dataSourceRequired: "Choose the data source the task reads from",
  dataSourceMissing: "No data source with this id; choose an existing data source",
  databaseRequired: "Enter the Databend database to load into",
  tableRequired: "Enter the Databend table to load into",
  identifierTooLong: "At most 255 characters",
  identifierBacktick: (field: DatabendNameField) =>
    `The ${field} name cannot contain a backtick (\`): Databend cannot quote such a name in SQL. Choose a ${field} whose name has none`,
  identifierControl: (field: DatabendNameField) =>
    `The ${field} name cannot contain control characters (tab, line break, NUL, ...); remove them`,
  delimiterRequired: "Enter the delimiter: one character such as , or ; or | or a tab",
  delimiterTooLong: (maxBytes: number) =>
    maxBytes === 1
      ? "The delimiter must be one single-byte (ASCII) character such as , or ; or | or a tab; this Databend accepts no longer delimiter"
      : `The delimiter must be at most ${maxBytes} bytes (UTF-8)`,
  delimiterAlphanumeric: "The delimiter cannot be a letter or a digit (Databend refuses them); use e.g. , or ; or | or a tab",
  quoteChoice: "The quote must be \" or ' or ` (the only quote characters Databend accepts)",
  filterTooLong: "At most 1024 bytes",
  prefixOutOfScope: (sourcePrefix: string) =>
    `The prefix must start with the data source's prefix "${sourcePrefix}"; the queue only carries events under it`,
  suffixOutOfScope: (sourceSuffix: string) =>
    `The suffix must end with the data source's suffix "${sourceSuffix}"; the queue only carries events with it`,
  delimiterEqualsQuote: "The delimiter and the quote character must differ",
  reconcileRange: "Reconcile every: a whole number of minutes from 5 to 10080 (a week), or empty to turn reconciling off",
} as const;

/** Bounds of `reconcile_every_minutes`: no more often than every 5 minutes, at least once a week. */
export const RECONCILE_MINUTES = { min: 5, max: 7 * 24 * 60 } as const;

/**
 * How often the worker lists the task's scope to load objects whose S3 events never arrived (off
 * when null), like Databricks Auto Loader's `cloudFiles.backfillInterval`: event notifications do
 * not guarantee delivery of every object, so a periodic listing makes sure each is loaded at last.
 */
export const reconcileEverySchema = z
  .number({ error: TASK_MESSAGES.reconcileRange })
  .int(TASK_MESSAGES.reconcileRange)
  .min(RECONCILE_MINUTES.min, TASK_MESSAGES.reconcileRange)
  .max(RECONCILE_MINUTES.max, TASK_MESSAGES.reconcileRange)
  .nullable();

export const compressionSchema = z.enum(COMPRESSIONS);
export type Compression = z.infer<typeof compressionSchema>;

/**
 * Databend's CSV option checks (src/meta/app/src/principal/file_format.rs, FileFormatParams::check):
 * - QUOTE: `check_quote` accepts only `'`, `"` and a backtick.
 * - FIELD_DELIMITER: up to v1.2.873 `check_field_delimiter` accepts exactly one byte that is not
 *   ASCII alphanumeric ("Expecting a single one-byte, non-alphanumeric character."), so `||` or `§`
 *   (two UTF-8 bytes) fail every COPY with error 1006. v1.2.874 and later (databendlabs/databend
 *   #19355, `check_field_delimiter_csv`) accept 1..20 bytes and refuse only a single alphanumeric
 *   byte. Raise this to 20 once every Databend the product loads into is that recent; the rule below
 *   is written for both.
 */
export const CSV_FIELD_DELIMITER_MAX_BYTES = 1;
export const CSV_QUOTES = ['"', "'", "`"] as const;

/** Why Databend would refuse this CSV FIELD_DELIMITER, or null when it accepts it. */
export function csvDelimiterProblem(value: string, maxBytes: number = CSV_FIELD_DELIMITER_MAX_BYTES): string | null {
  if (value.length === 0) return TASK_MESSAGES.delimiterRequired;
  const bytes = utf8Length(value);
  if (bytes > maxBytes) return TASK_MESSAGES.delimiterTooLong(maxBytes);
  if (bytes === 1 && /^[A-Za-z0-9]$/.test(value)) return TASK_MESSAGES.delimiterAlphanumeric;
  return null;
}

const csvDelimiter = z.string().superRefine((value, ctx) => {
  const problem = csvDelimiterProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const csvQuote = z.string().refine((value) => (CSV_QUOTES as readonly string[]).includes(value), TASK_MESSAGES.quoteChoice);

export const csvFormatSchema = z.strictObject({
  type: z.literal("csv"),
  /** The first line of every file is a header row and is skipped. */
  header: z.boolean().default(true),
  delimiter: csvDelimiter.default(","),
  quote: csvQuote.default('"'),
  compression: compressionSchema.default("auto"),
});

export const ndjsonFormatSchema = z.strictObject({
  type: z.literal("ndjson"),
  compression: compressionSchema.default("auto"),
});

export const parquetFormatSchema = z.strictObject({
  type: z.literal("parquet"),
});

export const fileFormatSchema = z
  .discriminatedUnion("type", [csvFormatSchema, ndjsonFormatSchema, parquetFormatSchema])
  .superRefine((format, ctx) => {
    if (format.type === "csv" && format.delimiter === format.quote) {
      ctx.addIssue({ code: "custom", path: ["quote"], message: TASK_MESSAGES.delimiterEqualsQuote });
    }
  });
export type FileFormat = z.output<typeof fileFormatSchema>;

/**
 * A file format as stored: the same shape without the input rules, so a task saved before a rule
 * existed still reads back (its COPY then fails with Databend's own refusal, which fails the task).
 */
export const storedFileFormatSchema = z.discriminatedUnion("type", [
  csvFormatSchema.extend({ delimiter: z.string().default(","), quote: z.string().default('"') }),
  ndjsonFormatSchema,
  parquetFormatSchema,
]);
export type { FileFormatType };
// Fails to compile when the schemas and FILE_FORMAT_TYPES name different formats.
const sameFormats: [FileFormat["type"], FileFormatType] extends [FileFormatType, FileFormat["type"]] ? true : never = true;
void sameFormats;

export const onErrorSchema = z.enum(ON_ERROR_MODES);
export type OnError = z.infer<typeof onErrorSchema>;

const trimmed = (schema: z.ZodType<string, string>) => z.string().trim().pipe(schema);
const keyFilter = z.string().refine((v) => utf8Length(v) <= 1024, TASK_MESSAGES.filterTooLong);

/**
 * A database or table name, written into SQL as a backtick-quoted identifier. Databend's lexer
 * reads a quoted identifier as `` `[^`]*` `` (src/query/ast/src/parser/token.rs, `QuotedString`):
 * there is no escaped backtick inside one, and `a``b` is two identifiers, a syntax error (1005).
 * Control characters are refused as well: Databend would accept them, but such a name is a paste
 * accident nobody can see in the console.
 */
export const databendName = (field: DatabendNameField, required: string) =>
  trimmed(
    z
      .string()
      .min(1, required)
      .max(255, TASK_MESSAGES.identifierTooLong)
      .refine((v) => !v.includes("`"), TASK_MESSAGES.identifierBacktick(field))
      .refine((v) => !/\p{Cc}/u.test(v), TASK_MESSAGES.identifierControl(field)),
  );

export const targetSchema = z.strictObject({
  database: databendName("database", TASK_MESSAGES.databaseRequired).default("default"),
  table: databendName("table", TASK_MESSAGES.tableRequired),
});
export type TaskTarget = z.output<typeof targetSchema>;
/** A target as stored (see `storedFileFormatSchema`). */
export const storedTargetSchema = z.strictObject({ database: z.string(), table: z.string() });

/**
 * What a client sends to create or replace a task. `prefix`/`suffix` left out take the data
 * source's; given, they must lie within the data source's scope (see `taskScopeProblems`).
 */
export const taskInputSchema = z.strictObject({
  name: displayNameSchema("task", { required: TASK_MESSAGES.nameRequired, tooLong: TASK_MESSAGES.nameTooLong }),
  data_source_id: trimmed(z.string().min(1, TASK_MESSAGES.dataSourceRequired)),
  file_format: fileFormatSchema,
  prefix: keyFilter.optional(),
  suffix: keyFilter.optional(),
  target: targetSchema,
  /**
   * The organization's warehouse (GET /api/org/warehouses) the target lives in. Left out or null:
   * the organization's default at the time the task is saved, stored on the task so a later change
   * of default never moves a running task's rows.
   */
  warehouse_id: z.string().trim().min(1).max(64).nullable().default(null),
  on_error: onErrorSchema.default("abort"),
  purge: z.boolean().default(false),
  /** Minutes between reconciling listings; null or left out: off. */
  reconcile_every_minutes: reconcileEverySchema.default(null),
});
export type TaskFormValues = z.input<typeof taskInputSchema>;
export type TaskInput = z.output<typeof taskInputSchema>;

/** The scope of a data source that a task narrows. */
export interface SourceScope {
  prefix: string;
  suffix: string;
}

/** Field problems of a task against its data source's scope; empty when the task fits. */
export function taskScopeProblems(
  task: { prefix?: string | undefined; suffix?: string | undefined },
  source: SourceScope,
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (task.prefix !== undefined && !task.prefix.startsWith(source.prefix)) {
    problems.prefix = TASK_MESSAGES.prefixOutOfScope(source.prefix);
  }
  if (task.suffix !== undefined && !task.suffix.endsWith(source.suffix)) {
    problems.suffix = TASK_MESSAGES.suffixOutOfScope(source.suffix);
  }
  return problems;
}

/** A task's prefix/suffix once defaults from its data source are applied. */
export function effectiveScope(
  task: { prefix?: string | undefined; suffix?: string | undefined },
  source: SourceScope,
): SourceScope {
  return { prefix: task.prefix ?? source.prefix, suffix: task.suffix ?? source.suffix };
}

export const TASK_STATUSES = ["stopped", "running", "failed"] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
export const desiredStateSchema = z.enum(["stopped", "running"]);
export type DesiredState = z.infer<typeof desiredStateSchema>;

export const taskCountersSchema = z.object({
  messages_received: z.number(),
  messages_deleted: z.number(),
  messages_skipped: z.number(),
  objects_loaded: z.number(),
  objects_duplicate: z.number(),
  ...objectOutcomeCountersSchema.shape,
  rows_loaded: z.number(),
  errors: z.number(),
  copy_statements: z.number(),
  batches: z.number(),
});
export type TaskCounters = z.infer<typeof taskCountersSchema>;

/** A stored task, as the API returns it. */
export const taskRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  data_source_id: z.string(),
  data_source_name: z.string().nullable(),
  file_format: storedFileFormatSchema,
  prefix: z.string(),
  suffix: z.string(),
  target: storedTargetSchema,
  /**
   * The organization's warehouse the task loads into (GET /api/org/warehouses/:id). Null only for a
   * task saved before warehouses existed whose organization has none yet; it takes the default once
   * the organization has one.
   */
  warehouse_id: z.string().nullable(),
  on_error: onErrorSchema,
  purge: z.boolean(),
  /** Minutes between reconciling listings of the task's scope; null: off. */
  reconcile_every_minutes: z.number().nullable(),
  /** What the API asked for. */
  desired_state: desiredStateSchema,
  /** What the worker reports; `failed` comes with `status_reason`. */
  status: taskStatusSchema,
  /** Why the task is in its status, in words for the operator (what happened, what to do). */
  status_reason: z.string().nullable(),
  /** The outside system's own text behind `status_reason` (Databend's or AWS's, scrubbed), for a "details" view. */
  status_reason_detail: z.string().nullable(),
  /** Last sign of life from a worker running the task. */
  heartbeat_at: z.string().nullable(),
  worker_id: z.string().nullable(),
  /** The last error, in words for the operator. */
  last_error: z.string().nullable(),
  /** The outside system's own text behind `last_error` (scrubbed), for a "details" view. */
  last_error_detail: z.string().nullable(),
  last_batch_at: z.string().nullable(),
  counters: taskCountersSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/**
 * A worker holding a task, as its heartbeats say (GET /api/tasks/:id/workers). Several workers may
 * consume one task's queue at once; each heartbeat is recorded per worker, and a worker that stops
 * the task drops out. One not seen for a while is forgotten.
 */
export const taskWorkerSchema = z.object({
  worker_id: z.string(),
  /** Its first heartbeat since it picked the task up. */
  started_at: z.string(),
  /** Its last heartbeat. */
  heartbeat_at: z.string(),
  /** Whether that heartbeat is recent enough (by the store's clock) to count the worker as alive. */
  live: z.boolean(),
});
export type TaskWorker = z.infer<typeof taskWorkerSchema>;
export const taskWorkersResponseSchema = z.object({ items: z.array(taskWorkerSchema) });

/** `deferred`: nothing loaded, deleted or failed; every message waits to be looked at again (see the run's `deferred`). */
export const RUN_STATUSES = ["succeeded", "partial", "failed", "abandoned", "deferred"] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runSkipSchema = z.object({
  message_id: z.string(),
  key: z.string().optional(),
  reason: z.string(),
});
export type RunSkip = z.infer<typeof runSkipSchema>;

export const runErrorSchema = z.object({
  message_id: z.string().optional(),
  key: z.string().optional(),
  /** What went wrong and what happens next, in words for the operator. */
  error: z.string(),
  /** The outside system's own text (Databend's or AWS's, scrubbed), for a "details" view. */
  detail: z.string().optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/**
 * Event -> committed lag of a run's loaded objects: from the S3 event's eventTime to the moment the
 * COPY that loaded the object returned, exact nearest-rank percentiles over the run's objects.
 * Objects whose event had no eventTime, or whose rows were counted after a worker restart, are left out.
 */
export const runLagSchema = z.object({
  objects: z.number(),
  p50_ms: z.number(),
  p95_ms: z.number(),
  max_ms: z.number(),
});
export type RunLag = z.infer<typeof runLagSchema>;

/** One entry per batch the worker handled. */
export const taskRunSchema = z.object({
  id: z.string(),
  task_id: z.string(),
  worker_id: z.string(),
  started_at: z.string(),
  ended_at: z.string(),
  status: runStatusSchema,
  messages: z.number(),
  messages_deleted: z.number(),
  messages_skipped: z.number(),
  objects_loaded: z.number(),
  /** Objects left out because the ledger or Databend's load metadata says they are loaded. */
  objects_duplicate: z.number(),
  ...objectOutcomeCountersSchema.shape,
  rows_loaded: z.number(),
  copy_statements: z.number(),
  skipped: z.array(runSkipSchema),
  errors: z.array(runErrorSchema),
  /**
   * Messages this run left to be looked at again without a failure, and why (another worker or
   * another batch of this worker holds the key, or this worker's claim lapsed). Absent when none.
   */
  deferred: z.array(runSkipSchema).optional(),
  /** Entries beyond the stored lists' caps. */
  more_skipped: z.number(),
  more_errors: z.number(),
  /** Null when the run loaded nothing whose lag is known (and for runs recorded before lag was). */
  lag: runLagSchema.nullable(),
});
export type TaskRun = z.infer<typeof taskRunSchema>;

// POST /api/tasks/preview: what a task would see before it exists. The objects under the task's
// scope (listed with the data source's role), and one sample object as Databend itself reads it
// with the task's file format: its first rows, and columns (name, type, nullable) typed from it and
// a few other objects (the newest and oldest), widened so a table of them takes every file read. The wizard's
// Preview step and its Target step (a new table from the columns) read this.
import { z } from "./zod.ts";
import { apiErrorSchema } from "./api.ts";
import { fileFormatSchema, TASK_MESSAGES } from "./task.ts";
import { utf8Length } from "./aws-names.ts";

/** Bounds of one preview: objects listed back, rows read, text per value and per answer. */
export const PREVIEW_LIMITS = {
  /** Objects in the answer, newest first. */
  objects: 50,
  /** ListObjectsV2 pages (1,000 keys each) read to find the newest; more and `objects_truncated`. */
  listPages: 10,
  /** Rows of the sample shown in the answer. */
  rows: 20,
  /**
   * Objects read to type the columns: the sample, then the newest and the oldest others with the
   * sample's extension. Five: a new file's columns and an old one's are the likeliest to differ
   * (a producer changed), and each read is one Databend query of a second or two on a loaded box,
   * so five keep a preview within seconds while catching "the newest file happens to hold 1".
   */
  typingFiles: 5,
  /**
   * Rows read from each of them (`LIMIT` of Databend's SELECT). A hundred: enough to meet a
   * column's decimals or text in a file that starts with whole numbers, few enough that 5 files of
   * 200 CSV columns stay 100,000 values.
   */
  typingRows: 100,
  /**
   * The largest object a preview asks Databend to read: how much of an object Databend fetches
   * before LIMIT stops it is the engine's business (and a compressed one is read from its start),
   * so a preview never has it open a huge object to show 20 rows. The sample defaults to the newest
   * object within it; one chosen over it is answered with a sentence instead of read; another over
   * it is left out of the typing (both said so in the answer).
   */
  objectBytes: 64 * 1024 * 1024,
  /** Time all reads after the sample's may take together; a file not read by then is left out (said so). */
  typingMs: 15_000,
  /** Columns of a CSV sample Databend is asked for ($1 .. $N). */
  csvColumns: 200,
  /** Characters of one value's text in `rows`; a longer value is cut and `truncated` set. */
  valueChars: 1_000,
  /** Characters of all rows' JSON together; rows past it are left out and `truncated` set. */
  rowsChars: 64 * 1024,
} as const;

export const PREVIEW_MESSAGES = {
  keyTooLong: "At most 1024 bytes",
  keyOutOfScope: "The sample must be an object under the prefix and with the suffix; choose one of the listed objects",
} as const;

const keyFilter = z.string().refine((v) => utf8Length(v) <= 1024, TASK_MESSAGES.filterTooLong);

export const previewRequestSchema = z.strictObject({
  data_source_id: z.string().trim().min(1, TASK_MESSAGES.dataSourceRequired),
  /** The task's file format (contracts/task.ts): the preview reads with the options a COPY would use. */
  file_format: fileFormatSchema,
  /** Left out: the data source's; given, within the data source's scope (as a task's). */
  prefix: keyFilter.optional(),
  suffix: keyFilter.optional(),
  /** The object to read; left out, the newest listed one. */
  key: z.string().min(1).refine((v) => utf8Length(v) <= 1024, PREVIEW_MESSAGES.keyTooLong).optional(),
  /** The organization's warehouse that reads the sample, as on a task; left out or null: the default. */
  warehouse_id: z.string().trim().min(1).max(64).nullable().optional(),
});
export type PreviewRequest = z.output<typeof previewRequestSchema>;

export const previewObjectSchema = z.object({
  key: z.string(),
  size: z.number(),
  /** ISO 8601, as S3 reports it. */
  last_modified: z.string(),
});
export type PreviewObject = z.infer<typeof previewObjectSchema>;

/**
 * A column as the sample shows it: the name (Parquet's, the NDJSON key, the CSV header or
 * `column_<n>`) and a Databend type in DESC's spelling (contracts/warehouse.ts), ready for a new table.
 */
export const previewColumnSchema = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
});
export type PreviewColumn = z.infer<typeof previewColumnSchema>;

/** A JSON value of a row: what Databend read, as JSON (timestamps as text, VARIANT as JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

export const previewSampleSchema = z.object({
  key: z.string(),
  /** The columns of all the files read (`typed_from`), each of the type that takes all their values. */
  columns: z.array(previewColumnSchema),
  /** Up to PREVIEW_LIMITS.rows rows of the sample object, each an array in the order of `columns`. */
  rows: z.array(z.array(jsonValueSchema)),
  /** Some value was cut, or some row left out, to keep the answer within PREVIEW_LIMITS. */
  truncated: z.boolean(),
  /**
   * How the columns were found: `databend` when Databend's own result schema typed them (Parquet),
   * `sample` when they were inferred from the values Databend read (CSV text, NDJSON objects).
   */
  inferred_by: z.enum(["databend", "sample"]),
  /** How a table's columns meet the file: CSV by position, NDJSON and Parquet by name. */
  match_by: z.enum(["position", "name"]),
  /** What in the sample a load with this format would refuse, one sentence each (empty when nothing). */
  warnings: z.array(z.string()),
  /**
   * The objects whose values typed `columns` (the sample first), with the rows read from each (at
   * most PREVIEW_LIMITS.typingRows): the types are the widest that takes the values of all of them.
   */
  typed_from: z.array(z.object({ key: z.string(), rows: z.number() })),
  /** Objects chosen for the typing but not read (too large, unreadable, out of time), and why. */
  typing_left_out: z.array(z.object({ key: z.string(), reason: z.string() })),
  /**
   * Columns whose type differs between the files read: each type seen (a file with only NULLs in the
   * column says none) with the files that hold it, and `type`, the widened one in `columns`.
   */
  disagreements: z.array(
    z.object({
      column: z.string(),
      type: z.string(),
      types: z.array(z.object({ type: z.string(), keys: z.array(z.string()) })),
    }),
  ),
});
export type PreviewSample = z.infer<typeof previewSampleSchema>;

export const previewResponseSchema = z.object({
  bucket: z.string(),
  prefix: z.string(),
  suffix: z.string(),
  /** Newest first, at most PREVIEW_LIMITS.objects. */
  objects: z.array(previewObjectSchema),
  /** More objects matched than were listed or returned. */
  objects_truncated: z.boolean(),
  /** The sample as Databend read it; null when there is none (empty scope) or reading failed. */
  sample: previewSampleSchema.nullable(),
  /** Why the sample could not be read (a malformed file, access denied...): a sentence and Databend's words in `detail`. */
  sample_error: apiErrorSchema.nullable(),
  /** No object matches the prefix and suffix. */
  empty: z.boolean(),
  /** When empty: what to do, and an AWS CLI command that uploads a test object into scope. */
  upload_hint: z.object({ message: z.string(), command: z.string() }).nullable(),
});
export type PreviewResponse = z.infer<typeof previewResponseSchema>;

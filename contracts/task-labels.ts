// The task contract's words and option lists, without zod: the console's task list and detail pages
// show them and must not load zod (a form's library) for it. contracts/task.ts builds its schemas
// from these and re-exports them, so server code and forms may import either module; pages that
// have no form import this one.

/** The file formats a task reads (contracts/task.ts has one schema for each). */
export const FILE_FORMAT_TYPES = ["csv", "ndjson", "parquet"] as const;
export type FileFormatType = (typeof FILE_FORMAT_TYPES)[number];

/** Compression of CSV and NDJSON files; `auto` detects it from the file name extension. */
export const COMPRESSIONS = [
  "auto",
  "none",
  "gzip",
  "bz2",
  "brotli",
  "zstd",
  "deflate",
  "raw_deflate",
  "xz",
] as const;

export const FILE_FORMAT_LABELS: Record<FileFormatType, string> = {
  csv: "CSV",
  ndjson: "NDJSON",
  parquet: "Parquet",
};

export const ON_ERROR_MODES = ["abort", "continue"] as const;
// Databend's ON_ERROR applies to CSV and NDJSON rows; a Parquet file that does not fit the table
// fails whichever mode is chosen (tests/databend-rules.test.ts confirms both on the engine).
export const ON_ERROR_HELP: Record<(typeof ON_ERROR_MODES)[number], string> = {
  abort:
    "A file with a bad row is not loaded (the other files of the batch are); its message stays in the queue and is retried until the queue's redrive policy moves it aside. Parquet files always behave this way",
  continue:
    "Bad CSV or NDJSON rows are skipped and counted; the rest of the file is loaded and the message is deleted. A Parquet file that does not fit the table still fails as a whole",
};

/** Shown beside the purge switch: the role then needs one more permission. */
export const PURGE_WARNING =
  "Purge deletes each source object after it is loaded, including a file whose bad rows Continue skipped (those rows are then gone). Grant the IAM role s3:DeleteObject on the object path (arn:aws:s3:::<bucket>/<prefix>*); without it the rows still load but the objects stay in the bucket (Databend's purge is best effort).";

/**
 * A worker heartbeat older than this no longer counts as a live worker: the API then stops a task
 * at once, and the console calls a running task whose heartbeat is this old "stalled". Workers beat
 * every 200 ms to 5 s (server/worker/task-runner.ts), so 30 s is several missed beats.
 */
export const WORKER_STALE_AFTER_MS = 30_000;

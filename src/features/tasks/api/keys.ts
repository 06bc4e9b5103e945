// Query keys of the task feature; every list, detail, run-history, workers, activity and failed-files query lives under `all`.
export const taskKeys = {
  all: ["tasks"] as const,
  list: () => [...taskKeys.all, "list"] as const,
  detail: (id: string) => [...taskKeys.all, "detail", id] as const,
  runs: (id: string) => [...taskKeys.all, "runs", id] as const,
  workers: (id: string) => [...taskKeys.all, "workers", id] as const,
  activity: (id: string) => [...taskKeys.all, "activity", id] as const,
  backfill: (id: string) => [...taskKeys.all, "backfill", id] as const,
  /** Every page and filter of one task's failed files (invalidate this to refresh them all). */
  failedFiles: (id: string) => [...taskKeys.all, "failed-files", id] as const,
  failedFilesList: (id: string, filters: object) => [...taskKeys.failedFiles(id), filters] as const,
  /**
   * A wizard preview, by its whole request (source, format, scope, sample key). Outside `all` on
   * purpose: refreshing the task lists must not read a sample object again.
   */
  preview: (input: unknown) => ["task-preview", input] as const,
};

/** How often task queries refresh while a task runs or is changing state. */
export const TASK_REFRESH_MS = 3_000;

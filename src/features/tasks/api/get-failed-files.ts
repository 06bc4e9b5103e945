// GET /api/tasks/:id/failed-files: the task's failed files, newest failure first, a page at a time
// (the API's opaque `next_cursor`), filtered by state and Databend error code.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { FailedFilesPage, FailedFileState } from "#contracts/failed-files.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { TASK_REFRESH_MS, taskKeys } from "./keys.ts";

export const FAILED_FILES_PAGE_SIZE = 20;

export interface FailedFilesFilters {
  /** Absent: the files that need someone (failed and retrying). */
  state?: FailedFileState | undefined;
  error_code?: number | undefined;
}

export async function getFailedFiles(
  id: string,
  filters: FailedFilesFilters,
  { cursor, signal }: { cursor?: string | undefined; signal?: AbortSignal } = {},
): Promise<FailedFilesPage> {
  const query = new URLSearchParams({ page_size: String(FAILED_FILES_PAGE_SIZE) });
  if (filters.state) query.set("state", filters.state);
  if (filters.error_code !== undefined) query.set("error_code", String(filters.error_code));
  if (cursor) query.set("cursor", cursor);
  return apiRequest<FailedFilesPage>(`/api/tasks/${encodeURIComponent(id)}/failed-files?${query}`, { signal });
}

/** How often the list refreshes while the task runs (new files may be set aside meanwhile). */
export const FAILED_FILES_REFRESH_MS = 10_000;

/**
 * The loaded pages of one filter. While Retry is under way (some file is `retrying`) they refresh
 * every few seconds, so a file leaves the list once the worker has loaded it; while the task runs
 * (`live`), every FAILED_FILES_REFRESH_MS.
 */
export function useFailedFiles(id: string, filters: FailedFilesFilters, { live = false }: { live?: boolean } = {}) {
  return useInfiniteQuery({
    queryKey: taskKeys.failedFilesList(id, filters),
    queryFn: ({ pageParam, signal }) => getFailedFiles(id, filters, { cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // A new filter keeps the old rows on screen until its first page arrives.
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      (query.state.data?.pages[0]?.counts.retrying ?? 0) > 0 ? TASK_REFRESH_MS : live ? FAILED_FILES_REFRESH_MS : false,
  });
}

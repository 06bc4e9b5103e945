// GET /api/tasks/:id/runs, newest first, paged with `before` (the oldest loaded run's start time).
import { useInfiniteQuery } from "@tanstack/react-query";
import type { TaskRun } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { TASK_REFRESH_MS, taskKeys } from "./keys.ts";

export const RUNS_PAGE_SIZE = 20;

export async function getTaskRuns(
  id: string,
  { limit = RUNS_PAGE_SIZE, before, signal }: { limit?: number; before?: string | undefined; signal?: AbortSignal } = {},
): Promise<TaskRun[]> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before) query.set("before", before);
  return (await apiRequest<{ items: TaskRun[] }>(`/api/tasks/${encodeURIComponent(id)}/runs?${query}`, { signal })).items;
}

/** Run history; `live` refreshes the loaded pages every few seconds (while the task runs). */
export function useTaskRuns(id: string, { live = false }: { live?: boolean } = {}) {
  return useInfiniteQuery({
    queryKey: taskKeys.runs(id),
    queryFn: ({ pageParam, signal }) => getTaskRuns(id, { before: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    // A short page is the last one; otherwise the next page holds runs older than this page's oldest.
    getNextPageParam: (page) => (page.length < RUNS_PAGE_SIZE ? undefined : page[page.length - 1]?.started_at),
    refetchInterval: live ? TASK_REFRESH_MS : false,
  });
}

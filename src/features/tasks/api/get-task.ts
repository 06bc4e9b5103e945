import { useQuery } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { isActive } from "../task-state.ts";
import { TASK_REFRESH_MS, taskKeys } from "./keys.ts";

export async function getTask(id: string, signal?: AbortSignal): Promise<TaskRecord> {
  return apiRequest<TaskRecord>(`/api/tasks/${encodeURIComponent(id)}`, { signal });
}

/** One task; refreshed every few seconds while it runs or is starting or stopping. */
export function useTask(id: string) {
  return useQuery({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => getTask(id, signal),
    refetchInterval: (query) => (query.state.data && isActive(query.state.data) ? TASK_REFRESH_MS : false),
  });
}

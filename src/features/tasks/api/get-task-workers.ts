// GET /api/tasks/:id/workers: the workers holding a task and their last heartbeats.
import { useQuery } from "@tanstack/react-query";
import type { TaskWorker } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { TASK_REFRESH_MS, taskKeys } from "./keys.ts";

export async function getTaskWorkers(id: string, signal?: AbortSignal): Promise<TaskWorker[]> {
  return (await apiRequest<{ items: TaskWorker[] }>(`/api/tasks/${encodeURIComponent(id)}/workers`, { signal })).items;
}

/** The task's workers; `live` refreshes them every few seconds (while the task runs). */
export function useTaskWorkers(id: string, { live = false }: { live?: boolean } = {}) {
  return useQuery({
    queryKey: taskKeys.workers(id),
    queryFn: ({ signal }) => getTaskWorkers(id, signal),
    refetchInterval: live ? TASK_REFRESH_MS : false,
  });
}

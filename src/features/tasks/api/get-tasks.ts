import { useQuery } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { isActive } from "../task-state.ts";
import { TASK_REFRESH_MS, taskKeys } from "./keys.ts";

export async function getTasks(signal?: AbortSignal): Promise<TaskRecord[]> {
  return (await apiRequest<{ items: TaskRecord[] }>("/api/tasks", { signal })).items;
}

/** The task list; refreshed every few seconds while any task runs or is starting or stopping. */
export function useTasks() {
  return useQuery({
    queryKey: taskKeys.list(),
    queryFn: ({ signal }) => getTasks(signal),
    refetchInterval: (query) => (query.state.data?.some(isActive) ? TASK_REFRESH_MS : false),
  });
}

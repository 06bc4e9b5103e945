// GET /api/tasks/:id/activity: the queue's backlog, event -> committed lag and throughput per minute.
import { useQuery } from "@tanstack/react-query";
import type { TaskActivity } from "#contracts/task-activity.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

/** The backlog is cached 10 s by the API (it costs an AWS call); asking more often shows nothing new. */
export const ACTIVITY_REFRESH_MS = 10_000;

export async function getTaskActivity(id: string, signal?: AbortSignal): Promise<TaskActivity> {
  return apiRequest<TaskActivity>(`/api/tasks/${encodeURIComponent(id)}/activity`, { signal });
}

/** Refreshed every ACTIVITY_REFRESH_MS while the page is visible (TanStack Query pauses in a hidden tab). */
export function useTaskActivity(id: string) {
  return useQuery({
    queryKey: taskKeys.activity(id),
    queryFn: ({ signal }) => getTaskActivity(id, signal),
    refetchInterval: ACTIVITY_REFRESH_MS,
  });
}

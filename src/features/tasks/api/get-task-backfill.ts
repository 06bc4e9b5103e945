// GET /api/tasks/:id/backfill: the task's latest backfill and reconcile, with their progress.
import { useQuery } from "@tanstack/react-query";
import type { BackfillState } from "#contracts/backfill.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

/** How often the progress refreshes while a job runs. */
export const BACKFILL_REFRESH_MS = 2_000;

export function getTaskBackfill(id: string, signal?: AbortSignal): Promise<BackfillState> {
  return apiRequest<BackfillState>(`/api/tasks/${encodeURIComponent(id)}/backfill`, { signal });
}

/** Refreshes every two seconds while a backfill or reconcile runs (live progress). */
export function useTaskBackfill(id: string) {
  return useQuery({
    queryKey: taskKeys.backfill(id),
    queryFn: ({ signal }) => getTaskBackfill(id, signal),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && (data.backfill?.status === "running" || data.reconcile?.status === "running") ? BACKFILL_REFRESH_MS : false;
    },
  });
}

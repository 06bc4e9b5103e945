// POST /api/tasks/:id/backfill: load existing objects (optionally modified since a date).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { BackfillJob } from "#contracts/backfill.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

export function startBackfill(id: string, since: string | undefined): Promise<BackfillJob> {
  return apiRequest<BackfillJob>(`/api/tasks/${encodeURIComponent(id)}/backfill`, { method: "POST", body: since ? { since } : {} });
}

export function useStartBackfill(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (since: string | undefined) => startBackfill(id, since),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.backfill(id) }),
  });
}

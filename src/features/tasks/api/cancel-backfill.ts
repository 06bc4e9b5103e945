// DELETE /api/tasks/:id/backfill: cancel the running backfill or reconcile.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { BackfillJob } from "#contracts/backfill.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

export function cancelBackfill(id: string): Promise<BackfillJob> {
  return apiRequest<BackfillJob>(`/api/tasks/${encodeURIComponent(id)}/backfill`, { method: "DELETE" });
}

export function useCancelBackfill(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => cancelBackfill(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.backfill(id) }),
  });
}

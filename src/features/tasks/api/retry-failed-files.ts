// POST /api/tasks/:id/failed-files/retry: the named files (or all failed ones) go back to the
// worker, which loads their current versions through the same version loader as events.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FailedFilesActionResult, FailedFilesRetry } from "#contracts/failed-files.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

export async function retryFailedFiles(id: string, body: FailedFilesRetry): Promise<FailedFilesActionResult> {
  return apiRequest<FailedFilesActionResult>(`/api/tasks/${encodeURIComponent(id)}/failed-files/retry`, { method: "POST", body });
}

export function useRetryFailedFiles(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: FailedFilesRetry) => retryFailedFiles(id, body),
    // Success or not, the list says where each file stands now; the task's counters follow.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.failedFiles(id) }),
        queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) }),
      ]),
  });
}

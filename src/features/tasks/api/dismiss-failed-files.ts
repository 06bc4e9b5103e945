// POST /api/tasks/:id/failed-files/dismiss: the named files (or all failed ones) need nothing more;
// the reason is kept on each and audited.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FailedFilesActionResult, FailedFilesDismiss } from "#contracts/failed-files.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

export async function dismissFailedFiles(id: string, body: FailedFilesDismiss): Promise<FailedFilesActionResult> {
  return apiRequest<FailedFilesActionResult>(`/api/tasks/${encodeURIComponent(id)}/failed-files/dismiss`, { method: "POST", body });
}

export function useDismissFailedFiles(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: FailedFilesDismiss) => dismissFailedFiles(id, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.failedFiles(id) }),
        queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) }),
      ]),
  });
}

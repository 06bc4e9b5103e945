import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

/** Asks for the task to stop; a live worker finishes its batch and reports `stopped`. */
export async function stopTask(id: string): Promise<TaskRecord> {
  return apiRequest<TaskRecord>(`/api/tasks/${encodeURIComponent(id)}/stop`, { method: "POST" });
}

export function useStopTask(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => stopTask(id),
    onSuccess: async (record) => {
      // The answer has the new desired state; the list, the detail and the runs refresh from here on.
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
    },
    onError: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

/** Asks for the task to run; a worker reports `running` once it picks the task up. */
export async function startTask(id: string): Promise<TaskRecord> {
  return apiRequest<TaskRecord>(`/api/tasks/${encodeURIComponent(id)}/start`, { method: "POST" });
}

export function useStartTask(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => startTask(id),
    onSuccess: async (record) => {
      // The answer has the new desired state; the list, the detail and the runs refresh from here on.
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
    },
    // The task may have changed meanwhile (deleted, started elsewhere): show what it is now.
    onError: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

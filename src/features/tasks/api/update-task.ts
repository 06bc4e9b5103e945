import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskInput, TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "../../data-sources/api/keys.ts";
import { taskKeys } from "./keys.ts";

/** PUT /api/tasks/:id replaces a stopped task (409 while it is meant to run). */
export async function updateTask(id: string, input: TaskInput): Promise<TaskRecord> {
  return apiRequest<TaskRecord>(`/api/tasks/${encodeURIComponent(id)}`, { method: "PUT", body: input });
}

export function useUpdateTask(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TaskInput) => updateTask(id, input),
    onSuccess: async (record) => {
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      // The task may have moved to another data source, which lists the tasks that use it.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.list() }),
        queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
      ]);
    },
    // A 409 means it was started meanwhile: refresh so the page says so.
    onError: () => queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) }),
  });
}

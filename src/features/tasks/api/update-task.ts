import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import type { TaskSave } from "#contracts/task-create.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "../../data-sources/public.ts";
import { taskKeys } from "./keys.ts";
import { warehouseKeys } from "../../warehouse/public.ts";

/** PUT /api/tasks/:id replaces a stopped task (409 while it is meant to run). */
export async function updateTask(id: string, input: TaskSave): Promise<TaskRecord> {
  return apiRequest<TaskRecord>(`/api/tasks/${encodeURIComponent(id)}`, { method: "PUT", body: input });
}

export function useUpdateTask(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TaskSave) => updateTask(id, input),
    onSuccess: async (record, input) => {
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      // The task may have moved to another data source, which lists the tasks that use it, or onto a table made with it.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.list() }),
        queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
        input.create_table ? queryClient.invalidateQueries({ queryKey: warehouseKeys.all }) : null,
      ]);
    },
    // A 409 means it was started meanwhile: refresh so the page says so.
    onError: () => queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) }),
  });
}

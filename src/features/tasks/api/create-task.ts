import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskRecord } from "#contracts/task.ts";
import type { TaskSave } from "#contracts/task-create.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "../../data-sources/public.ts";
import { taskKeys } from "./keys.ts";
import { warehouseKeys } from "../../warehouse/public.ts";

/** POST /api/tasks: the task is created stopped (with its new table when `create_table` is given: both or neither). */
export async function createTask(input: TaskSave): Promise<TaskRecord> {
  return apiRequest<TaskRecord>("/api/tasks", { method: "POST", body: input });
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTask,
    onSuccess: async (record, input) => {
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      // Data sources list the tasks that use them; a table made with the task is listed from now on.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.list() }),
        queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
        input.create_table ? queryClient.invalidateQueries({ queryKey: warehouseKeys.all }) : null,
      ]);
    },
  });
}

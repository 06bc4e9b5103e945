import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskInput, TaskRecord } from "#contracts/task.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "../../data-sources/api/keys.ts";
import { taskKeys } from "./keys.ts";

/** POST /api/tasks: the task is created stopped. */
export async function createTask(input: TaskInput): Promise<TaskRecord> {
  return apiRequest<TaskRecord>("/api/tasks", { method: "POST", body: input });
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTask,
    onSuccess: async (record) => {
      queryClient.setQueryData(taskKeys.detail(record.id), record);
      // Data sources list the tasks that use them.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.list() }),
        queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
      ]);
    },
  });
}

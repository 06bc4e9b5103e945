import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "../../data-sources/public.ts";
import { taskKeys } from "./keys.ts";

export async function deleteTask(id: string): Promise<void> {
  await apiRequest<unknown>(`/api/tasks/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function useDeleteTask(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteTask(id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: taskKeys.detail(id) });
      queryClient.removeQueries({ queryKey: taskKeys.runs(id) });
      // Data sources list the tasks that use them.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: taskKeys.list() }),
        queryClient.invalidateQueries({ queryKey: dataSourceKeys.all }),
      ]);
    },
    // A 409 means the task was started meanwhile: refresh so the page shows it running.
    onError: () => queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) }),
  });
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function deleteDataSource(id: string): Promise<void> {
  await apiRequest<unknown>(`/api/data-sources/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function useDeleteDataSource(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteDataSource(id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: dataSourceKeys.detail(id) });
      await queryClient.invalidateQueries({ queryKey: dataSourceKeys.list() });
    },
    // A 409 means a task started using it meanwhile: refresh so used_by shows who.
    onError: () => queryClient.invalidateQueries({ queryKey: dataSourceKeys.detail(id) }),
  });
}

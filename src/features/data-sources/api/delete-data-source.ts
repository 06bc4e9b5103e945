import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function deleteDataSource(id: string): Promise<void> {
  await apiRequest<unknown>(`/api/data-sources/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/**
 * Deletes a source by id (any row of the list, or the detail page) and refreshes the queries. A
 * refusal (409 while a task uses it) rethrows after refreshing the source, so used_by shows who.
 */
export function useRemoveDataSource() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await deleteDataSource(id);
      } catch (error) {
        void queryClient.invalidateQueries({ queryKey: dataSourceKeys.all });
        throw error;
      }
      queryClient.removeQueries({ queryKey: dataSourceKeys.detail(id) });
      await queryClient.invalidateQueries({ queryKey: dataSourceKeys.list() });
    },
    [queryClient],
  );
}

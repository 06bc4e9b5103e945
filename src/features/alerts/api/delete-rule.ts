// DELETE /api/alerts/rules/:id (admins). The lists are refreshed whether or not the API agreed.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys, rulePath } from "./keys.ts";

export function useDeleteAlertRule() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<unknown>(rulePath(id), { method: "DELETE" });
      } finally {
        void queryClient.invalidateQueries({ queryKey: alertKeys.all });
      }
    },
    [queryClient],
  );
}

// DELETE /api/alerts/destinations/:id (admins): 409 while a rule sends to it (the API's sentence
// names the rule). The lists are refreshed whether or not the API agreed.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys, destinationPath } from "./keys.ts";

export function useDeleteAlertDestination() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<unknown>(destinationPath(id), { method: "DELETE" });
      } finally {
        void queryClient.invalidateQueries({ queryKey: alertKeys.all });
      }
    },
    [queryClient],
  );
}

// POST /api/alerts/destinations (admins): 201 with the destination and its signing secret, the one
// time the secret is answered.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertDestinationInput, AlertDestinationWithSecret } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys } from "./keys.ts";

export function useCreateAlertDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AlertDestinationInput) =>
      apiRequest<AlertDestinationWithSecret>("/api/alerts/destinations", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

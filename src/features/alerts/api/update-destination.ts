// PUT /api/alerts/destinations/:id (admins): any subset of name, url and format; a URL left out keeps
// the stored one (the console never has it, only its hint), so Edit sends `url` only when typed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertDestination, AlertDestinationUpdate } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys, destinationPath } from "./keys.ts";

export function useUpdateAlertDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: AlertDestinationUpdate }) =>
      apiRequest<AlertDestination>(destinationPath(id), { method: "PUT", body: update }),
    // The log names deliveries by the destination's current name: a rename shows there too.
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

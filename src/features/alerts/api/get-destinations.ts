// GET /api/alerts/destinations: name, format, the URL as a hint (it is write-only) and the rules
// that send to each; never a secret.
import { useQuery } from "@tanstack/react-query";
import type { AlertDestination } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys } from "./keys.ts";

export function useAlertDestinations() {
  return useQuery({
    queryKey: alertKeys.destinations(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: AlertDestination[] }>("/api/alerts/destinations", { signal })).items,
  });
}

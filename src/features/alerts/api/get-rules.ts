// GET /api/alerts/rules: the organization's alert rules (any role reads).
import { useQuery } from "@tanstack/react-query";
import type { AlertRule } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys } from "./keys.ts";

export function useAlertRules() {
  return useQuery({
    queryKey: alertKeys.rules(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: AlertRule[] }>("/api/alerts/rules", { signal })).items,
  });
}

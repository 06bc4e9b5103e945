// GET /api/alerts/incidents?state=open: the incidents open now, newest first (the first 200; a
// rule set is bounded, so more open at once is a sign to fix the rules, and the page says so).
import { useQuery } from "@tanstack/react-query";
import type { alertIncidentPageSchema } from "#contracts/alerts.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { ALERTS_REFRESH_MS, alertKeys } from "./keys.ts";

export const OPEN_INCIDENTS_LIMIT = 200;

type IncidentPage = z.infer<typeof alertIncidentPageSchema>;

export function useOpenIncidents() {
  return useQuery({
    queryKey: alertKeys.openIncidents(),
    queryFn: ({ signal }) => apiRequest<IncidentPage>(`/api/alerts/incidents?state=open&limit=${OPEN_INCIDENTS_LIMIT}`, { signal }),
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

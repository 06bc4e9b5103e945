// POST /api/alerts/destinations/:id/test (admins): one signed test event sent now, not retried, and
// its delivery (response code or the sentence why not). A plain function: each row of the list
// keeps its own outcome, which one shared mutation could not.
import type { AlertTestResult } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { destinationPath } from "./keys.ts";

export function testAlertDestination(id: string): Promise<AlertTestResult> {
  return apiRequest<AlertTestResult>(`${destinationPath(id)}/test`, { method: "POST" });
}

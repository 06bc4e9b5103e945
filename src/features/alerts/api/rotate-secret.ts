// POST /api/alerts/destinations/:id/rotate-secret (admins): a new signing secret, answered once;
// the old one stops signing at once.
import type { AlertDestinationWithSecret } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { destinationPath } from "./keys.ts";

export function rotateDestinationSecret(id: string): Promise<AlertDestinationWithSecret> {
  return apiRequest<AlertDestinationWithSecret>(`${destinationPath(id)}/rotate-secret`, { method: "POST" });
}

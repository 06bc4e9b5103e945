// First-run setup and invitations (contracts/identity.ts): the console's side of POST /api/setup,
// GET /api/invitations/:id and POST /api/invitations/:id/accept. Each success signs the person in
// (the API sets the session cookie).
import { useQuery } from "@tanstack/react-query";
import type { acceptInvitationInputSchema, invitationPreviewSchema, SetupInput } from "#contracts/identity.ts";
import type { Session } from "#contracts/session.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";

export function setUp(input: SetupInput): Promise<Session> {
  return apiRequest<Session>("/api/setup", { method: "POST", body: input });
}

export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInputSchema>;

export function useInvitation(id: string) {
  return useQuery({
    queryKey: ["invitation", id],
    queryFn: ({ signal }) => apiRequest<InvitationPreview>(`/api/invitations/${encodeURIComponent(id)}`, { signal }),
  });
}

/** A new person sends a name and password; someone whose account exists, signed in as it, sends `{}`. */
export function acceptInvitation(id: string, input: AcceptInvitationInput | Record<string, never>): Promise<unknown> {
  return apiRequest<unknown>(`/api/invitations/${encodeURIComponent(id)}/accept`, { method: "POST", body: input });
}

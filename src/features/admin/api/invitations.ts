// GET /api/invitations (pending), POST /api/invitations (answers the link, once), DELETE
// /api/invitations/:id (cancel).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { createdInvitationSchema, Invitation, InvitationInput } from "#contracts/identity.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { adminKeys } from "./keys.ts";

export type CreatedInvitation = z.infer<typeof createdInvitationSchema>;

export function useInvitations({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: adminKeys.invitations(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: Invitation[] }>("/api/invitations", { signal })).items,
    enabled,
  });
}

export function useCreateInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: InvitationInput) =>
      apiRequest<CreatedInvitation>("/api/invitations", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useCancelInvitation() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<unknown>(`/api/invitations/${encodeURIComponent(id)}`, { method: "DELETE" });
      } finally {
        void queryClient.invalidateQueries({ queryKey: adminKeys.all });
      }
    },
    [queryClient],
  );
}

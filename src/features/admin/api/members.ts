// GET /api/members, PATCH /api/members/:user_id (role), DELETE /api/members/:user_id. Any change can
// also change the audit log, so it is refreshed too.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Member } from "#contracts/identity.ts";
import type { Role } from "#contracts/roles.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { adminKeys } from "./keys.ts";

const memberPath = (userId: string) => `/api/members/${encodeURIComponent(userId)}`;

export function useMembers() {
  return useQuery({
    queryKey: adminKeys.members(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: Member[] }>("/api/members", { signal })).items,
  });
}

export function useChangeRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      apiRequest<Member>(memberPath(userId), { method: "PATCH", body: { role } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Removes a member; the list is refreshed whether or not the API agreed (a 409 names why). */
export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useCallback(
    async (userId: string) => {
      try {
        await apiRequest<unknown>(memberPath(userId), { method: "DELETE" });
      } finally {
        void queryClient.invalidateQueries({ queryKey: adminKeys.all });
      }
    },
    [queryClient],
  );
}

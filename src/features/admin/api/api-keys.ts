// GET /api/keys, POST /api/keys (answers the key itself, once), DELETE /api/keys/:id (revoke).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ApiKey, ApiKeyInput, createdApiKeySchema } from "#contracts/identity.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { adminKeys } from "./keys.ts";

export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export function useApiKeys() {
  return useQuery({
    queryKey: adminKeys.apiKeys(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: ApiKey[] }>("/api/keys", { signal })).items,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiKeyInput) => apiRequest<CreatedApiKey>("/api/keys", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<unknown>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
      } finally {
        void queryClient.invalidateQueries({ queryKey: adminKeys.all });
      }
    },
    [queryClient],
  );
}

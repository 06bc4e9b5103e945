import { useQuery } from "@tanstack/react-query";
import type { OrgInfo } from "#contracts/api.ts";
import { apiRequest } from "./api-client.ts";

export const orgQueryKey = ["org"] as const;

export function useOrg() {
  return useQuery({
    queryKey: orgQueryKey,
    queryFn: async (): Promise<OrgInfo> => apiRequest<OrgInfo>("/api/org"),
    staleTime: Infinity,
  });
}

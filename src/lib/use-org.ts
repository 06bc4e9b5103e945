import { useQuery } from "@tanstack/react-query";
import { orgInfoSchema, type OrgInfo } from "#contracts/api.ts";
import { apiRequest } from "./api-client.ts";

export const orgQueryKey = ["org"] as const;

export function useOrg() {
  return useQuery({
    queryKey: orgQueryKey,
    queryFn: async (): Promise<OrgInfo> => orgInfoSchema.parse(await apiRequest("/api/org")),
    staleTime: Infinity,
  });
}

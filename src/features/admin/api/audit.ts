// GET /api/audit?limit&before, newest first: each page names the id to ask older events `before`.
import { useInfiniteQuery } from "@tanstack/react-query";
import type { auditPageSchema } from "#contracts/audit.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { adminKeys } from "./keys.ts";

export const AUDIT_PAGE_SIZE = 50;

export type AuditPage = z.infer<typeof auditPageSchema>;

export async function getAuditPage(
  { limit = AUDIT_PAGE_SIZE, before, signal }: { limit?: number; before?: string | undefined; signal?: AbortSignal } = {},
): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before) query.set("before", before);
  return apiRequest<AuditPage>(`/api/audit?${query}`, { signal });
}

export function useAuditLog() {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(),
    queryFn: ({ pageParam, signal }) => getAuditPage({ before: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_before ?? undefined,
  });
}

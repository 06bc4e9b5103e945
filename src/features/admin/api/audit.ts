// GET /api/audit?limit&before&<filters>, newest first: each page names the id to ask older events
// `before`. The filters live in the page's address (so a filtered view can be shared and survives
// a refresh) and are the same query the CSV export (GET /api/audit.csv) takes.
import { useInfiniteQuery } from "@tanstack/react-query";
import { auditFilterSchema, type AuditFilter, type auditPageSchema } from "#contracts/audit.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { adminKeys } from "./keys.ts";

export const AUDIT_PAGE_SIZE = 50;

export type AuditPage = z.infer<typeof auditPageSchema>;

const FILTER_KEYS = Object.keys(auditFilterSchema.shape) as (keyof AuditFilter)[];

/** The filters an address holds; a value the API would refuse is left out rather than sent. */
export function auditFilterFrom(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value === null || value.trim() === "") continue;
    const parsed = auditFilterSchema.shape[key].safeParse(value);
    if (parsed.success && parsed.data !== undefined) Object.assign(filter, { [key]: parsed.data });
  }
  return filter;
}

/** The filters as query parameters, in a fixed order (one query key per filter). */
export function auditFilterQuery(filter: AuditFilter): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  return query;
}

/** The export's address: the same filters, every matching row (bounded by the API). */
export function auditCsvHref(filter: AuditFilter): string {
  const query = auditFilterQuery(filter).toString();
  return `/api/audit.csv${query ? `?${query}` : ""}`;
}

export async function getAuditPage(
  { limit = AUDIT_PAGE_SIZE, before, signal, filter = {} }: { limit?: number; before?: string | undefined; signal?: AbortSignal; filter?: AuditFilter } = {},
): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before) query.set("before", before);
  for (const [key, value] of auditFilterQuery(filter)) query.set(key, value);
  return apiRequest<AuditPage>(`/api/audit?${query}`, { signal });
}

export function useAuditLog(filter: AuditFilter = {}) {
  return useInfiniteQuery({
    queryKey: [...adminKeys.audit(), auditFilterQuery(filter).toString()],
    queryFn: ({ pageParam, signal }) => getAuditPage({ before: pageParam, signal, filter }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_before ?? undefined,
  });
}

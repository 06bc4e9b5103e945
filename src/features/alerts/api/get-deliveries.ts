// GET /api/alerts/deliveries?limit&before: every alert, resolved and test delivery, newest first,
// a page at a time (each page names the id to ask older ones `before`). Refreshed while the page is
// open: deliveries are made by the worker, not by this page.
import { useInfiniteQuery } from "@tanstack/react-query";
import type { alertDeliveryPageSchema } from "#contracts/alerts.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { ALERTS_REFRESH_MS, alertKeys } from "./keys.ts";

export const DELIVERIES_PAGE_SIZE = 20;

export type DeliveryPage = z.infer<typeof alertDeliveryPageSchema>;

export function getDeliveriesPage({ before, signal }: { before?: string | undefined; signal?: AbortSignal } = {}): Promise<DeliveryPage> {
  const query = new URLSearchParams({ limit: String(DELIVERIES_PAGE_SIZE) });
  if (before) query.set("before", before);
  return apiRequest<DeliveryPage>(`/api/alerts/deliveries?${query}`, { signal });
}

export function useAlertDeliveries() {
  return useInfiniteQuery({
    queryKey: alertKeys.deliveries(),
    queryFn: ({ pageParam, signal }) => getDeliveriesPage({ before: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_before ?? undefined,
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

// GET /api/alerts/deliveries?limit&before&destination_id&event_type&status: every alert, resolved
// and test delivery, newest first, a page at a time (each page names the id to ask older ones
// `before`), narrowed by the filters the page keeps in its address. Refreshed while the page is
// open: deliveries are made by the worker, not by this page.
import { useInfiniteQuery } from "@tanstack/react-query";
import { DELIVERY_EVENT_TYPES, DELIVERY_STATUSES, type alertDeliveryPageSchema, type AlertDeliveryQuery } from "#contracts/alerts.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { ALERTS_REFRESH_MS, alertKeys } from "./keys.ts";

export const DELIVERIES_PAGE_SIZE = 20;

export type DeliveryPage = z.infer<typeof alertDeliveryPageSchema>;

/** The log's filters, named as the API's query names them (and the page's address too). */
export type DeliveryFilter = Pick<AlertDeliveryQuery, "destination_id" | "event_type" | "status">;
export const DELIVERY_FILTER_KEYS = ["destination_id", "event_type", "status"] as const;

const isOneOf = <T extends string>(values: readonly T[], value: string | null): value is T => value !== null && (values as readonly string[]).includes(value);

/** The filters in an address's query; a value the API would refuse (an unknown status) is dropped, not sent. */
export function deliveryFilterFrom(params: URLSearchParams): DeliveryFilter {
  const destination = params.get("destination_id")?.trim();
  const event = params.get("event_type");
  const status = params.get("status");
  return {
    ...(destination && destination.length <= 64 ? { destination_id: destination } : {}),
    ...(isOneOf(DELIVERY_EVENT_TYPES, event) ? { event_type: event } : {}),
    ...(isOneOf(DELIVERY_STATUSES, status) ? { status } : {}),
  };
}

export function getDeliveriesPage({ before, filter = {}, signal }: { before?: string | undefined; filter?: DeliveryFilter; signal?: AbortSignal } = {}): Promise<DeliveryPage> {
  const query = new URLSearchParams({ limit: String(DELIVERIES_PAGE_SIZE) });
  if (before) query.set("before", before);
  for (const key of DELIVERY_FILTER_KEYS) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  return apiRequest<DeliveryPage>(`/api/alerts/deliveries?${query}`, { signal });
}

export function useAlertDeliveries(filter: DeliveryFilter = {}) {
  return useInfiniteQuery({
    // Under deliveries(): a test or an edit refreshes every filtered view of the log.
    queryKey: [...alertKeys.deliveries(), filter],
    queryFn: ({ pageParam, signal }) => getDeliveriesPage({ before: pageParam, filter, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_before ?? undefined,
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

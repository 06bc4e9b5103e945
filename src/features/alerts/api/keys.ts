// Query keys of the alerts page; every rules, destinations, deliveries and incidents query lives
// under `all`, so a change refreshes what it may have touched (a deleted destination leaves its
// rules, a test adds a delivery).
export const alertKeys = {
  all: ["alerts"] as const,
  rules: () => [...alertKeys.all, "rules"] as const,
  destinations: () => [...alertKeys.all, "destinations"] as const,
  deliveries: () => [...alertKeys.all, "deliveries"] as const,
  openIncidents: () => [...alertKeys.all, "incidents", "open"] as const,
};

/** How often the log and the open incidents refresh while the page is open: alerts arrive unasked. */
export const ALERTS_REFRESH_MS = 10_000;

export const rulePath = (id: string) => `/api/alerts/rules/${encodeURIComponent(id)}`;
export const destinationPath = (id: string) => `/api/alerts/destinations/${encodeURIComponent(id)}`;

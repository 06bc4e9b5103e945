// Helpers for the alerts page's component tests: fixtures in the contract's shapes, an msw API of
// rules, destinations, deliveries, incidents and tasks kept in memory (so a create shows in the
// list after it), and a router over the feature's routes. msw stands in for the API because a
// component test has no server.
import { http, HttpResponse } from "msw";
import type { AlertDelivery, AlertDestination, AlertIncident, AlertRule } from "#contracts/alerts.ts";
import type { TaskRecord } from "#contracts/task.ts";
import { makeTask } from "../../tests/support/fixtures.ts";
import { renderRoutes } from "./render-routes.tsx";
import { alertRoutes } from "../features/alerts/routes.tsx";

export const TASKS: TaskRecord[] = [makeTask({ id: "t-orders", name: "load-orders" }), makeTask({ id: "t-events", name: "load-events" })];

export function makeDestination(overrides: Partial<AlertDestination> = {}): AlertDestination {
  return {
    id: "d-ops",
    name: "ops-hook",
    format: "standard",
    url_hint: "https://hooks.example.com/databend/…",
    secret_created_at: "2026-01-05T10:00:00.000Z",
    rule_ids: ["r-lag"],
    created_at: "2026-01-05T10:00:00.000Z",
    updated_at: "2026-01-05T10:00:00.000Z",
    ...overrides,
  };
}

export function makeRule(overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    id: "r-lag",
    name: "orders lagging",
    condition: { kind: "lag_p95_above", threshold_seconds: 300, for_minutes: 10 },
    task_ids: ["t-orders"],
    quiet_minutes: 15,
    enabled: true,
    destination_ids: ["d-ops"],
    open_incidents: 1,
    created_at: "2026-01-05T10:00:00.000Z",
    updated_at: "2026-01-05T10:00:00.000Z",
    ...overrides,
  };
}

export function makeDelivery(n: number, overrides: Partial<AlertDelivery> = {}): AlertDelivery {
  const at = new Date(Date.UTC(2026, 0, 10, 12, 0, 0) - n * 60_000).toISOString();
  return {
    id: `del-${n}`,
    destination_id: "d-ops",
    destination_name: "ops-hook",
    event_type: "alert",
    incident_id: "inc-1",
    status: "delivered",
    attempts: 1,
    response_status: 200,
    error: null,
    created_at: at,
    last_attempt_at: at,
    next_attempt_at: null,
    delivered_at: at,
    ...overrides,
  };
}

export const INCIDENT: AlertIncident = {
  id: "inc-1",
  rule_id: "r-lag",
  rule_name: "orders lagging",
  kind: "lag_p95_above",
  task_id: "t-orders",
  task_name: "load-orders",
  summary: "Lag p95 was 312 s over the last 10 minutes (above 300 s)",
  opened_at: "2026-01-10T11:50:00.000Z",
  resolved_at: null,
};

export interface AlertsApi {
  rules: AlertRule[];
  destinations: AlertDestination[];
  deliveries: AlertDelivery[];
  incidents: AlertIncident[];
  /** Every `before` the deliveries were asked for (undefined for the first page). */
  deliveryPages: (string | undefined)[];
  /** Every deliveries query string, in order (to see the filters sent). */
  deliveryQueries: string[];
}

/** GET handlers over `state` (deliveries filtered as the API filters them, paged by `before`, `limit`); tests add the writes they check. */
export function alertsHandlers(state: AlertsApi, tasks: TaskRecord[] = TASKS) {
  return [
    http.get("/api/tasks", () => HttpResponse.json({ items: tasks })),
    http.get("/api/alerts/rules", () => HttpResponse.json({ items: state.rules })),
    http.get("/api/alerts/destinations", () => HttpResponse.json({ items: state.destinations })),
    http.get("/api/alerts/incidents", () => HttpResponse.json({ items: state.incidents, next_before: null })),
    http.get("/api/alerts/deliveries", ({ request }) => {
      const url = new URL(request.url);
      const before = url.searchParams.get("before") ?? undefined;
      const limit = Number(url.searchParams.get("limit") ?? 50);
      state.deliveryPages.push(before);
      state.deliveryQueries.push(url.search);
      const wanted = (["destination_id", "event_type", "status"] as const).flatMap((key) => {
        const value = url.searchParams.get(key);
        return value === null ? [] : [[key, value] as const];
      });
      const matching = state.deliveries.filter((d) => wanted.every(([key, value]) => d[key] === value));
      const start = before ? matching.findIndex((d) => d.id === before) + 1 : 0;
      const items = matching.slice(start, start + limit);
      const more = start + limit < matching.length;
      return HttpResponse.json({ items, next_before: more ? items[items.length - 1]!.id : null });
    }),
  ];
}

export function alertsState(overrides: Partial<AlertsApi> = {}): AlertsApi {
  return {
    rules: [makeRule()],
    destinations: [makeDestination()],
    deliveries: [makeDelivery(1)],
    incidents: [INCIDENT],
    deliveryPages: [],
    deliveryQueries: [],
    ...overrides,
  };
}

export function renderAt(path = "/org/alerts") {
  return renderRoutes(path, [...alertRoutes, { path: "data/integration/:id", element: <h1>Task page</h1> }]);
}

// Organization → Alerts: the rules that watch the organization's tasks, the webhooks they send to,
// what was sent and the incidents open now. Its own chunk, loaded when first visited; every role
// reads it, changes need the role the API asks for (the page says why a button is disabled).
import { lazy } from "react";
import type { RouteObject } from "react-router";

const AlertsPage = lazy(() => import("./components/alerts-page.tsx").then((m) => ({ default: m.AlertsPage })));

export const alertRoutes: RouteObject[] = [{ path: "org/alerts", element: <AlertsPage /> }];

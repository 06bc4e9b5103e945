// Helpers for the task component tests: fixtures built on the contract's types, a router over the
// feature's routes, and the app's providers around a single component. The tests use msw to stand
// in for the API (a component test has no server).
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import type { ReactNode } from "react";
import type { WarehouseConnection } from "#contracts/warehouse-connection.ts";
import { AppProviders } from "../app/providers.tsx";
import { renderRoutes } from "./render-routes.tsx";
import { makeWarehouse } from "./admin.tsx";
import { taskRoutes } from "../features/tasks/routes.tsx";

export { makeActivity, makeRun, makeTask } from "../../tests/support/fixtures.ts";

export function renderAt(path: string) {
  return renderRoutes(path, [...taskRoutes, { path: "data/sources/:id", element: <h1>Data source page</h1> }]);
}

/** One component with the app's providers (Mantine, notices, queries), for pieces no route shows yet. */
export function renderWithProviders(ui: ReactNode) {
  const user = userEvent.setup();
  return { ...render(<AppProviders client={new QueryClient()}>{ui}</AppProviders>), user };
}

/** The organization's one (default) warehouse, as a fresh organization has. */
export const ONE_WAREHOUSE: WarehouseConnection[] = [makeWarehouse({ id: "wh-main", name: "main" })];

/** GET /api/org/warehouses answering `items` (the task pages and the wizard name and choose a warehouse). */
export const warehousesHandler = (items: WarehouseConnection[] = ONE_WAREHOUSE) =>
  http.get("/api/org/warehouses", () => HttpResponse.json({ items }));

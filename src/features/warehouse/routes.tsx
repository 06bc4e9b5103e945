// What a warehouse holds, for reading: a table's rows. Its own chunk, loaded when first visited.
import { lazy } from "react";
import type { RouteObject } from "react-router";

const TableRowsPage = lazy(() => import("./components/table-rows-page.tsx").then((m) => ({ default: m.TableRowsPage })));

export const warehouseRoutes: RouteObject[] = [{ path: "warehouse/:db/:table", element: <TableRowsPage /> }];

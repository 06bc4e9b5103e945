// The organization's pages (members, API keys, audit log, warehouses), each its own chunk, loaded
// when first visited. The API answers 403 to anyone but the organization's admins (warehouses: any
// role reads, admins change); the pages say so.
import { lazy } from "react";
import { Navigate, type RouteObject } from "react-router";

const MembersPage = lazy(() => import("./components/members-page.tsx").then((m) => ({ default: m.MembersPage })));
const ApiKeysPage = lazy(() => import("./components/api-keys-page.tsx").then((m) => ({ default: m.ApiKeysPage })));
const AuditPage = lazy(() => import("./components/audit-page.tsx").then((m) => ({ default: m.AuditPage })));
const WarehousesPage = lazy(() => import("./components/warehouses-page.tsx").then((m) => ({ default: m.WarehousesPage })));

export const adminRoutes: RouteObject[] = [
  { path: "org", element: <Navigate to="/org/members" replace /> },
  { path: "org/members", element: <MembersPage /> },
  { path: "org/keys", element: <ApiKeysPage /> },
  { path: "org/audit", element: <AuditPage /> },
  { path: "org/warehouses", element: <WarehousesPage /> },
];

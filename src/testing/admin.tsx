// Helpers for the admin pages' component tests: fixtures in the contracts' shapes and a router over
// the feature's routes. The tests use msw to stand in for the API (a component test has no server).
import { HttpResponse } from "msw";
import type { AuditEvent } from "#contracts/audit.ts";
import type { ApiKey, Invitation, Member } from "#contracts/identity.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import type { WarehouseConnection } from "#contracts/warehouse-connection.ts";
import { renderRoutes } from "./render-routes.tsx";
import { adminRoutes } from "../features/admin/routes.tsx";

export const MEMBERS: Member[] = [
  { user_id: "u-ana", email: "ana@example.com", name: "Ana Admin", role: "admin", joined_at: "2026-01-02T10:00:00.000Z" },
  { user_id: "u-oli", email: "oli@example.com", name: "Oli Operator", role: "operator", joined_at: "2026-01-03T10:00:00.000Z" },
  { user_id: "u-vic", email: "vic@example.com", name: "Vic Viewer", role: "viewer", joined_at: "2026-01-04T10:00:00.000Z" },
];

export const INVITATIONS: Invitation[] = [
  { id: "inv-1", email: "new@example.com", role: "operator", invited_by: "ana@example.com", expires_at: "2026-02-01T10:00:00.000Z" },
];

export const KEYS: ApiKey[] = [
  {
    id: "key-ci",
    name: "ci-deploy",
    role: "operator",
    start: "ak_12",
    created_by: "ana@example.com",
    created_at: "2026-01-05T10:00:00.000Z",
    last_used_at: "2026-01-06T11:30:00.000Z",
  },
  {
    id: "key-report",
    name: "nightly-report",
    role: "viewer",
    start: "ak_9f",
    created_by: "ana@example.com",
    created_at: "2026-01-04T10:00:00.000Z",
    last_used_at: null,
  },
];

export function makeWarehouse(overrides: Partial<WarehouseConnection> = {}): WarehouseConnection {
  return {
    id: "wh-main",
    name: "main",
    host: "127.0.0.1",
    port: 8000,
    user: "org_main",
    database: "default",
    tls: false,
    is_default: true,
    has_password: true,
    managed: true,
    created_at: "2026-01-02T10:00:00.000Z",
    updated_at: "2026-01-02T10:00:00.000Z",
    ...overrides,
  };
}

/** The organization's managed default and a second warehouse it added. */
export const WAREHOUSES: WarehouseConnection[] = [
  makeWarehouse(),
  makeWarehouse({
    id: "wh-cloud",
    name: "cloud",
    host: "tenant.gw.aws-us-east-2.default.databend.com",
    port: 443,
    user: "loader",
    database: "sales",
    tls: true,
    is_default: false,
    managed: false,
  }),
];

export function auditEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `ev-${n}`,
    at: new Date(Date.UTC(2026, 0, 10, 12, 0, 0) - n * 1000).toISOString(),
    action: "edited",
    resource_type: "data_source",
    resource_id: `ds-${n}`,
    resource_name: `source-${n}`,
    actor: { user_id: "u-ana", email: "ana@example.com", via: "session", key_id: null, key_name: null },
    outcome: null,
    ...overrides,
  };
}

/** The API's refusal for a caller who is not an admin, in its own words. */
export function forbidden() {
  return HttpResponse.json({ error: whyNotAllowed("operator", "admin") }, { status: 403 });
}

/** Renders the admin routes at `path`; the data pages the audit log links to are stubs. */
export function renderAt(path: string) {
  return renderRoutes(path, [
    ...adminRoutes,
    { path: "data/sources/:id", element: <h1>Data source page</h1> },
    { path: "data/integration/:id", element: <h1>Task page</h1> },
  ]);
}

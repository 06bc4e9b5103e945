// Access on every route, by role, through the real app and real better-auth on SQLite: viewer,
// operator and admin API keys of organization A, organization B's admin key, and no credentials.
// Every /api route the app registers must appear in ROUTES, so a new route cannot skip this test.
//
// Outside systems are stand-ins here, because this test is about who may call a route, not what
// the route does: Test Connectivity answers a fixed failed outcome, and Databend's target checks
// and browsing and a task queue's backlog answer from memory (each has its own suite against the
// real sandbox and engine).
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataSourceInput } from "./support/fixtures.ts";
import { fileFormatSchema } from "#contracts/task.ts";
import { roleAllows, type Role } from "#contracts/roles.ts";
import { buildApp } from "../server/api/app.ts";
import type { RouteAccess } from "../server/api/plugins/access.ts";
import { createAuth } from "../server/auth/auth.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { loadConfig, type Config } from "../server/config.ts";
import type { BacklogReader } from "../server/connectivity/backlog.ts";
import type { ConnectivityTester } from "../server/connectivity/engine.ts";
import type { WarehouseBrowser } from "../server/databend/browse.ts";
import type { TargetChecker } from "../server/databend/target-check.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import type { Previewer } from "../server/preview/previewer.ts";

const ORG_A = "org-a";
const ADMIN_KEY = "ak_admin_" + "a".repeat(40);

// --- stand-ins for the outside systems (see the opening comment) ---
const connectivity: ConnectivityTester = async () => ({ ok: false, checks: [], tested_at: new Date().toISOString() });
const targetChecker: TargetChecker = {
  address: "127.0.0.1:0",
  user: "root",
  timeoutMs: 1000,
  check: async () => ({ status: "ok" }),
  close: async () => {},
};
const warehouseBrowser: WarehouseBrowser = {
  address: "127.0.0.1:0",
  user: "root",
  timeoutMs: 1000,
  databases: async () => ({ status: "ok", items: [], truncated: false }),
  tables: async () => ({ status: "ok", items: [], truncated: false }),
  columns: async () => ({ status: "ok", items: [], truncated: false }),
  createTable: async () => ({ status: "exists" }),
  dropTable: async () => ({ status: "dropped" }),
  close: async () => {},
};
const previewer: Previewer = {
  preview: async () => ({
    bucket: "b",
    prefix: "",
    suffix: "",
    objects: [],
    objects_truncated: false,
    sample: null,
    sample_error: null,
    empty: true,
    upload_hint: null,
  }),
  close: async () => {},
};
const queueBacklog: BacklogReader = { read: async () => ({ unavailable: "stand-in", checked_at: new Date().toISOString() }) };

type Caller = "none" | "viewer" | "operator" | "admin" | "other-org-admin";
const CALLERS: Caller[] = ["none", "viewer", "operator", "admin", "other-org-admin"];

interface Fixture {
  dataSourceId: string;
  taskId: string;
  /** Organization A's default warehouse (from DATABEND_DSN). */
  warehouseId: string;
  /** A throwaway warehouse of organization A (see RouteCase.needs). */
  spareWarehouseId?: string;
  /** Made only for routes that need them (see RouteCase.needs). */
  memberId?: string;
  keyId?: string;
  invitationId?: string;
}

interface RouteCase {
  method: string;
  url: string;
  access: RouteAccess;
  /** The request: a real record of organization A where the route takes an id. */
  request(f: Fixture): { url: string; body?: unknown };
  /** The route reads or changes one of organization A's records: another organization gets 404. */
  ownRecord?: boolean;
  /** A throwaway member, API key or invitation of organization A that the request names. */
  needs?: "member" | "key" | "invitation" | "warehouse";
}

const dataSourceBody = () => makeDataSourceInput(ORG_A, { name: `ds-${crypto.randomUUID().slice(0, 8)}` });
const taskBody = (f: Fixture) => ({
  name: `task-${crypto.randomUUID().slice(0, 8)}`,
  data_source_id: f.dataSourceId,
  file_format: { type: "csv" },
  prefix: "in/",
  suffix: ".csv",
  target: { database: "default", table: "orders" },
  on_error: "abort",
  purge: false,
});

const ROUTES: RouteCase[] = [
  { method: "GET", url: "/api/health", access: "public", request: () => ({ url: "/api/health" }) },
  { method: "GET", url: "/api/openapi.json", access: "signed-in", request: () => ({ url: "/api/openapi.json" }) },
  { method: "GET", url: "/api/sign-in-options", access: "public", request: () => ({ url: "/api/sign-in-options" }) },
  {
    method: "POST",
    url: "/api/setup",
    access: "public",
    request: () => ({ url: "/api/setup", body: { token: "not-the-token", organization_name: "x", name: "x", email: "x@example.com", password: "x".repeat(16) } }),
  },
  { method: "GET", url: "/api/auth/*", access: "public", request: () => ({ url: "/api/auth/get-session" }) },
  { method: "POST", url: "/api/auth/*", access: "public", request: () => ({ url: "/api/auth/sign-out", body: {} }) },
  { method: "GET", url: "/api/session", access: "signed-in", request: () => ({ url: "/api/session" }) },
  { method: "GET", url: "/api/org", access: "read", request: () => ({ url: "/api/org" }) },
  { method: "GET", url: "/api/data-sources", access: "read", request: () => ({ url: "/api/data-sources" }) },
  { method: "POST", url: "/api/data-sources", access: "operate", request: () => ({ url: "/api/data-sources", body: dataSourceBody() }) },
  { method: "POST", url: "/api/data-sources/test", access: "operate", request: () => ({ url: "/api/data-sources/test", body: dataSourceBody() }) },
  { method: "GET", url: "/api/data-sources/:id", access: "read", ownRecord: true, request: (f) => ({ url: `/api/data-sources/${f.dataSourceId}` }) },
  {
    method: "PUT",
    url: "/api/data-sources/:id",
    access: "operate",
    ownRecord: true,
    request: (f) => ({ url: `/api/data-sources/${f.dataSourceId}`, body: dataSourceBody() }),
  },
  { method: "DELETE", url: "/api/data-sources/:id", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/data-sources/${f.dataSourceId}` }) },
  { method: "GET", url: "/api/tasks", access: "read", request: () => ({ url: "/api/tasks" }) },
  { method: "POST", url: "/api/tasks", access: "operate", request: (f) => ({ url: "/api/tasks", body: taskBody(f) }) },
  { method: "GET", url: "/api/tasks/:id", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}` }) },
  { method: "PUT", url: "/api/tasks/:id", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}`, body: taskBody(f) }) },
  { method: "DELETE", url: "/api/tasks/:id", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}` }) },
  { method: "POST", url: "/api/tasks/:id/start", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/start` }) },
  { method: "POST", url: "/api/tasks/:id/stop", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/stop` }) },
  { method: "GET", url: "/api/tasks/:id/workers", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/workers` }) },
  { method: "GET", url: "/api/tasks/:id/runs", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/runs` }) },
  { method: "GET", url: "/api/tasks/:id/activity", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/activity` }) },
  {
    method: "POST",
    url: "/api/tasks/:id/backfill",
    access: "operate",
    ownRecord: true,
    request: (f) => ({ url: `/api/tasks/${f.taskId}/backfill`, body: { since: "2024-05-01" } }),
  },
  { method: "GET", url: "/api/tasks/:id/backfill", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/backfill` }) },
  { method: "DELETE", url: "/api/tasks/:id/backfill", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/backfill` }) },
  { method: "GET", url: "/api/tasks/:id/failed-files", access: "read", ownRecord: true, request: (f) => ({ url: `/api/tasks/${f.taskId}/failed-files` }) },
  {
    method: "POST",
    url: "/api/tasks/:id/failed-files/retry",
    access: "operate",
    ownRecord: true,
    request: (f) => ({ url: `/api/tasks/${f.taskId}/failed-files/retry`, body: { all: true } }),
  },
  {
    method: "POST",
    url: "/api/tasks/:id/failed-files/dismiss",
    access: "operate",
    ownRecord: true,
    request: (f) => ({ url: `/api/tasks/${f.taskId}/failed-files/dismiss`, body: { all: true, reason: "role matrix" } }),
  },
  // The /api/warehouse routes name organization A's warehouse: another organization's admin gets 404.
  { method: "GET", url: "/api/warehouse/databases", access: "read", ownRecord: true, request: (f) => ({ url: `/api/warehouse/databases?warehouse=${f.warehouseId}` }) },
  {
    method: "GET",
    url: "/api/warehouse/databases/:db/tables",
    access: "read",
    ownRecord: true,
    request: (f) => ({ url: `/api/warehouse/databases/default/tables?warehouse=${f.warehouseId}` }),
  },
  {
    method: "POST",
    url: "/api/tasks/preview",
    access: "operate",
    ownRecord: true,
    request: (f) => ({ url: "/api/tasks/preview", body: { data_source_id: f.dataSourceId, file_format: { type: "csv" }, warehouse_id: f.warehouseId } }),
  },
  {
    method: "POST",
    url: "/api/warehouse/databases/:db/tables",
    access: "operate",
    ownRecord: true,
    request: (f) => ({
      url: `/api/warehouse/databases/default/tables?warehouse=${f.warehouseId}`,
      body: { name: "t", columns: [{ name: "id", type: "INT", nullable: true }] },
    }),
  },
  { method: "GET", url: "/api/members", access: "admin", request: () => ({ url: "/api/members" }) },
  {
    method: "PATCH",
    url: "/api/members/:user_id",
    access: "admin",
    ownRecord: true,
    needs: "member",
    request: (f) => ({ url: `/api/members/${f.memberId}`, body: { role: "operator" } }),
  },
  { method: "DELETE", url: "/api/members/:user_id", access: "admin", ownRecord: true, needs: "member", request: (f) => ({ url: `/api/members/${f.memberId}` }) },
  { method: "GET", url: "/api/invitations", access: "admin", request: () => ({ url: "/api/invitations" }) },
  {
    method: "POST",
    url: "/api/invitations",
    access: "admin",
    request: () => ({ url: "/api/invitations", body: { email: `x-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "viewer" } }),
  },
  { method: "DELETE", url: "/api/invitations/:id", access: "admin", ownRecord: true, needs: "invitation", request: (f) => ({ url: `/api/invitations/${f.invitationId}` }) },
  { method: "GET", url: "/api/invitations/:id", access: "public", request: () => ({ url: `/api/invitations/${"n".repeat(32)}` }) },
  {
    method: "POST",
    url: "/api/invitations/:id/accept",
    access: "public",
    request: () => ({ url: `/api/invitations/${"n".repeat(32)}/accept`, body: { name: "x", password: "x".repeat(16) } }),
  },
  { method: "GET", url: "/api/keys", access: "admin", request: () => ({ url: "/api/keys" }) },
  { method: "POST", url: "/api/keys", access: "admin", request: () => ({ url: "/api/keys", body: { name: "ci", role: "viewer" } }) },
  { method: "DELETE", url: "/api/keys/:id", access: "admin", ownRecord: true, needs: "key", request: (f) => ({ url: `/api/keys/${f.keyId}` }) },
  { method: "GET", url: "/api/audit", access: "admin", request: () => ({ url: "/api/audit" }) },
  { method: "GET", url: "/api/audit.csv", access: "admin", request: () => ({ url: "/api/audit.csv" }) },
  {
    method: "GET",
    url: "/api/warehouse/databases/:db/tables/:table/columns",
    access: "read",
    ownRecord: true,
    request: (f) => ({ url: `/api/warehouse/databases/default/tables/orders/columns?warehouse=${f.warehouseId}` }),
  },
  {
    method: "GET",
    url: "/api/warehouse/databases/:db/tables/:table/rows",
    access: "read",
    ownRecord: true,
    request: (f) => ({ url: `/api/warehouse/databases/default/tables/orders/rows?warehouse=${f.warehouseId}&limit=5` }),
  },
  { method: "GET", url: "/api/org/warehouses", access: "read", request: () => ({ url: "/api/org/warehouses" }) },
  { method: "POST", url: "/api/org/warehouses", access: "admin", request: () => ({ url: "/api/org/warehouses", body: warehouseBody() }) },
  { method: "POST", url: "/api/org/warehouses/test", access: "admin", request: () => ({ url: "/api/org/warehouses/test", body: warehouseBody() }) },
  { method: "GET", url: "/api/org/warehouses/:id", access: "read", ownRecord: true, request: (f) => ({ url: `/api/org/warehouses/${f.warehouseId}` }) },
  {
    method: "PUT",
    url: "/api/org/warehouses/:id",
    access: "admin",
    ownRecord: true,
    request: (f) => ({ url: `/api/org/warehouses/${f.warehouseId}`, body: { name: `renamed-${crypto.randomUUID().slice(0, 8)}` } }),
  },
  {
    method: "DELETE",
    url: "/api/org/warehouses/:id",
    access: "admin",
    ownRecord: true,
    needs: "warehouse",
    request: (f) => ({ url: `/api/org/warehouses/${f.spareWarehouseId}` }),
  },
  { method: "POST", url: "/api/org/warehouses/:id/test", access: "operate", ownRecord: true, request: (f) => ({ url: `/api/org/warehouses/${f.warehouseId}/test` }) },
  { method: "POST", url: "/api/organizations", access: "signed-in", request: () => ({ url: "/api/organizations", body: { name: `org ${crypto.randomUUID().slice(0, 8)}` } }) },
];

let dir: string;
let config: Config;
let stores: Stores;
let app: FastifyInstance;
const keys: Partial<Record<Caller, string>> = {};
let signUps: ReturnType<typeof createAuth>;

/** A warehouse nothing answers on (port 1 refuses at once): the matrix is about who may call, not what Databend says. */
const warehouseBody = () => ({ name: `wh-${crypto.randomUUID().slice(0, 8)}`, host: "127.0.0.1", port: 1, user: "root", password: "not-shown" });
let defaultWarehouseId: string;

/** A user with a key of their role in an organization, made through better-auth's own server API. */
async function member(auth: ReturnType<typeof createAuth>, orgId: string, role: Role, email: string): Promise<string> {
  const { user } = await auth.api.signUpEmail({ body: { email, password: "a long enough password", name: email } });
  await auth.api.addMember({ body: { userId: user.id, organizationId: orgId, role } });
  const key = await auth.api.createApiKey({ body: { userId: user.id, name: role, metadata: { org_id: orgId, role } } });
  return key.key;
}

async function fixture(needs: RouteCase["needs"]): Promise<Fixture> {
  const passing = { ok: true, tested_at: new Date().toISOString(), checks: [] };
  const source = await stores.dataSources.createDataSource(ORG_A, dataSourceBody(), passing);
  const task = await stores.tasks.create(ORG_A, { ...taskBody({ dataSourceId: source.id, taskId: "", warehouseId: "" }), file_format: fileFormatSchema.parse({ type: "csv" }) } as never);
  const f: Fixture = { dataSourceId: source.id, taskId: task.id, warehouseId: defaultWarehouseId };
  if (needs === "warehouse") {
    const id = `wh-${crypto.randomUUID()}`;
    await stores.warehouses.createWarehouse(ORG_A, { ...warehouseBody(), password: undefined, id, database: "default", tls: false, is_default: false, password_enc: "", managed: false } as never);
    f.spareWarehouseId = id;
  }
  const asAdmin = async (method: "POST", url: string, body: unknown) =>
    (await app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, payload: JSON.stringify(body) })).json() as { id: string };
  if (needs === "member") {
    const { user } = await signUps.api.signUpEmail({ body: { email: `m-${crypto.randomUUID().slice(0, 8)}@a.example.com`, password: "a long enough password", name: "m" } });
    await signUps.api.addMember({ body: { userId: user.id, organizationId: ORG_A, role: "viewer" } });
    f.memberId = user.id;
  }
  if (needs === "key") f.keyId = (await asAdmin("POST", "/api/keys", { name: "throwaway", role: "viewer" })).id;
  if (needs === "invitation") f.invitationId = (await asAdmin("POST", "/api/invitations", { email: `i-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "viewer" })).id;
  return f;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "role-matrix-"));
  config = loadConfig({ ORG_ID: ORG_A, DATA_DIR: dir, DATABEND_DSN: "databend://root:@127.0.0.1:1/default?sslmode=disable", ADMIN_EMAIL: "admin@a.example.com", ADMIN_PASSWORD: "admin password a", ADMIN_API_KEY: ADMIN_KEY });
  stores = await openStore({ dataDir: dir, url: undefined });
  const logger = pino({ level: "silent" });
  await seedFirstRun(config, stores.db, logger);
  keys.admin = ADMIN_KEY;
  // Sign-ups are the seeding instance's privilege; the served one refuses them.
  const auth = (signUps = createAuth(config, stores.db, { allowSignUp: true }));
  keys.viewer = await member(auth, ORG_A, "viewer", "viewer@a.example.com");
  keys.operator = await member(auth, ORG_A, "operator", "operator@a.example.com");
  const { user: adminB } = await auth.api.signUpEmail({ body: { email: "admin@b.example.com", password: "a long enough password", name: "admin b" } });
  const orgB = await auth.api.createOrganization({ body: { name: "org b", slug: "org-b", userId: adminB.id } });
  keys["other-org-admin"] = (await auth.api.createApiKey({ body: { userId: adminB.id, name: "admin b", metadata: { org_id: orgB!.id, role: "admin" } } })).key;

  app = await buildApp({ config, logger, stores, connectivity, queueBacklog, targetChecker, warehouseBrowser, previewer });
  await app.ready();
  // Organization A's default warehouse, made from DATABEND_DSN on first use.
  const listed = await app.inject({ method: "GET", url: "/api/org/warehouses", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  defaultWarehouseId = (listed.json() as { items: { id: string }[] }).items[0]!.id;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(route: RouteCase, caller: Caller, f: Fixture) {
  const { url, body } = route.request(f);
  const key = caller === "none" ? undefined : keys[caller];
  return app.inject({
    method: route.method as "GET",
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

function allowed(access: RouteAccess, caller: Caller): boolean {
  if (access === "public") return true;
  if (caller === "none") return false;
  if (access === "signed-in") return true;
  const role: Role = caller === "other-org-admin" ? "admin" : caller;
  return roleAllows(role, access);
}

describe("the role matrix", () => {
  it("covers every /api route the app serves, with the access each declares", () => {
    const served = app.accessTable.map((r) => `${r.method} ${r.url} ${r.access}`).sort();
    expect(ROUTES.map((r) => `${r.method} ${r.url} ${r.access}`).sort()).toEqual(served);
  });

  for (const route of ROUTES) {
    for (const caller of CALLERS) {
      const want = allowed(route.access, caller);
      it(`${route.method} ${route.url} as ${caller}: ${want ? "allowed" : "refused"}`, async () => {
        const f = await fixture(route.needs);
        const res = await call(route, caller, f);
        if (want) {
          expect([401, 403], res.body).not.toContain(res.statusCode);
          if (caller === "other-org-admin" && route.ownRecord) expect(res.statusCode, res.body).toBe(404);
        } else {
          expect(res.statusCode, res.body).toBe(caller === "none" ? 401 : 403);
          expect(res.json()).toMatchObject({ error: expect.any(String) });
        }
        // A refused or foreign call changed nothing of organization A's.
        if (!want || (caller === "other-org-admin" && route.ownRecord)) {
          expect(await stores.dataSources.getDataSource(ORG_A, f.dataSourceId)).not.toBeNull();
          const task = await stores.tasks.get(ORG_A, f.taskId);
          expect(task).toMatchObject({ desired_state: "stopped" });
          const warehouse = await stores.warehouses.getWarehouse(ORG_A, f.warehouseId);
          expect(warehouse).toMatchObject({ is_default: true, port: 1 });
          if (f.spareWarehouseId) expect(await stores.warehouses.getWarehouse(ORG_A, f.spareWarehouseId)).not.toBeNull();
        }
      });
    }
  }
});

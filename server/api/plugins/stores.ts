// The store as a decorated plugin: `app.stores.dataSources` and `app.stores.tasks`, the ports every
// route plugin uses. By default openStore() on DATABASE_URL or DATA_DIR, opened on first use (so
// routes that need no store, health and org, answer without one) and closed with the app; stores
// handed in (server/main.ts opens them before listening, tests bring their own) are the caller's to close.
// `app.storeDb()` is the store's database itself, for identity (better-auth keeps its tables there; the
// first ask creates or updates them, server/auth/tables.ts).
import fp from "fastify-plugin";
import { ensureAuthTables } from "../../auth/tables.ts";
import type { Config } from "../../config.ts";
import { DISCARDING_AUDIT_STORE, type AuditStore } from "../../store/audit.ts";
import { openStore, storeTarget, type AlertStore, type Stores } from "../../store/open.ts";
import type { StoreDb } from "../../store/dialect.ts";
import type { TaskStore } from "../../store/tasks.ts";
import type { DataSourceStore } from "../../store/types.ts";
import type { WarehouseStore } from "../../store/warehouses.ts";

/**
 * The ports handed in. `db` (the whole store) is needed only by identity, and `audit` only for the
 * log to be kept, so tests of other routes may leave them out (their events are then discarded).
 */
export type ApiStores = Pick<Stores, "dataSources" | "tasks" | "warehouses"> & Partial<Pick<Stores, "db" | "audit" | "alerts">>;

/** The ports the routes use: the audit port is always there. */
export type AppStores = ApiStores & Pick<Stores, "audit">;

declare module "fastify" {
  interface FastifyInstance {
    stores: AppStores;
    storeDb(): Promise<StoreDb>;
  }
}

export interface StoresOptions {
  config: Config;
  stores?: ApiStores | undefined;
}

export const storesPlugin = fp<StoresOptions>(
  async (app, { config, stores }) => {
    if (stores) {
      app.decorate("stores", { ...stores, audit: stores.audit ?? DISCARDING_AUDIT_STORE });
      app.decorate("storeDb", async () => {
        if (!stores.db) throw new Error("identity needs the store's database: hand the whole store (openStore()) to buildApp");
        await ensureAuthTables(stores.db);
        return stores.db;
      });
      return;
    }
    let opened: Promise<Stores> | undefined;
    const open = () => (opened ??= openStore(storeTarget(config)));
    app.addHook("onClose", async () => {
      if (opened) await (await opened).close();
    });
    app.decorate("storeDb", async () => {
      const { db } = await open();
      await ensureAuthTables(db);
      return db;
    });
    app.decorate("stores", {
      dataSources: lazyPort<DataSourceStore>(async () => (await open()).dataSources),
      tasks: lazyPort<TaskStore>(async () => (await open()).tasks),
      audit: lazyPort<AuditStore>(async () => (await open()).audit),
      warehouses: lazyPort<WarehouseStore>(async () => (await open()).warehouses),
      alerts: lazyPort<AlertStore>(async () => (await open()).alerts),
    });
  },
  { name: "stores" },
);

/** A port whose every method first waits for the store to open (all port methods are async). */
function lazyPort<T extends object>(get: () => Promise<T>): T {
  return new Proxy({} as T, {
    get: (_target, method) =>
      async (...args: unknown[]) => {
        const port = await get();
        return (port[method as keyof T] as (...a: unknown[]) => unknown)(...args);
      },
  });
}

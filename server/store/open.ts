// openStore: the one way in. SQLite file under DATA_DIR by default; PostgreSQL when given a
// postgres:// URL (DATABASE_URL). Migrates before returning, so a store problem stops start-up
// with its reason, and hands out the ports over one connection (SQLite) or one pool (PostgreSQL).
//
// Why Kysely: one typed query builder that compiles the same query to SQLite and PostgreSQL, with
// upserts (ON CONFLICT ... DO UPDATE ... WHERE), RETURNING and row-value IN in both, a schema
// builder and a Migrator with per-dialect locking, and no code generation or runtime schema of its
// own (an ORM would hide the claim statement this store depends on). It is pure TypeScript.
import path from "node:path";
import { auditStore, type AuditStore } from "./audit.ts";
import { backfillStore } from "./backfills.ts";
import { dataSourceStore } from "./data-sources.ts";
import { failedFilesStore } from "./failed-files.ts";
import { openPostgresDb, openSqliteDb, type DialectName, type StoreDb } from "./dialect.ts";
import { loadLedger } from "./ledger.ts";
import { migrate } from "./migrations.ts";
import { runHistory } from "./runs.ts";
import { taskRecords } from "./task-records.ts";
import { taskStatus } from "./task-status.ts";
import { taskWorkers } from "./task-workers.ts";
import type { TaskStore } from "./tasks.ts";
import type { DataSourceStore } from "./types.ts";
import { warehouseStore, type WarehouseStore } from "./warehouses.ts";

export const STORE_FILE = "console.sqlite";

export interface OpenStoreOptions {
  /** postgres:// or postgresql:// selects PostgreSQL; otherwise the SQLite file in dataDir. */
  url?: string | undefined;
  /** Where the SQLite file lives (DATA_DIR). */
  dataDir?: string;
  /** Clock for the timestamps the product shows (never for leases: those use the database's). */
  now?: () => Date;
  /** PostgreSQL connections per process. */
  poolSize?: number;
}

export interface Stores {
  dialect: DialectName;
  dataSources: DataSourceStore;
  tasks: TaskStore;
  audit: AuditStore;
  warehouses: WarehouseStore;
  /** The underlying Kysely handle, for tests and tools; product code uses the ports. */
  db: StoreDb;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/** The store target from configuration: DATABASE_URL when it is PostgreSQL, else DATA_DIR. */
export function storeTarget(config: { dataDir: string; databaseUrl?: string | undefined }): OpenStoreOptions {
  return { dataDir: config.dataDir, url: config.databaseUrl };
}

export async function openStore(target: string | OpenStoreOptions = {}): Promise<Stores> {
  const options: OpenStoreOptions = typeof target === "string" ? (isPostgresUrl(target) ? { url: target } : { dataDir: target }) : target;
  if (options.url && !isPostgresUrl(options.url)) {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got "${String(options.url).split(":")[0]}:..."); leave it unset for the SQLite file under DATA_DIR`);
  }
  const now = options.now ?? (() => new Date());
  const s = isPostgresUrl(options.url)
    ? openPostgresDb(options.url, options.poolSize)
    : openSqliteDb(path.join(options.dataDir ?? "./data", STORE_FILE));
  try {
    await migrate(s.db);
  } catch (error) {
    await s.db.destroy();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    dialect: s.dialect,
    dataSources: dataSourceStore(s, now),
    tasks: { ...taskRecords(s, now), ...taskWorkers(s), ...taskStatus(s, now), ...loadLedger(s, now), ...runHistory(s, now), ...backfillStore(s, now), ...failedFilesStore(s, now) },
    audit: auditStore(s, now),
    warehouses: warehouseStore(s, now),
    db: s,
    close: () => (closed ??= s.db.destroy()),
  };
}

// The warehouse as the task wizard's Target step sees it: databases, the tables and views of one,
// and the columns of one table, each read from Databend itself through databend-driver, bounded in
// time (the target check's timeout) and in rows (WAREHOUSE_LIST_LIMIT). Names reach SQL only as
// quoted identifiers (sqlIdent) or string literals (sqlString), both from ./sql.ts.
import {
  DATABEND_SYSTEM_DATABASES,
  WAREHOUSE_LIST_LIMIT,
  type NewTable,
  type WarehouseColumn,
  type WarehouseDatabase,
  type WarehouseTable,
} from "#contracts/warehouse.ts";
import { DatabendWarehouse, type Warehouse } from "./client.ts";
import { databendErrorCode } from "./errors.ts";
import { buildCreateTable, buildDropTable, qualifiedTable, sqlString } from "./sql.ts";
import { askDatabend, databendAddress, databendUser, dsnScrubber, type DatabendFailure } from "./target-check.ts";

export type BrowseResult<T> = { status: "ok"; items: T[]; truncated: boolean } | DatabendFailure;

/** Databend's TableAlreadyExists (src/common/exception/src/exception_code.rs). */
export const TABLE_ALREADY_EXISTS = 2302;

export type CreateTableResult = { status: "created"; columns: WarehouseColumn[] } | { status: "exists" } | DatabendFailure;
export type DropTableResult = { status: "dropped" } | DatabendFailure;

export interface WarehouseBrowser {
  /** host:port of the warehouse, without credentials. */
  readonly address: string;
  readonly user: string;
  readonly timeoutMs: number;
  databases(): Promise<BrowseResult<WarehouseDatabase>>;
  tables(database: string): Promise<BrowseResult<WarehouseTable>>;
  columns(database: string, table: string): Promise<BrowseResult<WarehouseColumn>>;
  createTable(database: string, table: NewTable): Promise<CreateTableResult>;
  /** Drops a table this process has just created (a task that could not be saved with it). */
  dropTable(database: string, table: string): Promise<DropTableResult>;
  close(): Promise<void>;
}

const cap = <T>(items: T[], limit = WAREHOUSE_LIST_LIMIT) => ({
  status: "ok" as const,
  items: items.slice(0, limit),
  truncated: items.length > limit,
});

const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** Databases of the default catalog but Databend's own, by name; one more than the cap, to tell a cut. */
export async function listDatabases(warehouse: Warehouse): Promise<BrowseResult<WarehouseDatabase>> {
  // SHOW DATABASES reads this table too, but takes no LIMIT.
  const rows = await warehouse.query(
    `SELECT name FROM system.databases WHERE catalog = 'default' AND name NOT IN (${DATABEND_SYSTEM_DATABASES.map(sqlString).join(", ")}) ` +
      `ORDER BY name LIMIT ${WAREHOUSE_LIST_LIMIT + 1}`,
  );
  return cap(rows.map((row) => ({ name: text(row.name) })));
}

/**
 * Tables and views of a database, by name. Databend 1.2.453 lists views in system.views only (not
 * in system.tables, nor in SHOW FULL TABLES); UNION keeps one row should a release list a view in
 * both. An empty list from a database that does not exist is told apart by system.databases.
 */
export async function listTables(warehouse: Warehouse, database: string): Promise<BrowseResult<WarehouseTable>> {
  const where = `WHERE database = ${sqlString(database)}`;
  const rows = await warehouse.query(
    `SELECT name, engine FROM (SELECT name, engine FROM system.tables ${where} UNION SELECT name, engine FROM system.views ${where}) AS t ` +
      `ORDER BY name LIMIT ${WAREHOUSE_LIST_LIMIT + 1}`,
  );
  if (rows.length === 0) {
    const found = await warehouse.query(`SELECT name FROM system.databases WHERE name = ${sqlString(database)} LIMIT 1`);
    if (found.length === 0) return { status: "missing_database" };
  }
  return cap(
    rows.map((row) => {
      const engine = text(row.engine);
      return { name: text(row.name), ...(engine ? { engine } : {}), is_view: engine.toUpperCase() === "VIEW" };
    }),
  );
}

/**
 * Columns of a table or view in their order: `DESC` (which also answers 1003/1025 for a missing
 * database or table), and the declared defaults from system.columns (DESC shows a type's implicit
 * default, e.g. 0 or NULL, for a column declared without one).
 */
export async function listColumns(warehouse: Warehouse, database: string, table: string): Promise<BrowseResult<WarehouseColumn>> {
  const described = await warehouse.query(`DESC ${qualifiedTable(database, table)}`);
  const declared = await warehouse.query(
    `SELECT name, default_expression FROM system.columns WHERE database = ${sqlString(database)} AND table = ${sqlString(table)} ` +
      `AND default_kind = 'DEFAULT'`,
  );
  const defaults = new Map(declared.map((row) => [text(row.name), text(row.default_expression)]));
  return cap(
    described.map((row) => {
      const name = text(row.Field);
      const fallback = defaults.get(name);
      return {
        name,
        type: text(row.Type),
        nullable: text(row.Null).toUpperCase() === "YES",
        ...(fallback ? { default: fallback } : {}),
      };
    }),
  );
}

/**
 * `CREATE TABLE` (no IF NOT EXISTS: an existing table is Databend's 2302 and stays as it is), then
 * the table as DESC describes it. Names are quoted identifiers, types whitelisted by the contract.
 */
export async function createTable(warehouse: Warehouse, database: string, table: NewTable): Promise<CreateTableResult> {
  try {
    await warehouse.exec(buildCreateTable({ database, table: table.name, columns: table.columns }));
  } catch (error) {
    if (databendErrorCode(error instanceof Error ? error.message : String(error)) === TABLE_ALREADY_EXISTS) return { status: "exists" };
    throw error;
  }
  const described = await listColumns(warehouse, database, table.name);
  return described.status === "ok" ? { status: "created", columns: described.items } : described;
}

/** DROP TABLE (see buildDropTable): the undo of createTable when what the table was made for fails. */
export async function dropTable(warehouse: Warehouse, database: string, table: string): Promise<DropTableResult> {
  await warehouse.exec(buildDropTable({ database, table }));
  return { status: "dropped" };
}

export function createWarehouseBrowser(options: { dsn: string; timeoutMs: number }): WarehouseBrowser {
  const { dsn, timeoutMs } = options;
  const scrub = dsnScrubber(dsn);
  let warehouse: DatabendWarehouse | undefined;
  const ask = <T>(question: (w: Warehouse) => Promise<BrowseResult<T>>) => {
    warehouse ??= new DatabendWarehouse(dsn, { maxIdle: 2 });
    const w = warehouse;
    return askDatabend(() => question(w), timeoutMs, scrub);
  };
  return {
    address: databendAddress(dsn),
    user: databendUser(dsn),
    timeoutMs,
    databases: () => ask(listDatabases),
    tables: (database) => ask((w) => listTables(w, database)),
    columns: (database, table) => ask((w) => listColumns(w, database, table)),
    createTable: (database, table) => {
      warehouse ??= new DatabendWarehouse(dsn, { maxIdle: 2 });
      const w = warehouse;
      return askDatabend(() => createTable(w, database, table), timeoutMs, scrub);
    },
    dropTable: (database, table) => {
      warehouse ??= new DatabendWarehouse(dsn, { maxIdle: 2 });
      const w = warehouse;
      return askDatabend(() => dropTable(w, database, table), timeoutMs, scrub);
    },
    async close() {
      await warehouse?.close();
    },
  };
}

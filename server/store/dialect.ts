// The only place that knows which database is behind the store. Everything else writes Kysely
// queries that both dialects understand; what cannot be said portably lives here: the database's
// clock, how a unique violation looks, and how a burst of ledger statements is grouped.
//
// SQLite runs on node:sqlite (built into Node, no native build) through Kysely's own SqliteDialect:
// no maintained Kysely dialect for node:sqlite exists on npm, and Kysely's dialect wants an object
// with `prepare(sql)` returning `{ reader, all, run, iterate }`, which is a dozen lines over
// node:sqlite's StatementSync. PostgreSQL runs on `pg` (pure JS) through Kysely's PostgresDialect.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type RawBuilder,
  type SqliteDatabase,
  type SqliteStatement,
} from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export type DialectName = "sqlite" | "postgres";

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The database's clock in ms since the epoch: leases are set and compared by it, never by ours. */
  nowMs(): RawBuilder<number>;
  isUniqueViolation(error: unknown): boolean;
  /**
   * Runs a burst of ledger statements. SQLite: one write transaction (it has one writer anyway, and
   * a transaction per row would sync per row). PostgreSQL: no transaction, each statement commits
   * on its own, so a statement never holds a row lock while waiting for another (no deadlocks);
   * every claim is one atomic statement, so nothing needs the burst to be atomic as a whole.
   */
  burst<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

// ---- SQLite over node:sqlite ------------------------------------------------------------------

/** node:sqlite binds neither booleans nor undefined; the store passes 1/0 and null itself. */
class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  private readonly stmt: StatementSync;
  constructor(stmt: StatementSync) {
    this.stmt = stmt;
    // A statement that yields columns (SELECT, or anything with RETURNING) is read with all().
    this.reader = stmt.columns().length > 0;
  }
  all(parameters: readonly unknown[]): unknown[] {
    return this.stmt.all(...(parameters as never[]));
  }
  run(parameters: readonly unknown[]) {
    return this.stmt.run(...(parameters as never[]));
  }
  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.stmt.iterate(...(parameters as never[]));
  }
}

class NodeSqliteDatabase implements SqliteDatabase {
  private readonly db: DatabaseSync;
  /** Statements are prepared once per SQL text: the store issues the same few hundred again and again. */
  private readonly cache = new Map<string, NodeSqliteStatement>();
  constructor(db: DatabaseSync) {
    this.db = db;
  }
  prepare(text: string): SqliteStatement {
    let stmt = this.cache.get(text);
    if (!stmt) {
      stmt = new NodeSqliteStatement(this.db.prepare(text));
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(text, stmt);
    }
    return stmt;
  }
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** A FIFO async lock. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock(): Promise<() => void> {
    let unlock!: () => void;
    const next = new Promise<void>((resolve) => (unlock = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return unlock;
  }
}

/**
 * One lock per database file in this process. node:sqlite waits for another connection's write
 * lock synchronously (busy timeout), which blocks the event loop; if that other connection is in
 * this same process, mid-transaction between two awaits, it can never finish. So connections to
 * one file in one process take turns here, and only other processes are waited for by SQLite.
 */
const fileLocks = new Map<string, Mutex>();

/**
 * BEGIN IMMEDIATE instead of Kysely's plain BEGIN: a deferred transaction that reads first and then
 * writes fails at once with SQLITE_BUSY when another process wrote meanwhile (WAL), whereas an
 * immediate one waits for the write lock under the busy timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  private readonly lock: Mutex;
  private unlock: (() => void) | undefined;
  constructor(database: SqliteDatabase, file: string) {
    super({ database });
    let lock = fileLocks.get(file);
    if (!lock) fileLocks.set(file, (lock = new Mutex()));
    this.lock = lock;
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const unlock = await this.lock.lock();
    const connection = await super.acquireConnection();
    this.unlock = unlock;
    return connection;
  }
  override async releaseConnection(): Promise<void> {
    const unlock = this.unlock;
    this.unlock = undefined;
    await super.releaseConnection();
    unlock?.();
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** SQLite's DDL is transactional, so the Migrator may run a migration all or nothing. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class NodeSqliteDialect extends SqliteDialect {
  private readonly database: SqliteDatabase;
  private readonly file: string;
  constructor(database: SqliteDatabase, file: string) {
    super({ database });
    this.database = database;
    this.file = file;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.database, this.file);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export function openSqliteDb(file: string): StoreDb {
  mkdirSync(path.dirname(file), { recursive: true });
  // The busy timeout lets the API and worker processes share the file (WAL: readers never block).
  const raw = new DatabaseSync(file, { timeout: 5_000 });
  raw.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(new NodeSqliteDatabase(raw), path.resolve(file)) });
  return {
    db,
    dialect: "sqlite",
    nowMs: () => sql<number>`cast(unixepoch('subsec') * 1000 as integer)`,
    isUniqueViolation: (error) => error instanceof Error && /UNIQUE constraint failed/.test(error.message),
    burst: (fn) => db.transaction().execute(fn),
  };
}

// ---- PostgreSQL over pg -----------------------------------------------------------------------

export function openPostgresDb(url: string, poolSize = 10): StoreDb {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: "postgres",
    // clock_timestamp(), not now(): now() is the transaction's start and would stand still in one.
    nowMs: () => sql<number>`cast(extract(epoch from clock_timestamp()) * 1000 as bigint)`,
    isUniqueViolation: (error) => (error as { code?: string } | null)?.code === "23505",
    burst: (fn) => fn(db),
  };
}

// The warehouse's catalog and storage, kept in one SQLite file: databases, tables (each stored as a
// SQLite table named t_<id>, so names never clash), and per-table COPY load metadata.

import { DatabaseSync } from "node:sqlite";
import { Codes, WarehouseError } from "./errors.ts";
import { sqliteIdent } from "./sql/lexer.ts";
import { sqliteType, type ColumnType, type Stored } from "./types.ts";

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Stored value used when a load or INSERT gives no value; null means NULL. */
  defaultValue: Stored;
  /** The default as DESC shows it. */
  defaultText: string;
}

export interface TableInfo {
  id: number;
  database: string;
  name: string;
  columns: ColumnDef[];
  /** Quoted SQLite table name. */
  storage: string;
}

export interface CopiedFile {
  etag: string | null;
  size: number;
  lastModified: string | null;
  expireAt: number;
}

function encodeDefault(v: Stored): unknown {
  return typeof v === "bigint" ? { bigint: v.toString() } : v;
}
function decodeDefault(v: unknown): Stored {
  if (v && typeof v === "object" && "bigint" in v) return BigInt((v as { bigint: string }).bigint);
  return v as Stored;
}

export class Catalog {
  readonly db: DatabaseSync;
  private tables = new Map<string, TableInfo>();
  private byStorage = new Map<string, TableInfo>();
  /** Statements COPY runs for every file, prepared once. */
  private readonly statements: {
    copiedFiles: ReturnType<DatabaseSync["prepare"]>;
    recordCopiedFile: ReturnType<DatabaseSync["prepare"]>;
  };

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS _wh_databases (name TEXT PRIMARY KEY, created_on TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS _wh_tables (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        database TEXT NOT NULL, name TEXT NOT NULL, columns TEXT NOT NULL, created_on TEXT NOT NULL,
        UNIQUE (database, name));
      CREATE TABLE IF NOT EXISTS _wh_copied_files (
        table_id INTEGER NOT NULL, path TEXT NOT NULL, etag TEXT, size INTEGER NOT NULL,
        last_modified TEXT, expire_at INTEGER NOT NULL, PRIMARY KEY (table_id, path));
    `);
    this.db.prepare("INSERT OR IGNORE INTO _wh_databases (name, created_on) VALUES ('default', ?)").run(now());
    this.statements = {
      copiedFiles: this.db.prepare(
        `SELECT path, etag, size, last_modified, expire_at FROM _wh_copied_files
         WHERE table_id = ? AND path IN (SELECT value FROM json_each(?))`,
      ),
      recordCopiedFile: this.db.prepare(
        `INSERT INTO _wh_copied_files (table_id, path, etag, size, last_modified, expire_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (table_id, path) DO UPDATE SET etag = excluded.etag, size = excluded.size,
           last_modified = excluded.last_modified, expire_at = excluded.expire_at`,
      ),
    };
    this.reload();
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private key(database: string, name: string): string {
    return `${database}\u0000${name}`;
  }

  private reload(): void {
    this.tables.clear();
    this.byStorage.clear();
    const rows = this.db.prepare("SELECT id, database, name, columns FROM _wh_tables").all();
    for (const r of rows) {
      const columns = (JSON.parse(String(r.columns)) as ColumnDef[]).map((c) => ({
        ...c,
        defaultValue: decodeDefault(c.defaultValue),
      }));
      const info: TableInfo = {
        id: Number(r.id),
        database: String(r.database),
        name: String(r.name),
        columns,
        storage: `t_${Number(r.id)}`,
      };
      this.tables.set(this.key(info.database, info.name), info);
      this.byStorage.set(info.storage, info);
    }
  }

  /** Runs fn in one SQLite transaction (synchronously: no other statement can interleave). */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      this.db.exec("ROLLBACK");
      this.reload();
      throw e;
    }
  }

  listDatabases(): string[] {
    return this.db
      .prepare("SELECT name FROM _wh_databases ORDER BY name")
      .all()
      .map((r) => String(r.name));
  }

  databaseExists(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM _wh_databases WHERE name = ?").get(name) !== undefined;
  }

  requireDatabase(name: string): void {
    if (!this.databaseExists(name)) {
      throw new WarehouseError(Codes.UnknownDatabase, `Unknown database '${name}'`);
    }
  }

  createDatabase(name: string, ifNotExists: boolean): void {
    if (this.databaseExists(name)) {
      if (ifNotExists) return;
      throw new WarehouseError(Codes.DatabaseAlreadyExists, `Database '${name}' already exists`);
    }
    this.db.prepare("INSERT INTO _wh_databases (name, created_on) VALUES (?, ?)").run(name, now());
  }

  dropDatabase(name: string, ifExists: boolean): void {
    if (!this.databaseExists(name)) {
      if (ifExists) return;
      this.requireDatabase(name);
    }
    this.transaction(() => {
      for (const t of this.listTables(name)) this.dropTableInTx(this.tables.get(this.key(name, t))!);
      this.db.prepare("DELETE FROM _wh_databases WHERE name = ?").run(name);
    });
  }

  listTables(database: string): string[] {
    this.requireDatabase(database);
    return [...this.tables.values()]
      .filter((t) => t.database === database)
      .map((t) => t.name)
      .sort();
  }

  getTable(database: string, name: string): TableInfo | undefined {
    return this.tables.get(this.key(database, name));
  }

  tableByStorage(storage: string): TableInfo | undefined {
    return this.byStorage.get(storage);
  }

  requireTable(database: string, name: string): TableInfo {
    const t = this.getTable(database, name);
    if (t) return t;
    this.requireDatabase(database);
    throw new WarehouseError(Codes.UnknownTable, `Unknown table '${database}'.'${name}'`);
  }

  createTable(database: string, name: string, columns: ColumnDef[], opts: { ifNotExists: boolean; orReplace: boolean }): void {
    this.requireDatabase(database);
    const existing = this.getTable(database, name);
    if (existing && opts.ifNotExists) return;
    if (existing && !opts.orReplace) {
      throw new WarehouseError(Codes.TableAlreadyExists, `Table '${name}' already exists`);
    }
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name.toLowerCase())) {
        throw new WarehouseError(Codes.BadArguments, `Duplicated column name '${c.name}'`);
      }
      seen.add(c.name.toLowerCase());
    }
    this.transaction(() => {
      if (existing) this.dropTableInTx(existing);
      const stored = JSON.stringify(columns.map((c) => ({ ...c, defaultValue: encodeDefault(c.defaultValue) })));
      const r = this.db
        .prepare("INSERT INTO _wh_tables (database, name, columns, created_on) VALUES (?, ?, ?, ?)")
        .run(database, name, stored, now());
      const id = Number(r.lastInsertRowid);
      const cols = columns.map((c) => `${sqliteIdent(c.name)} ${sqliteType(c.type)}`).join(", ");
      this.db.exec(`CREATE TABLE ${sqliteIdent(`t_${id}`)} (${cols})`);
    });
    this.reload();
  }

  dropTable(database: string, name: string, ifExists: boolean): void {
    const t = this.getTable(database, name);
    if (!t) {
      if (ifExists) {
        this.requireDatabase(database);
        return;
      }
      this.requireTable(database, name);
      return;
    }
    this.transaction(() => this.dropTableInTx(t));
    this.reload();
  }

  private dropTableInTx(t: TableInfo): void {
    this.db.exec(`DROP TABLE IF EXISTS ${sqliteIdent(t.storage)}`);
    this.db.prepare("DELETE FROM _wh_tables WHERE id = ?").run(t.id);
    this.db.prepare("DELETE FROM _wh_copied_files WHERE table_id = ?").run(t.id);
    this.tables.delete(this.key(t.database, t.name));
    this.byStorage.delete(t.storage);
  }

  /** Databend's TRUNCATE also forgets which files were loaded into the table. */
  truncate(t: TableInfo): void {
    this.transaction(() => {
      this.db.exec(`DELETE FROM ${sqliteIdent(t.storage)}`);
      this.db.prepare("DELETE FROM _wh_copied_files WHERE table_id = ?").run(t.id);
    });
  }

  /** Inserts rows (already converted, one value per column of `columns`) with one prepared statement; returns the count. */
  insertRows(t: TableInfo, columns: ColumnDef[], rows: Iterable<Stored[]>): number {
    let stmt: ReturnType<DatabaseSync["prepare"]> | undefined;
    let n = 0;
    for (const row of rows) {
      if (!stmt) {
        const names = columns.map((c) => sqliteIdent(c.name)).join(", ");
        const marks = columns.map(() => "?").join(", ");
        stmt = this.db.prepare(`INSERT INTO ${sqliteIdent(t.storage)} (${names}) VALUES (${marks})`);
      }
      stmt.run(...row);
      n++;
    }
    return n;
  }

  /** The load metadata recorded for these paths of a table, in one query. */
  copiedFiles(tableId: number, paths: readonly string[]): Map<string, CopiedFile> {
    const out = new Map<string, CopiedFile>();
    if (paths.length === 0) return out;
    const rows = this.statements.copiedFiles.all(tableId, JSON.stringify(paths));
    for (const r of rows) {
      out.set(String(r.path), {
        etag: r.etag === null ? null : String(r.etag),
        size: Number(r.size),
        lastModified: r.last_modified === null ? null : String(r.last_modified),
        expireAt: Number(r.expire_at),
      });
    }
    return out;
  }

  recordCopiedFile(tableId: number, path: string, f: CopiedFile): void {
    this.statements.recordCopiedFile.run(tableId, path, f.etag, f.size, f.lastModified, f.expireAt);
  }
}

function now(): string {
  return new Date().toISOString();
}

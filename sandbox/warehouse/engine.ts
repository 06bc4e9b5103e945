// Executes one SQL statement for a session: DDL and COPY here, queries translated to SQLite.

import type { Catalog, ColumnDef, TableInfo } from "./catalog.ts";
import { executeCopy, COPY_SCHEMA } from "./copy/copy.ts";
import { Codes, syntaxError, unsupported, WarehouseError } from "./errors.ts";
import { Cursor } from "./sql/cursor.ts";
import { identName, isIdent, isOp, isWord, significant, sqliteIdent, tokenize, type Token } from "./sql/lexer.ts";
import { parseCopy, parseCreateTable } from "./sql/statements.ts";
import { translate } from "./sql/translate.ts";
import { convertInput, ConversionError, displayType, formatOutput, protocolType, type ColumnType, type Stored } from "./types.ts";

export const SERVER_VERSION = "1.2.780";
export const VERSION_STRING = `DatabendQuery v${SERVER_VERSION}-dev-warehouse (SQLite-backed stand-in, sandbox/warehouse)`;

/** Databend statements the dev warehouse recognizes but does not run. */
const KNOWN_STATEMENTS = new Set([
  "ALTER", "MERGE", "REPLACE", "EXPLAIN", "GRANT", "REVOKE", "CALL", "BEGIN", "COMMIT", "ROLLBACK",
  "PRESIGN", "LIST", "REMOVE", "OPTIMIZE", "VACUUM", "UNDROP", "RENAME", "ANALYZE", "KILL", "EXECUTE",
  "PUT", "GET", "SHOW", "EXISTS", "ATTACH", "DETACH", "REFRESH",
]);

export interface Session {
  database: string;
  settings: Record<string, string>;
}

export interface SchemaField {
  name: string;
  type: string;
}

export interface StatementResult {
  schema: SchemaField[];
  rows: (string | null)[][];
  writeRows: number;
  writeBytes: number;
  scanRows: number;
  scanBytes: number;
  /** Returned in the response's `warnings` (the driver logs them) and logged by the server. */
  warnings?: string[];
  /** Set when the statement changed the session (USE, SET). */
  session?: Session;
}

function empty(extra: Partial<StatementResult> = {}): StatementResult {
  return { schema: [], rows: [], writeRows: 0, writeBytes: 0, scanRows: 0, scanBytes: 0, ...extra };
}

function stringColumn(name: string, values: string[]): StatementResult {
  return empty({ schema: [{ name, type: "String" }], rows: values.map((v) => [v]) });
}

export class Engine {
  readonly catalog: Catalog;
  readonly user: string;

  constructor(catalog: Catalog, user = "root") {
    this.catalog = catalog;
    this.user = user;
    catalog.db.function("cast_to_text", { deterministic: true }, (v) => (v === null ? null : String(v)));
  }

  async execute(sql: string, session: Session): Promise<StatementResult> {
    try {
      return await this.executeUnmapped(sql, session);
    } catch (e) {
      throw mapSqliteError(e);
    }
  }

  private async executeUnmapped(sql: string, session: Session): Promise<StatementResult> {
    const all = tokenize(sql);
    const sig = significant(all);
    const semi = sig.findIndex((t) => isOp(t, ";"));
    if (semi >= 0 && semi < sig.length - 1) {
      throw syntaxError("multiple statements in one query are not supported; send them one by one");
    }
    if (sig.length === 0 || (sig.length === 1 && isOp(sig[0]!, ";"))) throw syntaxError("empty query");
    // Tokens without the trailing semicolon, for translation.
    const body = semi >= 0 ? all.slice(0, all.indexOf(sig[semi]!)) : all;
    const c = new Cursor(sig);
    const first = sig[0]!;
    const word = first.kind === "word" ? first.value.toUpperCase() : first.value;
    switch (word) {
      case "SELECT":
      case "WITH":
      case "VALUES":
      case "(":
        return this.query(body, session);
      case "SHOW":
        c.next();
        return this.show(c, session);
      case "DESC":
      case "DESCRIBE":
        c.next();
        c.acceptWords("TABLE");
        return this.describe(c, session);
      case "USE": {
        c.next();
        const db = c.ident("database name");
        c.expectEnd();
        this.catalog.requireDatabase(db);
        return empty({ session: { ...session, database: db } });
      }
      case "CREATE":
        c.next();
        return this.create(c, session);
      case "DROP":
        c.next();
        return this.drop(c, session);
      case "TRUNCATE": {
        c.next();
        c.acceptWords("TABLE");
        const name = c.qualifiedName();
        c.expectEnd();
        this.catalog.truncate(this.table(name.database, name.name, session));
        return empty();
      }
      case "INSERT":
        return this.insert(c, body, session);
      case "DELETE":
      case "UPDATE": {
        const info = this.catalog.db.prepare(translate(body, this.context(session))).run();
        return empty({ writeRows: Number(info.changes) });
      }
      case "COPY": {
        c.next();
        c.expectWords("INTO");
        if (c.peek()?.kind === "string" || isOp(c.peek(), "@")) throw unsupported("COPY INTO <location> (unloading)");
        const stmt = parseCopy(c);
        const table = this.table(stmt.table.database, stmt.table.name, session);
        const out = await executeCopy(this.catalog, table, stmt, session.settings);
        return empty({
          schema: COPY_SCHEMA,
          rows: out.rows,
          writeRows: out.rowsLoaded,
          writeBytes: out.bytesRead,
          scanRows: out.rowsLoaded,
          scanBytes: out.bytesRead,
          warnings: out.purgeErrors.map((e) => `purge failed (the load is kept): ${e}`),
        });
      }
      case "SET": {
        c.next();
        if (!c.acceptWords("SESSION")) c.acceptWords("GLOBAL");
        const key = c.ident("setting name").toLowerCase();
        c.expectOp("=");
        const v = c.next();
        c.expectEnd();
        return empty({ session: { ...session, settings: { ...session.settings, [key]: v.value } } });
      }
      case "UNSET": {
        c.next();
        const key = c.ident("setting name").toLowerCase();
        c.expectEnd();
        const settings = { ...session.settings };
        delete settings[key];
        return empty({ session: { ...session, settings } });
      }
      default: {
        const words = sig.slice(0, 3).map((t) => t.text.toUpperCase()).join(" ");
        if (first.kind === "word" && KNOWN_STATEMENTS.has(word)) throw unsupported(`Statement ${words}`);
        throw syntaxError(`unexpected '${first.text}' at position ${first.start}, expected a statement`);
      }
    }
  }

  private table(database: string | undefined, name: string, session: Session): TableInfo {
    return this.catalog.requireTable(database ?? session.database, name);
  }

  private context(session: Session) {
    return {
      currentDatabase: session.database,
      version: VERSION_STRING,
      user: this.user,
      resolveTable: (db: string | undefined, name: string) => this.table(db, name, session),
    };
  }

  private create(c: Cursor, session: Session): StatementResult {
    const orReplace = c.acceptWords("OR", "REPLACE");
    if (c.acceptWords("DATABASE") || c.acceptWords("SCHEMA")) {
      const ifNotExists = c.acceptWords("IF", "NOT", "EXISTS");
      const name = c.ident("database name");
      while (!c.atEnd() && !c.atSemicolon()) c.next(); // ENGINE = DEFAULT etc.
      c.expectEnd();
      if (orReplace && this.catalog.databaseExists(name)) this.catalog.dropDatabase(name, true);
      this.catalog.createDatabase(name, ifNotExists);
      return empty();
    }
    c.acceptWords("TRANSIENT");
    if (c.acceptWords("TABLE")) {
      const stmt = parseCreateTable(c, orReplace);
      this.catalog.createTable(stmt.table.database ?? session.database, stmt.table.name, stmt.columns, stmt);
      return empty();
    }
    const what = c.peek()?.text.toUpperCase() ?? "";
    throw unsupported(`CREATE ${what}`);
  }

  private drop(c: Cursor, session: Session): StatementResult {
    if (c.acceptWords("DATABASE") || c.acceptWords("SCHEMA")) {
      const ifExists = c.acceptWords("IF", "EXISTS");
      const name = c.ident("database name");
      c.expectEnd();
      this.catalog.dropDatabase(name, ifExists);
      return empty();
    }
    if (c.acceptWords("TABLE")) {
      const ifExists = c.acceptWords("IF", "EXISTS");
      const name = c.qualifiedName();
      c.acceptWords("ALL");
      c.expectEnd();
      this.catalog.dropTable(name.database ?? session.database, name.name, ifExists);
      return empty();
    }
    throw unsupported(`DROP ${c.peek()?.text.toUpperCase() ?? ""}`);
  }

  private show(c: Cursor, session: Session): StatementResult {
    c.acceptWords("FULL");
    if (c.acceptWords("DATABASES") || c.acceptWords("SCHEMAS")) {
      const like = this.like(c);
      c.expectEnd();
      return stringColumn("databases_in_default", this.catalog.listDatabases().filter(like));
    }
    if (c.acceptWords("TABLES")) {
      let db = session.database;
      if (c.acceptWords("FROM") || c.acceptWords("IN")) db = c.ident("database name");
      const like = this.like(c);
      c.expectEnd();
      return stringColumn(`Tables_in_${db}`, this.catalog.listTables(db).filter(like));
    }
    if (c.acceptWords("CREATE", "TABLE")) {
      const name = c.qualifiedName();
      c.expectEnd();
      const t = this.table(name.database, name.name, session);
      const cols = t.columns.map((col) => `  ${col.name} ${displayType(col.type)}${col.nullable ? " NULL" : " NOT NULL"}`);
      return empty({
        schema: [
          { name: "Table", type: "String" },
          { name: "Create Table", type: "String" },
        ],
        rows: [[t.name, `CREATE TABLE ${t.name} (\n${cols.join(",\n")}\n) ENGINE=FUSE`]],
      });
    }
    throw unsupported(`SHOW ${c.peek()?.text.toUpperCase() ?? ""}`);
  }

  private like(c: Cursor): (name: string) => boolean {
    if (!c.acceptWords("LIKE")) return () => true;
    const pattern = c.string("LIKE pattern");
    const re = new RegExp(
      "^" + pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("%", ".*").replaceAll("_", ".") + "$",
      "s",
    );
    return (name) => re.test(name);
  }

  private describe(c: Cursor, session: Session): StatementResult {
    const name = c.qualifiedName();
    c.expectEnd();
    const t = this.table(name.database, name.name, session);
    return empty({
      schema: ["Field", "Type", "Null", "Default", "Extra"].map((n) => ({ name: n, type: "String" })),
      rows: t.columns.map((col) => [col.name, displayType(col.type), col.nullable ? "YES" : "NO", col.defaultText, ""]),
    });
  }

  private insert(c: Cursor, body: Token[], session: Session): StatementResult {
    c.next();
    if (c.acceptWords("OVERWRITE")) throw unsupported("INSERT OVERWRITE");
    c.expectWords("INTO");
    c.acceptWords("TABLE");
    const name = c.qualifiedName();
    const t = this.table(name.database, name.name, session);
    let columns: ColumnDef[] = t.columns;
    if (c.acceptOp("(")) {
      columns = [];
      do {
        const colName = c.ident("column name");
        const col = t.columns.find((x) => x.name === colName) ?? t.columns.find((x) => x.name.toLowerCase() === colName.toLowerCase());
        if (!col) throw new WarehouseError(Codes.UnknownColumn, `column '${colName}' does not exist in table '${t.name}'`);
        columns.push(col);
      } while (c.acceptOp(","));
      c.expectOp(")");
    }
    const rest = c.peek();
    if (!isWord(rest, "VALUES", "SELECT", "WITH") && !isOp(rest, "(")) throw c.unexpected("VALUES or SELECT");
    // Let SQLite evaluate the VALUES / SELECT, then convert each value to its column's type.
    const source = body.slice(body.indexOf(rest!));
    const stmt = this.catalog.db.prepare(translate(source, this.context(session)));
    stmt.setReadBigInts(true);
    stmt.setReturnArrays(true);
    const rows = stmt.all() as unknown as unknown[][];
    const converted: Stored[][] = rows.map((values, i) => {
      if (values.length !== columns.length) {
        throw new WarehouseError(
          Codes.BadArguments,
          `row ${i + 1} has ${values.length} values but ${columns.length} columns are being inserted`,
        );
      }
      return columns.map((col, j) => {
        let v: Stored;
        try {
          v = convertInput(col.type, values[j]);
        } catch (e) {
          if (e instanceof ConversionError) throw new WarehouseError(Codes.BadArguments, `row ${i + 1}, column '${col.name}': ${e.message}`);
          throw e;
        }
        if (v === null && !col.nullable) {
          throw new WarehouseError(Codes.BadArguments, `row ${i + 1}: null value for non-nullable column '${col.name}'`);
        }
        return v;
      });
    });
    const omitted = t.columns.filter((col) => !columns.includes(col));
    const all = [...columns, ...omitted];
    const full = converted.map((row) => [...row, ...omitted.map((col) => col.defaultValue)]);
    const n = this.catalog.transaction(() => this.catalog.insertRows(t, all, full));
    return empty({ writeRows: n });
  }

  private query(body: Token[], session: Session): StatementResult {
    const sql = translate(body, this.context(session));
    const stmt = this.catalog.db.prepare(sql);
    stmt.setReadBigInts(true);
    const columns = stmt.columns();
    // Arrays keep duplicate names apart (SELECT a.x, b.x).
    stmt.setReturnArrays(true);
    const raw = stmt.all() as unknown as unknown[][];
    const types: (ColumnType | undefined)[] = [];
    const schema: SchemaField[] = columns.map((col, i) => {
      const origin = col.table ? this.catalog.tableByStorage(col.table) : undefined;
      const def = origin?.columns.find((x) => x.name === col.column);
      const hasNull = raw.some((r) => r[i] === null);
      if (def) {
        types.push(def.type);
        return { name: col.name, type: protocolType(def.type, def.nullable || hasNull) };
      }
      types.push(undefined);
      return { name: col.name, type: inferType(raw.map((r) => r[i])) };
    });
    const rows = raw.map((r) => r.map((v, i) => formatOutput(types[i], v)));
    return empty({ schema, rows, scanRows: rows.length });
  }
}

/** SQLite's errors for a translated query, as Databend's error codes. */
function mapSqliteError(e: unknown): unknown {
  const err = e as { code?: string; message?: string };
  if (err?.code !== "ERR_SQLITE_ERROR" || typeof err.message !== "string") return e;
  const msg = err.message;
  let m: RegExpExecArray | null;
  if ((m = /no such table: (.+)$/.exec(msg))) return new WarehouseError(Codes.UnknownTable, `Unknown table '${m[1]}'`);
  if ((m = /no such column: (.+)$/.exec(msg))) return new WarehouseError(Codes.SemanticError, `column ${m[1]} doesn't exist`);
  if ((m = /no such function: (.+)$/.exec(msg))) {
    return new WarehouseError(Codes.UnknownFunction, `no function matches the given name: '${m[1]}' (the dev warehouse runs queries on SQLite; see its README)`);
  }
  if (/syntax error|incomplete input|unrecognized token/.test(msg)) return new WarehouseError(Codes.SyntaxException, `syntax error: ${msg}`);
  if (/misuse of aggregate|GROUP BY|ambiguous column/.test(msg)) return new WarehouseError(Codes.SemanticError, msg);
  return new WarehouseError(Codes.Internal, msg);
}

/** The type of a computed column, from its values (SQLite has no static types). */
function inferType(values: unknown[]): string {
  let kind: "none" | "int" | "float" | "string" | "binary" = "none";
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k = typeof v === "bigint" ? "int" : typeof v === "number" ? "float" : v instanceof Uint8Array ? "binary" : "string";
    if (kind === "none" || kind === k) kind = k;
    else if ((kind === "int" && k === "float") || (kind === "float" && k === "int")) kind = "float";
    else kind = "string";
  }
  switch (kind) {
    case "none":
      return "NULL";
    case "int":
      return "Nullable(Int64)";
    case "float":
      return "Nullable(Float64)";
    case "binary":
      return "Nullable(Binary)";
    default:
      return "Nullable(String)";
  }
}

export { identName, isIdent, sqliteIdent };

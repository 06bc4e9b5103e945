// Parsers for the statements the warehouse executes itself (DDL and COPY INTO); queries go to
// translate.ts. Grammar follows Databend's documentation of each statement.

import type { ColumnDef } from "../catalog.ts";
import { Codes, syntaxError, unsupported, WarehouseError } from "../errors.ts";
import { convertInput, ConversionError, displayType, KNOWN_TYPE_NAMES, resolveType, type ColumnType, type Stored } from "../types.ts";
import { Cursor, type QualifiedName } from "./cursor.ts";
import { isIdent, isOp, isWord } from "./lexer.ts";

export interface CreateTable {
  table: QualifiedName;
  columns: ColumnDef[];
  ifNotExists: boolean;
  orReplace: boolean;
}

/** After CREATE [OR REPLACE] [TRANSIENT] TABLE. */
export function parseCreateTable(c: Cursor, orReplace: boolean): CreateTable {
  const ifNotExists = c.acceptWords("IF", "NOT", "EXISTS");
  const table = c.qualifiedName();
  if (c.acceptWords("AS") || c.acceptWords("LIKE")) throw unsupported("CREATE TABLE ... AS/LIKE");
  c.expectOp("(");
  const columns: ColumnDef[] = [];
  do {
    if (isWord(c.peek(), "PRIMARY", "UNIQUE", "CONSTRAINT", "INDEX", "INVERTED", "NGRAM", "CHECK")) {
      throw unsupported(`Table constraint ${c.peek()!.text.toUpperCase()}`);
    }
    columns.push(parseColumn(c));
  } while (c.acceptOp(","));
  c.expectOp(")");
  // Table options (ENGINE = FUSE, CLUSTER BY (...), COMMENT = '...', key = value) do not change
  // how the dev warehouse stores data; they are accepted and ignored.
  while (!c.atEnd() && !c.atSemicolon()) c.next();
  c.expectEnd();
  return { table, columns, ifNotExists, orReplace };
}

function parseType(c: Cursor): ColumnType {
  const t = c.peek();
  if (!t || t.kind !== "word") throw c.unexpected("column type");
  c.next();
  let name = t.value.toUpperCase();
  if (name === "DOUBLE") c.acceptWords("PRECISION");
  if (name === "CHARACTER") c.acceptWords("VARYING");
  const args: number[] = [];
  if (c.acceptOp("(")) {
    do {
      const a = c.next();
      if (a.kind !== "number") throw syntaxError(`unexpected '${a.text}' in type arguments of ${name}`);
      args.push(Number(a.value));
    } while (c.acceptOp(","));
    c.expectOp(")");
  }
  const unsigned = c.acceptWords("UNSIGNED");
  if (c.acceptWords("SIGNED")) name = name.replace(/^U/, "");
  const type = resolveType(name, args, unsigned);
  if (!type) {
    if (["ARRAY", "MAP", "TUPLE", "BITMAP", "BINARY", "VARBINARY", "GEOMETRY", "GEOGRAPHY", "INTERVAL", "VECTOR", "BLOB"].includes(name)) {
      throw unsupported(`Column type ${name}`);
    }
    throw new WarehouseError(
      Codes.IllegalDataType,
      `unknown column type '${t.text}' (the dev warehouse knows ${KNOWN_TYPE_NAMES.join(", ")})`,
    );
  }
  return type;
}

function parseColumn(c: Cursor): ColumnDef {
  const name = c.ident("column name");
  const type = parseType(c);
  let nullable = true;
  let defaultValue: Stored = null;
  let defaultText = "NULL";
  let explicitDefault = false;
  for (;;) {
    if (c.acceptWords("NOT", "NULL")) nullable = false;
    else if (c.acceptWords("NULL")) nullable = true;
    else if (c.acceptWords("DEFAULT")) {
      const tok = c.next();
      let raw: unknown;
      if (tok.kind === "string") raw = tok.value;
      else if (tok.kind === "number") raw = tok.value;
      else if (isOp(tok, "-") && c.peek()?.kind === "number") raw = "-" + c.next().value;
      else if (isWord(tok, "NULL")) raw = null;
      else if (isWord(tok, "TRUE", "FALSE")) raw = tok.value.toLowerCase();
      else throw unsupported(`DEFAULT ${tok.text} (only literal defaults are supported)`);
      try {
        defaultValue = convertInput(type, raw);
      } catch (e) {
        if (e instanceof ConversionError) throw new WarehouseError(Codes.BadArguments, `invalid DEFAULT for column '${name}': ${e.message}`);
        throw e;
      }
      defaultText = tok.kind === "string" ? `'${tok.value}'` : String(raw);
      explicitDefault = true;
    } else if (c.acceptWords("COMMENT")) c.string("comment");
    else break;
  }
  if (!nullable && !explicitDefault) {
    // Databend fills a NOT NULL column that gets no value with its type's default.
    const typeDefault = defaultForType(type);
    defaultValue = typeDefault.value;
    defaultText = typeDefault.text;
  }
  return { name, type, nullable, defaultValue, defaultText };
}

function defaultForType(t: ColumnType): { value: Stored; text: string } {
  switch (t.base) {
    case "String":
      return { value: "", text: "''" };
    case "Boolean":
      return { value: 0n, text: "false" };
    case "Timestamp":
      return { value: "1970-01-01 00:00:00.000000", text: "'1970-01-01 00:00:00.000000'" };
    case "Date":
      return { value: "1970-01-01", text: "'1970-01-01'" };
    case "Variant":
      return { value: "null", text: "'null'" };
    case "Float32":
    case "Float64":
    case "Decimal":
      return { value: 0, text: "0" };
    default:
      return { value: 0n, text: "0" };
  }
}

export { displayType };

export interface CopyStatement {
  table: QualifiedName;
  columns: string[] | undefined;
  location: string;
  connection: Record<string, string>;
  files: string[] | undefined;
  pattern: string | undefined;
  fileFormat: Record<string, string>;
  options: Record<string, string>;
}

/** A `( KEY = value [,] ... )` list; keys upper-cased, values as text. */
function parseOptionList(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  c.expectOp("(");
  while (!c.acceptOp(")")) {
    const key = c.ident("option name").toUpperCase();
    c.expectOp("=");
    out[key] = optionValue(c);
    c.acceptOp(",");
  }
  return out;
}

function optionValue(c: Cursor): string {
  const t = c.next();
  if (t.kind === "string" || t.kind === "number" || t.kind === "word" || t.kind === "quoted") return t.value;
  if (isOp(t, "-") && c.peek()?.kind === "number") return "-" + c.next().value;
  throw syntaxError(`unexpected '${t.text}' at position ${t.start}, expected an option value`);
}

/** After COPY INTO. */
export function parseCopy(c: Cursor): CopyStatement {
  const table = c.qualifiedName();
  let columns: string[] | undefined;
  if (c.acceptOp("(")) {
    columns = [];
    do columns.push(c.ident("column name"));
    while (c.acceptOp(","));
    c.expectOp(")");
  }
  c.expectWords("FROM");
  const from = c.peek();
  if (isOp(from, "@")) throw unsupported("COPY INTO from a stage (@stage)");
  if (isOp(from, "(")) throw unsupported("COPY INTO with a transforming SELECT");
  const location = c.string("location string like 's3://bucket/path/'");
  const stmt: CopyStatement = {
    table,
    columns,
    location,
    connection: {},
    files: undefined,
    pattern: undefined,
    fileFormat: {},
    options: {},
  };
  while (!c.atEnd() && !c.atSemicolon()) {
    const key = c.ident("copy option").toUpperCase();
    c.expectOp("=");
    switch (key) {
      case "CONNECTION":
      case "CREDENTIALS":
        if (isIdent(c.peek())) throw unsupported("CONNECTION = named connection");
        Object.assign(stmt.connection, parseOptionList(c));
        break;
      case "FILES":
        c.expectOp("(");
        stmt.files = [];
        if (!c.acceptOp(")")) {
          do stmt.files.push(c.string("file name"));
          while (c.acceptOp(","));
          c.expectOp(")");
        }
        break;
      case "PATTERN":
        stmt.pattern = c.string("pattern");
        break;
      case "FILE_FORMAT":
        stmt.fileFormat = parseOptionList(c);
        break;
      default:
        stmt.options[key] = optionValue(c);
    }
    c.acceptOp(",");
  }
  c.expectEnd();
  return stmt;
}

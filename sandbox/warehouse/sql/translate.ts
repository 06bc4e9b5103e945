// Translates a Databend query (SELECT, WITH, VALUES, DELETE, UPDATE) to SQLite by rewriting only
// what differs: table references ([db.]table -> the SQLite table t_<id> aliased to the table's
// name), identifier and string quoting, and a few functions. SQLite then runs the query; there is
// no query engine here.

import type { TableInfo } from "../catalog.ts";
import { unsupported } from "../errors.ts";
import { identName, isIdent, isOp, isWord, sqliteIdent, sqliteString, type Token } from "./lexer.ts";

export interface TranslateContext {
  resolveTable(database: string | undefined, name: string): TableInfo;
  currentDatabase: string;
  version: string;
  user: string;
}

/** Words that end a table reference; anything else after a table name is its alias. */
const NOT_ALIAS = new Set([
  "WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING", "JOIN", "INNER", "LEFT", "RIGHT", "FULL",
  "CROSS", "OUTER", "NATURAL", "ON", "USING", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "QUALIFY",
  "SETTINGS", "FORMAT", "SET", "VALUES", "SELECT", "FROM", "INTO", "AND", "OR", "WITH", "AS", "SAMPLE",
  "PIVOT", "UNPIVOT", "RETURNING", "IGNORE_RESULT", "LATERAL",
]);

/** Zero-argument functions answered from the session. */
function constantFunction(name: string, ctx: TranslateContext): string | undefined {
  switch (name) {
    case "version":
      return sqliteString(ctx.version);
    case "database":
    case "current_database":
    case "currentdatabase":
      return sqliteString(ctx.currentDatabase);
    case "current_user":
    case "user":
      return sqliteString(`'${ctx.user}'@'%'`);
    case "now":
    case "current_timestamp":
      return "strftime('%Y-%m-%d %H:%M:%f000', 'now')";
    case "today":
    case "current_date":
      return "date('now')";
    default:
      return undefined;
  }
}

const RENAMED_FUNCTIONS: Record<string, string> = {
  if: "iif",
  parse_json: "json",
  to_string: "cast_to_text",
  to_varchar: "cast_to_text",
};

export function translate(tokens: Token[], ctx: TranslateContext): string {
  const sig: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "ws" && t.kind !== "comment") sig.push(i);
  });
  const tok = (k: number): Token | undefined => (k < sig.length ? tokens[sig[k]!] : undefined);

  // Names defined by WITH ... AS ( ... ) are not catalog tables.
  const cteNames = new Set<string>();
  for (let k = 0; k + 2 < sig.length; k++) {
    const a = tok(k)!;
    const prev = tok(k - 1);
    if (!isIdent(a) || !(isWord(prev, "WITH", "RECURSIVE") || isOp(prev, ","))) continue;
    let j = k + 1;
    if (isOp(tok(j), "(")) {
      // name (col, ...) AS (
      while (j < sig.length && !isOp(tok(j), ")")) j++;
      j++;
    }
    if (isWord(tok(j), "AS") && isOp(tok(j + 1), "(")) cteNames.add(identName(a));
  }

  // token index -> [last token index replaced, replacement text]
  const replacements = new Map<number, [number, string]>();

  const tableRef = (k: number): number => {
    // Parses [db.]name [[AS] alias] at significant position k; returns the position after it, or
    // -1 when no table reference starts there (a subquery or a table function).
    const first = tok(k);
    if (!isIdent(first) || (first.kind === "word" && NOT_ALIAS.has(first.value.toUpperCase()))) return -1;
    let end = k;
    let database: string | undefined;
    let name = identName(first);
    if (isOp(tok(k + 1), ".") && isIdent(tok(k + 2))) {
      database = name;
      name = identName(tok(k + 2)!);
      end = k + 2;
    }
    if (isOp(tok(end + 1), "(")) return -1;
    let next = end + 1;
    let hasAlias = false;
    if (isWord(tok(next), "AS")) {
      hasAlias = true;
      next += 2;
    } else {
      const a = tok(next);
      if (isIdent(a) && !(a.kind === "word" && NOT_ALIAS.has(a.value.toUpperCase()))) {
        hasAlias = true;
        next += 1;
      }
    }
    if (database === undefined && cteNames.has(name)) return next;
    const info = ctx.resolveTable(database, name);
    const text = sqliteIdent(info.storage) + (hasAlias ? "" : ` AS ${sqliteIdent(info.name)}`);
    replacements.set(sig[k]!, [sig[end]!, text]);
    return next;
  };

  // Parentheses that open a function call: FROM inside them (EXTRACT(YEAR FROM ts)) is no table.
  const callParens: boolean[] = [];
  for (let k = 0; k < sig.length; k++) {
    const t = tok(k)!;
    if (isOp(t, "(")) {
      const prev = tok(k - 1);
      const isCall =
        isIdent(prev) &&
        !isWord(prev, "IN", "EXISTS", "FROM", "JOIN", "AS", "ANY", "ALL", "SOME", "NOT", "AND", "OR", "ON", "USING", "VALUES", "UNION", "EXCEPT", "INTERSECT", "WHERE", "HAVING", "SELECT") &&
        !isWord(tok(k + 1), "SELECT", "WITH");
      callParens.push(isCall);
      continue;
    }
    if (isOp(t, ")")) {
      callParens.pop();
      continue;
    }
    if (callParens.at(-1) === true) continue;
    if (isWord(t, "FROM", "JOIN", "UPDATE")) {
      let p = k + 1;
      for (;;) {
        const after = tableRef(p);
        if (after < 0 || !isWord(t, "FROM") || !isOp(tok(after), ",")) break;
        p = after + 1;
      }
    }
  }

  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const rep = replacements.get(i);
    if (rep) {
      out += rep[1];
      i = rep[0];
      continue;
    }
    const t = tokens[i]!;
    switch (t.kind) {
      case "ws":
        out += t.text;
        break;
      case "comment":
        out += " ";
        break;
      case "string":
        out += sqliteString(t.value);
        break;
      case "quoted":
        out += sqliteIdent(t.value);
        break;
      case "number":
        out += t.text;
        break;
      case "op":
        if (isOp(t, "::")) throw unsupported("The :: cast operator (use CAST(x AS type))");
        out += t.text;
        break;
      case "word": {
        const lower = t.value.toLowerCase();
        // Look ahead for a call: name ( ... ).
        let j = i + 1;
        while (j < tokens.length && (tokens[j]!.kind === "ws" || tokens[j]!.kind === "comment")) j++;
        const isCall = isOp(tokens[j], "(");
        if (isCall) {
          let m = j + 1;
          while (m < tokens.length && (tokens[m]!.kind === "ws" || tokens[m]!.kind === "comment")) m++;
          const constant = isOp(tokens[m], ")") ? constantFunction(lower, ctx) : undefined;
          if (constant !== undefined) {
            out += constant;
            i = m;
            break;
          }
          out += RENAMED_FUNCTIONS[lower] ?? lower;
          break;
        }
        if (lower === "current_timestamp" || lower === "current_date") {
          out += constantFunction(lower, ctx);
          break;
        }
        out += lower === "ilike" ? "like" : lower;
        break;
      }
    }
  }
  return out;
}

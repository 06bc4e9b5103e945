// Tokenizer for the Databend SQL the dev warehouse accepts.
// Follows Databend's lexical rules: unquoted identifiers are case-insensitive, `ident` and "ident"
// are quoted identifiers (case kept), 'strings' take '' and backslash escapes (unescape.rs in
// databendlabs/databend), $$raw strings$$, -- and /* */ comments.

import { syntaxError } from "../errors.ts";

export type TokenKind =
  | "word" // unquoted identifier or keyword
  | "quoted" // `ident` or "ident"
  | "string" // 'text' or $$text$$
  | "number"
  | "op" // operators and punctuation
  | "ws"
  | "comment";

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Unescaped content for strings and quoted identifiers; the text otherwise. */
  value: string;
  start: number;
}

const MULTI_OPS = ["<=>", "->>", "<=", ">=", "<>", "!=", "||", "::", "=>", "->", "<<", ">>", "==", "#>>", "#>", "@>", "<@", "?|", "?&"];

function isWordStart(c: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(c);
}
function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i]!)) i++;
      tokens.push({ kind: "ws", text: sql.slice(start, i), value: " ", start });
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
      tokens.push({ kind: "comment", text: sql.slice(start, i), value: "", start });
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw syntaxError(`unclosed comment at position ${start}`);
      i = end + 2;
      tokens.push({ kind: "comment", text: sql.slice(start, i), value: "", start });
    } else if (c === "'") {
      i++;
      let raw = "";
      for (;;) {
        if (i >= n) throw syntaxError(`unterminated string literal starting at position ${start}`);
        const ch = sql[i]!;
        if (ch === "\\" && i + 1 < n) {
          raw += ch + sql[i + 1];
          i += 2;
        } else if (ch === "'") {
          if (sql[i + 1] === "'") {
            raw += "''";
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          raw += ch;
          i++;
        }
      }
      tokens.push({ kind: "string", text: sql.slice(start, i), value: unescapeString(raw, "'"), start });
    } else if (c === "$" && sql[i + 1] === "$") {
      const end = sql.indexOf("$$", i + 2);
      if (end < 0) throw syntaxError(`unterminated $$ string starting at position ${start}`);
      i = end + 2;
      tokens.push({ kind: "string", text: sql.slice(start, i), value: sql.slice(start + 2, end), start });
    } else if (c === "`" || c === '"') {
      i++;
      let value = "";
      for (;;) {
        if (i >= n) throw syntaxError(`unterminated quoted identifier starting at position ${start}`);
        const ch = sql[i]!;
        if (ch === c) {
          if (sql[i + 1] === c) {
            value += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += ch;
          i++;
        }
      }
      tokens.push({ kind: "quoted", text: sql.slice(start, i), value, start });
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === "." && /[0-9]/.test(sql[i + 1] ?? "")) {
        i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      } else if (sql[i] === "." && !isWordStart(sql[i + 1] ?? "")) {
        i++;
      }
      if ((sql[i] === "e" || sql[i] === "E") && /[0-9+-]/.test(sql[i + 1] ?? "")) {
        i += 2;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      }
      tokens.push({ kind: "number", text: sql.slice(start, i), value: sql.slice(start, i), start });
    } else if (isWordStart(c)) {
      while (i < n && isWordPart(sql[i]!)) i++;
      const text = sql.slice(start, i);
      tokens.push({ kind: "word", text, value: text, start });
    } else {
      const op = MULTI_OPS.find((o) => sql.startsWith(o, i)) ?? c;
      i += op.length;
      tokens.push({ kind: "op", text: op, value: op, start });
    }
  }
  return tokens;
}

/** Databend's string unescaping: '' and backslash escapes; unknown escapes keep the backslash. */
export function unescapeString(raw: string, quote: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "\\") {
      const d = raw[++i];
      switch (d) {
        case undefined:
          out += "\\";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "'":
        case '"':
        case "\\":
          out += d;
          break;
        case "u": {
          const hex = raw.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxError(`invalid unicode escape \\u${hex}`);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        case "x": {
          const hex = raw.slice(i + 1, i + 3);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw syntaxError(`invalid byte escape \\x${hex}`);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 2;
          break;
        }
        default:
          if (/[0-7]/.test(d)) {
            let oct = d;
            while (/[0-7]/.test(raw[i + 1] ?? "")) oct += raw[++i];
            out += String.fromCharCode(parseInt(oct, 8));
          } else {
            out += "\\" + d;
          }
      }
    } else if (c === quote && raw[i + 1] === quote) {
      out += quote;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Tokens without whitespace and comments. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== "ws" && t.kind !== "comment");
}

/** An identifier's name as Databend resolves it: unquoted names fold to lower case. */
export function identName(t: Token): string {
  return t.kind === "quoted" ? t.value : t.value.toLowerCase();
}

export function isIdent(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === "word" || t.kind === "quoted");
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === "word" && words.includes(t.value.toUpperCase());
}

export function isOp(t: Token | undefined, op: string): boolean {
  return t !== undefined && t.kind === "op" && t.value === op;
}

export function sqliteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function sqliteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

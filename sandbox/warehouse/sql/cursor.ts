// A cursor over significant tokens, for the hand-written statement parsers (DDL, COPY INTO).

import { syntaxError } from "../errors.ts";
import { identName, isIdent, isWord, type Token } from "./lexer.ts";

export interface QualifiedName {
  database: string | undefined;
  name: string;
}

export class Cursor {
  readonly tokens: Token[];
  pos = 0;
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  atSemicolon(): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === "op" && t.value === ";";
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }
  next(): Token {
    const t = this.tokens[this.pos];
    if (!t) throw syntaxError("unexpected end of statement");
    this.pos++;
    return t;
  }
  /** Consumes the words if they come next (case-insensitive); returns whether they did. */
  acceptWords(...words: string[]): boolean {
    for (let i = 0; i < words.length; i++) {
      if (!isWord(this.peek(i), words[i]!)) return false;
    }
    this.pos += words.length;
    return true;
  }
  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words)) throw this.unexpected(words.join(" "));
  }
  acceptOp(op: string): boolean {
    const t = this.peek();
    if (t && t.kind === "op" && t.value === op) {
      this.pos++;
      return true;
    }
    return false;
  }
  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.unexpected(`'${op}'`);
  }
  ident(what = "identifier"): string {
    const t = this.peek();
    if (!isIdent(t)) throw this.unexpected(what);
    this.pos++;
    return identName(t);
  }
  qualifiedName(what = "table name"): QualifiedName {
    const first = this.ident(what);
    if (this.acceptOp(".")) return { database: first, name: this.ident(what) };
    return { database: undefined, name: first };
  }
  string(what = "string literal"): string {
    const t = this.peek();
    if (!t || t.kind !== "string") throw this.unexpected(what);
    this.pos++;
    return t.value;
  }
  expectEnd(): void {
    this.acceptOp(";");
    if (!this.atEnd()) throw this.unexpected("end of statement");
  }
  unexpected(expected: string): Error {
    const t = this.peek();
    const found = t ? `'${t.text}' at position ${t.start}` : "end of statement";
    return syntaxError(`unexpected ${found}, expected ${expected}`);
  }
}

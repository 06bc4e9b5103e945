// node:sqlite's prepared statements, kept per SQL text so the store's recurring statements are
// compiled once. Bounded by the bound parameters of the statements it holds, not by their number:
// a statement's native memory (SQLite's bytecode, invisible to V8's heap figures) grows with its
// parameters, about 0.2 KB each measured on Node 24 (300 statements of 1..300 row-value tuples of
// three parameters: 27 MB), and the ledger's IN lists come in every chunk size from 1 to 300
// tuples: the count of 500 it had could hold up to 500 x 900 parameters (~90 MB) as a backlog
// brought new chunk sizes (docs/benchmarks.md, "Worker memory"). Least recently used goes first; an evicted statement is finalized by node:sqlite
// when the garbage collector takes it (Node 24 has no explicit finalize).

/** About 4 MB of bytecode: every fixed-shape statement plus ~20 full 300-tuple chunks. */
export const STATEMENT_CACHE_PARAMS = 20_000;

/** Placeholders in a statement: Kysely's SQLite dialect writes each parameter as `?`. */
export function countParams(text: string): number {
  let n = 0;
  for (let i = text.indexOf("?"); i !== -1; i = text.indexOf("?", i + 1)) n++;
  return n;
}

export class StatementCache<S> {
  private readonly entries = new Map<string, { stmt: S; params: number }>();
  private total = 0;
  private readonly budget: number;
  constructor(budget = STATEMENT_CACHE_PARAMS) {
    this.budget = budget;
  }

  /** The cached statement for `text`, or a new one from `prepare`, kept if it fits the budget. */
  get(text: string, prepare: (text: string) => S): S {
    const hit = this.entries.get(text);
    if (hit) {
      // Map order is the recency order: move it to the end.
      this.entries.delete(text);
      this.entries.set(text, hit);
      return hit.stmt;
    }
    const entry = { stmt: prepare(text), params: countParams(text) };
    // A statement alone above the budget is used once and not kept.
    if (entry.params > this.budget) return entry.stmt;
    this.entries.set(text, entry);
    this.total += entry.params;
    for (const [oldest, e] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(oldest);
      this.total -= e.params;
    }
    return entry.stmt;
  }

  get size(): number {
    return this.entries.size;
  }
  /** Bound parameters of the statements held. */
  get params(): number {
    return this.total;
  }
}

import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { StatementCache, countParams } from "./statement-cache.ts";

/** The ledger's shape: a row-value IN list of `n` (bucket, key, etag) tuples. */
const inList = (n: number) =>
  `select "key" from "ledger" where "task_id" = ? and ("bucket", "key", "etag") in (${Array.from({ length: n }, () => "(?, ?, ?)").join(", ")})`;

describe("StatementCache", () => {
  it("counts Kysely's ? placeholders", () => {
    expect(countParams(inList(300))).toBe(901);
    expect(countParams("select 1")).toBe(0);
  });

  it("holds no more bound parameters than its budget however many chunk sizes a backlog brings", () => {
    const cache = new StatementCache<string>(20_000);
    let prepared = 0;
    for (let round = 0; round < 3; round++) {
      for (let n = 1; n <= 300; n++) {
        cache.get(inList(n), (t) => (prepared++, t));
        expect(cache.params).toBeLessThanOrEqual(20_000);
      }
    }
    expect(cache.size).toBeGreaterThan(0);
    // A budget too small for 300 sizes: the later rounds prepare again rather than grow.
    expect(prepared).toBeGreaterThan(300);
  });

  it("keeps a statement in use while others come and go (least recently used goes first)", () => {
    const cache = new StatementCache<string>(5_000);
    let hotPrepares = 0;
    const hot = 'update "tasks" set "status" = ? where "id" = ?';
    for (let n = 1; n <= 300; n++) {
      cache.get(hot, (t) => (hotPrepares++, t));
      cache.get(inList(n), (t) => t);
    }
    expect(hotPrepares).toBe(1);
    expect(cache.params).toBeLessThanOrEqual(5_000);
  });

  it("uses a statement larger than the whole budget once without keeping it", () => {
    const cache = new StatementCache<string>(100);
    cache.get(inList(300), (t) => t);
    expect(cache.size).toBe(0);
    expect(cache.params).toBe(0);
  });

  it("serves real node:sqlite statements", () => {
    const db = new DatabaseSync(":memory:");
    db.exec('create table "ledger" ("task_id" text, "bucket" text, "key" text, "etag" text)');
    db.prepare('insert into "ledger" values (?, ?, ?, ?)').run("t", "b", "k2", "e");
    const cache = new StatementCache<ReturnType<DatabaseSync["prepare"]>>(1_000);
    const rows = cache.get(inList(2), (t) => db.prepare(t)).all("t", "b", "k1", "e", "b", "k2", "e");
    expect(rows).toEqual([{ key: "k2" }]);
    db.close();
  });
});

// The one widening rule, and the per-value types it joins. What Databend's COPY accepts for each
// join is proven against the real engine in tests/task-preview.test.ts ("types across files").
import { describe, expect, it } from "vitest";
import { typeOfJsonValue, typeOfText, widenAll, widenType } from "./column-types.ts";

const ALL = ["BOOLEAN", "TINYINT", "INT", "BIGINT", "INT UNSIGNED", "FLOAT", "DOUBLE", "DECIMAL(10, 2)", "DATE", "TIMESTAMP", "VARCHAR", "VARIANT", null];

describe("widenType", () => {
  it.each([
    ["BIGINT", "DOUBLE", "DOUBLE"],
    ["BIGINT", "VARCHAR", "VARCHAR"],
    ["DOUBLE", "VARCHAR", "VARCHAR"],
    ["BOOLEAN", "BIGINT", "VARCHAR"],
    ["DATE", "TIMESTAMP", "TIMESTAMP"],
    ["DATE", "BIGINT", "VARCHAR"],
    ["BIGINT", "VARIANT", "VARIANT"],
    ["VARCHAR", "VARIANT", "VARIANT"],
    ["TINYINT", "INT", "INT"],
    ["INT UNSIGNED", "TINYINT UNSIGNED", "INT UNSIGNED"],
    ["INT", "INT UNSIGNED", "DOUBLE"],
    ["INT", "DECIMAL(10, 2)", "DOUBLE"],
    ["FLOAT", "DOUBLE", "DOUBLE"],
    ["DECIMAL(10, 2)", "DECIMAL(12, 4)", "DOUBLE"],
  ] as const)("%s and %s → %s", (a, b, out) => {
    expect(widenType(a, b)).toBe(out);
    expect(widenType(b, a)).toBe(out);
  });

  it("null (only NULLs seen) says nothing: the other side wins, and two nulls stay null", () => {
    for (const t of ALL) {
      expect(widenType(null, t)).toBe(t);
      expect(widenType(t, null)).toBe(t);
    }
  });

  it("is idempotent, symmetric and associative over every pair and triple, so neither the order of values nor of files matters", () => {
    for (const a of ALL) {
      expect(widenType(a, a)).toBe(a);
      for (const b of ALL) {
        expect(widenType(a, b)).toBe(widenType(b, a));
        for (const c of ALL) expect(widenType(widenType(a, b), c), `${a} ${b} ${c}`).toBe(widenType(a, widenType(b, c)));
      }
    }
  });

  it("widenAll folds it: the newest file's BIGINT and an older file's DOUBLE make DOUBLE, in either order", () => {
    expect(widenAll(["BIGINT", null, "DOUBLE", "BIGINT"])).toBe("DOUBLE");
    expect(widenAll(["DOUBLE", "BIGINT"])).toBe("DOUBLE");
    expect(widenAll([null, null])).toBeNull();
    expect(widenAll([])).toBeNull();
  });
});

describe("per-value types", () => {
  it("CSV text: booleans only as true/false, integers within BIGINT, numbers, dates, timestamps, else VARCHAR", () => {
    expect(["true", "false", "TRUE", "1", "-7", "+3", "99999999999999999999", "1.5", ".5", "1e3", "2024-01-02", "2024-01-02 03:04:05", "2024-01-02T03:04:05.5Z", "x"].map((v) => typeOfText(v))).toEqual([
      "BOOLEAN",
      "BOOLEAN",
      "VARCHAR",
      "BIGINT",
      "BIGINT",
      "BIGINT",
      "VARCHAR",
      "DOUBLE",
      "DOUBLE",
      "DOUBLE",
      "DATE",
      "TIMESTAMP",
      "TIMESTAMP",
      "VARCHAR",
    ]);
  });

  it("NDJSON strings stay text unless a date or a timestamp", () => {
    expect(["1", "true", "2024-01-02", "2024-01-02T03:04:05Z"].map((v) => typeOfText(v, { numbers: false }))).toEqual(["VARCHAR", "VARCHAR", "DATE", "TIMESTAMP"]);
  });

  it("NDJSON values: null is no value, safe integers BIGINT, other numbers DOUBLE, nested VARIANT", () => {
    expect([null, undefined, true, 1, 2 ** 60, 1.5, "a", [1], { a: 1 }].map(typeOfJsonValue)).toEqual([null, null, "BOOLEAN", "BIGINT", "DOUBLE", "DOUBLE", "VARCHAR", "VARIANT", "VARIANT"]);
  });

  it("one file's values join by the same rule: integers and decimals DOUBLE, a number and a word VARCHAR", () => {
    expect(widenAll(["1", "10.5"].map((v) => typeOfText(v)))).toBe("DOUBLE");
    expect(widenAll(["1", "n/a"].map((v) => typeOfText(v)))).toBe("VARCHAR");
    expect(widenAll([1, "a"].map(typeOfJsonValue))).toBe("VARCHAR");
    expect(widenAll([1, { a: 1 }].map(typeOfJsonValue))).toBe("VARIANT");
  });
});

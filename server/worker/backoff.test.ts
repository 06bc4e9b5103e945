import { describe, expect, it } from "vitest";
import { backoff } from "./backoff.ts";

describe("backoff", () => {
  it("waits base first, doubles per attempt, stops at the cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoff(n, 5, 300))).toEqual([5, 10, 20, 40, 300]);
    expect([1, 2, 3, 7].map((n) => backoff(n, 500, 30_000))).toEqual([500, 1000, 2000, 30_000]);
  });
  it("treats attempt 0 or less as the first, and stays finite for huge counts", () => {
    expect(backoff(0, 5, 300)).toBe(5);
    expect(backoff(-3, 5, 300)).toBe(5);
    expect(backoff(1e9, 1, Number.MAX_SAFE_INTEGER)).toBe(2 ** 30);
  });
});

import { describe, expect, it } from "vitest";
import { barAt, quarterHourIndexes, yTicks } from "./minute-scale.ts";

describe("yTicks: three round ticks, no decimals, the top at or above the busiest minute", () => {
  it.each([
    [0, [0, 1, 2]],
    [1, [0, 1, 2]],
    [2, [0, 1, 2]],
    [3, [0, 2, 4]],
    [4, [0, 2, 4]],
    [5, [0, 5, 10]],
    [7, [0, 5, 10]],
    [10, [0, 5, 10]],
    [11, [0, 10, 20]],
    [30, [0, 20, 40]],
    [45, [0, 25, 50]],
    [51, [0, 50, 100]],
    [3000, [0, 2000, 4000]],
    [1_234_567, [0, 1_000_000, 2_000_000]],
  ])("busiest %d -> %j", (max, ticks) => {
    expect(yTicks(max)).toEqual(ticks);
  });

  it("holds for every busiest minute up to 100,000: whole steps, top covers the max, and not more than needed", () => {
    for (let max = 0; max <= 100_000; max++) {
      const [zero, step, top] = yTicks(max);
      expect(zero).toBe(0);
      expect(Number.isInteger(step) && step >= 1).toBe(true);
      expect(top).toBe(2 * step);
      expect(top).toBeGreaterThanOrEqual(max);
      // Round: the step's leading digits are 1, 2, 25 or 5.
      expect(String(step)).toMatch(/^(1|2|25|5)0*$/);
      // Not more than needed: the top is at most twice the busiest minute (bars use half the height or more).
      if (max > 2) expect(step).toBeLessThanOrEqual(max);
    }
  });

  it("a negative or missing max still gives an axis", () => {
    expect(yTicks(-5)).toEqual([0, 1, 2]);
    expect(yTicks(Number.NaN)).toEqual([0, 1, 2]);
  });
});

describe("quarterHourIndexes", () => {
  it("picks the minutes on :00, :15, :30 and :45 of the hour window, in local time", () => {
    const start = new Date(2026, 0, 3, 10, 7); // 10:07 local
    const minutes = Array.from({ length: 60 }, (_, i) => ({ minute: new Date(start.getTime() + i * 60_000).toISOString() }));
    // 10:15, 10:30, 10:45, 11:00 are 8, 23, 38 and 53 minutes after 10:07.
    expect(quarterHourIndexes(minutes)).toEqual([8, 23, 38, 53]);
  });

  it("no minutes, no ticks", () => {
    expect(quarterHourIndexes([])).toEqual([]);
  });
});

describe("barAt", () => {
  it("maps a pointer to the bar under it and nothing outside the plot", () => {
    expect(barAt(0, 600, 60)).toBe(0);
    expect(barAt(9.99, 600, 60)).toBe(0);
    expect(barAt(10, 600, 60)).toBe(1);
    expect(barAt(599.9, 600, 60)).toBe(59);
    expect(barAt(600, 600, 60)).toBeNull();
    expect(barAt(-1, 600, 60)).toBeNull();
    expect(barAt(10, 0, 60)).toBeNull();
    expect(barAt(10, 600, 0)).toBeNull();
  });
});

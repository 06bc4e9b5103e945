// The lag sketch's promise: merged percentiles within RELATIVE_ACCURACY of the exact nearest-rank
// values over all objects, whatever the runs' sizes.
import { describe, expect, it } from "vitest";
import { mergeSketches, RELATIVE_ACCURACY, sketchOf, sketchPercentiles, summarize } from "./lag-sketch.ts";

describe("lag sketch", () => {
  it("summarizes one run exactly (nearest rank), clamping clock-skew negatives to 0", () => {
    expect(summarize([])).toBeNull();
    expect(summarize([5])).toEqual({ objects: 1, p50_ms: 5, p95_ms: 5, max_ms: 5 });
    expect(summarize([4, 1, 3, 2])).toEqual({ objects: 4, p50_ms: 2, p95_ms: 4, max_ms: 4 });
    expect(summarize([-20, 10])).toEqual({ objects: 2, p50_ms: 0, p95_ms: 10, max_ms: 10 });
  });

  it("merges runs of any size into percentiles within the stated accuracy of the exact ones", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const runs = [1, 1000, 3, 250, 17].map((n, r) => Array.from({ length: n }, () => Math.round(50 * (r + 1) + random() * 30_000 * (r + 1))));
    const all = runs.flat();
    const exact = summarize(all)!;
    const merged = sketchPercentiles(mergeSketches(runs.map(sketchOf)), exact.max_ms)!;
    expect(merged.objects).toBe(all.length);
    for (const q of ["p50_ms", "p95_ms"] as const) {
      expect(Math.abs(merged[q] - exact[q])).toBeLessThanOrEqual(exact[q] * RELATIVE_ACCURACY + 1);
    }
    // A percentile of per-run percentiles would be far off here (the 1-object run weighs as much as the 1,000).
    expect(sketchPercentiles({}, 0)).toBeNull();
  });

  it("never reports above the largest lag seen, and reports sub-millisecond lags as 0", () => {
    expect(sketchPercentiles(sketchOf([1000]), 1000)).toEqual({ objects: 1, p50_ms: 1000, p95_ms: 1000 });
    expect(sketchPercentiles(sketchOf([0, 0, 0.5]), 0)).toEqual({ objects: 3, p50_ms: 0, p95_ms: 0 });
  });
});

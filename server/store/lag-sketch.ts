// Event -> committed lag of loaded objects: exact figures per run, and a mergeable sketch so the
// API can give honest percentiles over many runs.
//
// Why a sketch: a percentile of per-run percentiles is not a percentile of the objects (a run of
// 1 object weighs as much as a run of 1,000), and keeping every object's lag per run would store up
// to WORKER_BATCH_MAX_FILES numbers per run. A log-bucketed histogram (DDSketch's mapping) merges by
// adding counts, weighs every object once, and answers any quantile within a stated relative error:
// the value it reports lies within RELATIVE_ACCURACY of the true nearest-rank value. One run's
// objects usually sit in a handful of buckets, so the stored JSON is a few dozen bytes.

/** Reported quantile values are within 1% of the true ones. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** Bucket index -> count. Index 0 holds lags under 1 ms (clock skew between S3 and the worker can even make them negative). */
export type LagSketch = Record<string, number>;

export interface LagSummary {
  /** Objects whose lag is known. */
  objects: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

function indexOf(ms: number): number {
  return ms < 1 ? 0 : Math.max(1, Math.ceil(Math.log(ms) / LOG_GAMMA));
}

/** The value a bucket stands for: within RELATIVE_ACCURACY of every value in (γ^(i-1), γ^i]. */
function valueOf(index: number): number {
  return index === 0 ? 0 : (2 * GAMMA ** index) / (GAMMA + 1);
}

/** Nearest rank: the smallest value with at least q of the values at or below it. */
function rank(q: number, n: number): number {
  return Math.max(1, Math.ceil(q * n));
}

/** Exact nearest-rank percentiles of one run's lags (ms, non-negative), or null when there are none. */
export function summarize(lagsMs: readonly number[]): LagSummary | null {
  if (lagsMs.length === 0) return null;
  const sorted = lagsMs.map((v) => Math.max(0, Math.round(v))).sort((a, b) => a - b);
  const at = (q: number) => sorted[rank(q, sorted.length) - 1]!;
  return { objects: sorted.length, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: sorted.at(-1)! };
}

export function sketchOf(lagsMs: readonly number[]): LagSketch {
  const sketch: LagSketch = {};
  for (const v of lagsMs) {
    const i = String(indexOf(Math.max(0, v)));
    sketch[i] = (sketch[i] ?? 0) + 1;
  }
  return sketch;
}

export function mergeSketches(sketches: readonly LagSketch[]): LagSketch {
  const merged: LagSketch = {};
  for (const s of sketches) for (const [i, n] of Object.entries(s)) merged[i] = (merged[i] ?? 0) + n;
  return merged;
}

/**
 * Nearest-rank percentiles from a (merged) sketch, each within RELATIVE_ACCURACY of the exact one
 * and never above `maxMs` (the largest lag actually seen), or null when the sketch is empty.
 */
export function sketchPercentiles(sketch: LagSketch, maxMs: number): { objects: number; p50_ms: number; p95_ms: number } | null {
  const buckets = Object.entries(sketch)
    .map(([i, n]) => [Number(i), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((sum, [, c]) => sum + c, 0);
  if (n === 0) return null;
  const at = (q: number) => {
    const r = rank(q, n);
    let seen = 0;
    for (const [i, c] of buckets) {
      seen += c;
      if (seen >= r) return Math.min(maxMs, Math.round(valueOf(i)));
    }
    return maxMs;
  };
  return { objects: n, p50_ms: at(0.5), p95_ms: at(0.95) };
}

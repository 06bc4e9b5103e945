// The numbers behind the per-minute bars (minute-bars.tsx), apart from the drawing so they can be
// tested alone: the y axis' three round ticks and which minutes carry a time-axis label.

/** Minutes between the time axis' ticks: four across the hour, room for "03:45 PM" on a phone. */
export const TICK_MINUTES = 15;

/**
 * Three ticks 0, step, 2 × step with 2 × step ≥ max: step is the smallest whole number of the form
 * 1, 2, 2.5 or 5 × 10^k that gets there (the counts are whole, so no decimals: 2.5 only from 25 up).
 * All zeros (or nothing) still give an axis, 0 / 1 / 2.
 */
export function yTicks(max: number): [number, number, number] {
  const half = Math.max(max, 0) / 2;
  if (!Number.isFinite(half) || half <= 1) return [0, 1, 2];
  const magnitude = 10 ** Math.floor(Math.log10(half));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => Number.isInteger(s) && s >= half) ?? 10 * magnitude;
  return [0, step, 2 * step];
}

/** Indexes of the minutes on a quarter hour (:00, :15, :30, :45), in the browser's time zone. */
export function quarterHourIndexes(minutes: { minute: string }[]): number[] {
  return minutes.flatMap((m, i) => (new Date(m.minute).getMinutes() % TICK_MINUTES === 0 ? [i] : []));
}

/** Which bar a pointer at `x` (0 = the plot's left edge, `width` its right) is over, or null. */
export function barAt(x: number, width: number, count: number): number | null {
  if (count === 0 || width <= 0 || x < 0 || x >= width) return null;
  return Math.min(count - 1, Math.floor((x / width) * count));
}

// Small display helpers shared by the console's pages.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A timestamp as a person reads it; the raw value stays available to machines via <time dateTime>. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const withSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A timestamp to the second (a run's start, an audit event), in local time. */
export function formatDateTimeSeconds(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : withSeconds.format(date);
}

/** The same instant in UTC, e.g. "2026-01-02 10:00:05 UTC", for a title beside a local time. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const count = new Intl.NumberFormat();

/** A counter as a person reads it (thousands separated). */
export function formatCount(value: number): string {
  return count.format(value);
}

const pluralRules = new Intl.PluralRules("en-US");

/** A count with its noun in the right form: "1 object", "1,204 objects", "2 batches". */
export function countOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${pluralRules.select(value) === "one" ? singular : plural}`;
}

/** The time between two timestamps, e.g. "850 ms", "4.2 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(startIso: string, endIso: string): string {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

// One formatter per unit, made once: the platform's own unit names and number style (CLDR through
// Intl), so "1.5 kB" reads "1,5 kB" where a comma is the decimal sign. Decimal multiples (1 kB = 1000
// bytes), as CLDR's kilobyte/megabyte units are defined and as S3's console shows object sizes.
const BYTE_UNITS = ["kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"] as const;
const byteCount = new Intl.NumberFormat(undefined, { style: "unit", unit: "byte", unitDisplay: "long" });
const byteMultiples = BYTE_UNITS.map(
  (unit) => new Intl.NumberFormat(undefined, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }),
);

/**
 * A size as a person reads it, the ONE byte formatter of the console: "56 bytes", "1.5 kB", "3.2 MB".
 * Below 1 kB whole bytes in words (the short form is "56 byte" in English); above, one decimal.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || Math.abs(bytes) < 1000) return byteCount.format(bytes);
  let value = bytes / 1000;
  let unit = 0;
  // Rounds to one decimal first, so 999,960 bytes reads "1 MB", not "1,000 kB".
  while (Math.abs(Math.round(value * 10) / 10) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return byteMultiples[unit]!.format(value);
}

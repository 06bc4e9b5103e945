import { FILE_FORMAT_LABELS } from "#contracts/task-labels.ts";
import type { FileFormat } from "#contracts/task.ts";

/** The file format's name, e.g. "CSV". */
export function formatLabel(format: FileFormat): string {
  return FILE_FORMAT_LABELS[format.type];
}

// The names people say for the characters a file format option may hold (delimiter, quote, escape).
const CHARACTER_NAMES: Record<string, string> = {
  ",": "comma",
  ";": "semicolon",
  "|": "vertical bar",
  ":": "colon",
  '"': "double quote",
  "'": "single quote",
  "`": "backtick",
  "\\": "backslash",
  "/": "slash",
  "#": "hash",
  "^": "caret",
  "~": "tilde",
  "_": "underscore",
  "-": "hyphen",
  ".": "full stop",
  "*": "asterisk",
};
// Characters that cannot be seen: said in words only.
const INVISIBLE_NAMES: Record<string, string> = { "\t": "tab", " ": "space", "\n": "line break", "\r": "carriage return" };

/**
 * A format option's character(s) as a person reads them: the character and its name, `" (double
 * quote)`, `, (comma)`; an invisible one in words only (`tab`, `space`, `U+0001`), never JSON
 * escapes such as `"\""` or `"\t"`. One definition for the delimiter, the quote and an escape.
 */
export function formatCharacter(value: string): string {
  if (value === "") return "none";
  const invisible = INVISIBLE_NAMES[value];
  if (invisible) return invisible;
  const unseen = (ch: string) => /[\p{Cc}\p{Z}]/u.test(ch);
  if ([...value].some(unseen)) {
    // A control or blank character among others: each unseen one by its name or code point.
    const code = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    return [...value].map((ch) => (unseen(ch) ? (INVISIBLE_NAMES[ch] ?? code(ch)) : ch)).join(" ");
  }
  const name = CHARACTER_NAMES[value];
  return name ? `${value} (${name})` : value;
}

/** Every option of the file format as label/value pairs, for the detail page and the wizard's review. */
export function formatOptions(format: FileFormat): { label: string; value: string }[] {
  switch (format.type) {
    case "csv":
      return [
        { label: "Header row", value: format.header ? "Yes (first line skipped)" : "No" },
        { label: "Delimiter", value: formatCharacter(format.delimiter) },
        { label: "Quote", value: formatCharacter(format.quote) },
        { label: "Compression", value: format.compression },
      ];
    case "ndjson":
      return [{ label: "Compression", value: format.compression }];
    case "parquet":
      return [];
  }
}

// A run's start time to the second (batches follow each other within a minute); one definition in lib.
export { formatDateTimeSeconds } from "../../../lib/format.ts";

/** A lag as a person reads it: "850 ms", "4.2 s", "3 min 5 s", "2 h 4 min". */
export function formatLag(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** A minute of the activity's throughput, as a clock reads it ("10:42"). */
export function minuteLabel(iso: string): string {
  return clock.format(new Date(iso));
}

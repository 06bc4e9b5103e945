import { FILE_FORMAT_LABELS } from "#contracts/task-labels.ts";
import type { FileFormat } from "#contracts/task.ts";

/** The file format's name, e.g. "CSV". */
export function formatLabel(format: FileFormat): string {
  return FILE_FORMAT_LABELS[format.type];
}

/** Every option of the file format as label/value pairs, for the detail page. */
export function formatOptions(format: FileFormat): { label: string; value: string }[] {
  switch (format.type) {
    case "csv":
      return [
        { label: "Header row", value: format.header ? "Yes (first line skipped)" : "No" },
        { label: "Delimiter", value: JSON.stringify(format.delimiter) },
        { label: "Quote", value: JSON.stringify(format.quote) },
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

// Several objects as Databend read them, joined into the preview's one sample: the columns of all
// of them, each of the type that takes every file's values (column-types.ts, widenType), the
// columns where the files disagree, and the rows of the first (the sample the operator chose or the
// newest). Files meet as a COPY meets them: CSV columns by position, NDJSON and Parquet by name.
import { PREVIEW_LIMITS, type JsonValue, type PreviewSample } from "#contracts/preview.ts";
import { boundRows, type FileColumn, type FileSample } from "../databend/preview.ts";
import { UNSEEN_TYPE, widenAll } from "./column-types.ts";

/** Which objects type the columns: the sample, then the newest others, then the oldest, with the sample's extension, at most `limit`. */
export function typingCandidates<T extends { key: string }>(newestFirst: readonly T[], sampleKey: string, limit: number = PREVIEW_LIMITS.typingFiles): T[] {
  // A scope that mixes formats (a.csv beside a.parquet) would type a column from a file the
  // task's format cannot read; the sample's extension (from the name's first dot, "x.csv.gz" →
  // ".csv.gz") keeps to the sample's kind of file.
  const extension = (key: string) => {
    const name = key.slice(key.lastIndexOf("/") + 1);
    const dot = name.indexOf(".");
    return dot <= 0 ? "" : name.slice(dot);
  };
  const others = newestFirst.filter((o) => o.key !== sampleKey && extension(o.key) === extension(sampleKey));
  const room = Math.max(0, limit - 1);
  if (others.length <= room) return others;
  const newest = Math.ceil(room / 2);
  return [...others.slice(0, newest), ...others.slice(others.length - (room - newest))];
}

interface Slot {
  name: string;
  /** Per file: its column here, or undefined when the file lacks it. */
  perFile: (FileColumn | undefined)[];
}

function slotsOf(files: readonly FileSample[], byPosition: boolean): Slot[] {
  if (byPosition) {
    const width = Math.max(0, ...files.map((f) => f.columns.length));
    return Array.from({ length: width }, (_, i) => ({
      name: files.find((f) => f.columns[i])?.columns[i]?.name ?? `column_${i + 1}`,
      perFile: files.map((f) => f.columns[i]),
    }));
  }
  const names: string[] = [];
  for (const f of files) for (const c of f.columns) if (!names.includes(c.name)) names.push(c.name);
  return names.map((name) => ({ name, perFile: files.map((f) => f.columns.find((c) => c.name === name)) }));
}

/** What a COPY of these files into one table of the joined columns would refuse, beyond each file's own warnings. */
function acrossWarnings(
  files: readonly FileSample[],
  slots: readonly Slot[],
  byPosition: boolean,
  format: "csv" | "ndjson" | "parquet",
  disagreeing: readonly string[],
): string[] {
  if (files.length < 2) return [];
  if (format === "parquet") {
    // Each file loads into the widened column on its own, but one COPY of files whose Parquet
    // types differ is refused: 1.2.895 answers 1303 "infer schema from <first file>, but get diff
    // schema in file <other>", 1.2.453 answers 1002 "conversion from arrow type Int32 to
    // Number(Float64) is not supported" (tests/task-preview.test.ts, "types across files"). A task
    // loads a batch of new objects with one COPY.
    if (disagreeing.length === 0) return [];
    return [
      `The files read disagree on the Parquet type of ${disagreeing.join(", ")}: Databend refuses one COPY of Parquet files whose schemas differ, ` +
        "and the task loads new objects in batches. Write the files with one schema, or keep each schema under its own prefix and task.",
    ];
  }
  if (byPosition) {
    const widths = new Map<number, string[]>();
    for (const f of files) widths.set(f.columns.length, [...(widths.get(f.columns.length) ?? []), f.key]);
    if (widths.size < 2) return [];
    const parts = [...widths].map(([n, keys]) => `${n} column${n === 1 ? "" : "s"} in ${keys.join(", ")}`);
    return [`The files read have different numbers of columns (${parts.join("; ")}): Databend refuses a CSV file whose column count differs from the table's.`];
  }
  // NDJSON: a line without a column's key fails the COPY (server/databend/preview.ts, ndjsonSample).
  if (format !== "ndjson") return [];
  return slots.flatMap((slot) => {
    const lacking = files.filter((_, i) => slot.perFile[i] === undefined).map((f) => f.key);
    if (lacking.length === 0) return [];
    return [
      `Key "${slot.name}" is in some files read but not in ${lacking.join(", ")}: a COPY into a table with a ${slot.name} column ` +
        "refuses their lines (Databend's NDJSON loads require every column's key; leave the column out of the table, or write null in those files).",
    ];
  });
}

/**
 * The preview's sample from the files read, the chosen sample first. `leftOut`: the files chosen
 * for typing that were not read, with why.
 */
export function joinFiles(files: readonly FileSample[], leftOut: PreviewSample["typing_left_out"], format: "csv" | "ndjson" | "parquet"): PreviewSample {
  const first = files[0];
  if (!first) throw new Error("joinFiles needs the sample");
  const byPosition = first.match_by === "position";
  const slots = slotsOf(files, byPosition);
  const columns = slots.map((slot) => ({
    name: slot.name,
    type: widenAll(slot.perFile.map((c) => c?.type ?? null)) ?? UNSEEN_TYPE,
    // Text formats: always nullable. Parquet: as any file has it, and nullable when a file lacks it.
    nullable: slot.perFile.some((c) => c === undefined || c.nullable),
  }));
  const disagreements = slots.flatMap((slot, i) => {
    const byType = new Map<string, string[]>();
    slot.perFile.forEach((c, f) => {
      if (c?.type) byType.set(c.type, [...(byType.get(c.type) ?? []), files[f]!.key]);
    });
    if (byType.size < 2) return [];
    return [{ column: slot.name, type: columns[i]!.type, types: [...byType].map(([type, keys]) => ({ type, keys })) }];
  });
  // The first file's rows in the joined columns' order: a column it lacks reads NULL.
  const index = byPosition ? slots.map((_, i) => i) : slots.map((slot) => first.columns.findIndex((c) => c.name === slot.name));
  const rows = first.rows.slice(0, PREVIEW_LIMITS.rows).map((row): JsonValue[] => index.map((i) => (i < 0 ? null : (row[i] ?? null))));
  const bounded = boundRows(rows);
  return {
    key: first.key,
    columns,
    rows: bounded.rows,
    truncated: bounded.truncated || first.cut,
    inferred_by: first.inferred_by,
    match_by: first.match_by,
    warnings: [...first.warnings, ...acrossWarnings(files, slots, byPosition, format, disagreements.map((d) => d.column))],
    typed_from: files.map((f) => ({ key: f.key, rows: f.rows.length })),
    typing_left_out: leftOut,
    disagreements,
  };
}

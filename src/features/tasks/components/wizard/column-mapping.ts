// How an existing table's columns meet a sample's, without React: CSV by position (Databend refuses
// a file whose column count differs from the table's), NDJSON and Parquet by name (a table column
// the file lacks is refused: MISSING_FIELD_AS defaults to ERROR; a file field the table lacks is not
// loaded). Types are compared by family; a problem is said in words an operator can act on.
import type { PreviewSample } from "#contracts/preview.ts";
import type { WarehouseColumn } from "#contracts/warehouse.ts";

export interface MappedColumn {
  /** The table's column, or null for a file column the table lacks. */
  table: WarehouseColumn | null;
  /** The sample's column (and whether a sample value was NULL), or null when the file lacks it. */
  file: { name: string; type: string; hasNull: boolean } | null;
  /** What is wrong with this pair, in words; null when it loads. */
  problem: string | null;
}

type Family = "integer" | "float" | "decimal" | "text" | "boolean" | "date" | "timestamp" | "variant" | "binary" | "other";

function familyOf(type: string): Family {
  const t = type.toUpperCase().replace(/^NULLABLE\((.*)\)$/, "$1").replace(/ NULL$/, "").trim();
  if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|UINT\d*|INT\d+)( UNSIGNED)?$/.test(t)) return "integer";
  if (/^(FLOAT|DOUBLE|FLOAT32|FLOAT64|REAL)$/.test(t)) return "float";
  if (t.startsWith("DECIMAL")) return "decimal";
  if (/^(VARCHAR|STRING|TEXT|CHAR)/.test(t)) return "text";
  if (t === "BOOLEAN" || t === "BOOL") return "boolean";
  if (t === "DATE") return "date";
  if (t.startsWith("TIMESTAMP") || t === "DATETIME") return "timestamp";
  if (/^(VARIANT|JSON|ARRAY|MAP|TUPLE|OBJECT)/.test(t)) return "variant";
  if (t === "BINARY") return "binary";
  return "other";
}

/** Which file families each table family takes without refusing a value. */
const TAKES: Record<Family, Family[]> = {
  integer: ["integer"],
  float: ["integer", "float", "decimal"],
  decimal: ["integer", "decimal"],
  text: ["integer", "float", "decimal", "text", "boolean", "date", "timestamp"],
  boolean: ["boolean"],
  date: ["date"],
  timestamp: ["date", "timestamp"],
  variant: ["integer", "float", "decimal", "text", "boolean", "date", "timestamp", "variant"],
  binary: ["binary"],
  other: [],
};

function pairProblem(table: WarehouseColumn, file: NonNullable<MappedColumn["file"]>): string | null {
  const from = familyOf(file.type);
  const into = familyOf(table.type);
  if (from !== into && !TAKES[into].includes(from) && !(into === "other" && table.type.toUpperCase() === file.type.toUpperCase())) {
    return `Type mismatch: the sample's ${file.name} holds ${file.type} values but the table's ${table.name} is ${table.type}`;
  }
  if (file.hasNull && !table.nullable) {
    return `The sample has empty (NULL) values in ${file.name} but the table's ${table.name} is NOT NULL`;
  }
  return null;
}

export function mapColumns(columns: WarehouseColumn[], sample: PreviewSample): { rows: MappedColumn[]; problems: string[] } {
  const fileColumns = sample.columns.map((c, i) => ({ name: c.name, type: c.type, hasNull: sample.rows.some((row) => row[i] === null) }));
  const rows: MappedColumn[] = [];
  const problems: string[] = [];

  if (sample.match_by === "position") {
    const count = Math.max(columns.length, fileColumns.length);
    for (let i = 0; i < count; i += 1) {
      const table = columns[i] ?? null;
      const file = fileColumns[i] ?? null;
      let problem: string | null = null;
      if (table && !file) problem = `Missing: the file has no column ${i + 1} for the table's ${table.name}`;
      else if (!table && file) problem = `Extra: the file's column ${i + 1} (${file.name}) has no table column`;
      else if (table && file) problem = pairProblem(table, file);
      rows.push({ table, file, problem });
    }
    if (columns.length !== fileColumns.length) {
      problems.push(
        `The sample has ${fileColumns.length} column${fileColumns.length === 1 ? "" : "s"} and the table ${columns.length}: ` +
          "Databend refuses a CSV file whose column count differs from the table's. Choose another table, or create one from the sample.",
      );
    }
  } else {
    const byName = new Map(fileColumns.map((c) => [c.name.toLowerCase(), c]));
    const used = new Set<string>();
    for (const table of columns) {
      const file = byName.get(table.name.toLowerCase()) ?? null;
      if (file) used.add(file.name.toLowerCase());
      const problem = file
        ? pairProblem(table, file)
        : `Missing: the sample has no field ${table.name}; Databend refuses rows without it`;
      rows.push({ table, file, problem });
    }
    for (const file of fileColumns) {
      if (!used.has(file.name.toLowerCase())) rows.push({ table: null, file, problem: `Extra: the table has no column ${file.name}; it is not loaded` });
    }
  }
  for (const row of rows) {
    if (row.problem && !(sample.match_by === "position" && !(row.table && row.file))) problems.push(row.problem);
  }
  return { rows, problems };
}

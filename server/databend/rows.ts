// A table's rows for a person to look at (GET /api/warehouse/databases/:db/tables/:table/rows):
// at most WAREHOUSE_ROWS_MAX rows, each value as text cut to VALUE_MAX characters, and the whole
// answer bounded to ANSWER_MAX_CHARS, so a table of wide rows cannot make the API hold megabytes.
// One more row than asked is read to tell whether more exist. The names reach SQL only quoted.
import { WAREHOUSE_ROWS_MAX, type WarehouseRows } from "#contracts/warehouse-connection.ts";
import type { DatabendWarehouse } from "./client.ts";
import { jsonOf } from "./preview.ts";
import { qualifiedTable } from "./sql.ts";

export const VALUE_MAX = 1000;
export const ANSWER_MAX_CHARS = 256 * 1024;

/** A driver value as the text a person reads: NULL stays null, nested values as JSON. */
export function textOf(value: unknown, type: string): string | null {
  const json = jsonOf(value, type);
  if (json === null) return null;
  return typeof json === "string" ? json : JSON.stringify(json);
}

export async function readRows(reader: DatabendWarehouse, database: string, table: string, limit: number, secrets: readonly string[] = []): Promise<WarehouseRows> {
  const n = Math.min(Math.max(1, Math.floor(limit)), WAREHOUSE_ROWS_MAX);
  const { fields, rows } = await reader.read(`SELECT * FROM ${qualifiedTable(database, table)} LIMIT ${n + 1}`, secrets);
  const columns = fields.map((f) => ({ name: f.name, type: f.dataType }));
  let truncated = rows.length > n;
  let size = columns.reduce((sum, c) => sum + c.name.length + c.type.length, 0);
  const out: (string | null)[][] = [];
  for (const row of rows.slice(0, n)) {
    const values = row.map((value, i) => {
      const text = textOf(value, fields[i]?.dataType ?? "");
      if (text !== null && text.length > VALUE_MAX) {
        truncated = true;
        return text.slice(0, VALUE_MAX);
      }
      return text;
    });
    size += values.reduce((sum, v) => sum + (v?.length ?? 4) + 3, 0);
    if (size > ANSWER_MAX_CHARS) {
      truncated = true;
      break;
    }
    out.push(values);
  }
  return { columns, rows: out, truncated };
}

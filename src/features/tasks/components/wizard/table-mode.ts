// Target's choice between an existing table and a new one (issue 17, item 2). The person's choice
// when they made one; otherwise it follows what the chosen database holds: no table that can be
// loaded into (none, or only views) drafts a new one, any table offers the existing ones. Read by
// the Target step (which radio is on), by Next (a new table's draft must be valid) and by Create
// (which sends the draft as `create_table`), from the one tables query they share.
import type { WarehouseTable } from "#contracts/warehouse.ts";
import { useWarehouseTables } from "../../../warehouse/public.ts";

export type TableMode = "existing" | "new";

/** The mode shown: `chosen`, else what `tables` holds; null while the tables are not known yet. */
export function tableModeFor(chosen: TableMode | null, tables: readonly WarehouseTable[] | undefined, listed: boolean): TableMode | null {
  if (chosen) return chosen;
  // Databend could not be listed: the names are typed, for an existing table.
  if (!listed) return "existing";
  if (!tables) return null;
  return tables.some((t) => !t.is_view) ? "existing" : "new";
}

/**
 * The mode for database `db` of `warehouse` (null: the organization's default). `active` false
 * (before Target) asks Databend nothing and answers the choice alone.
 */
export function useTableMode(chosen: TableMode | null, warehouse: string | null, db: string, active: boolean): TableMode | null {
  const tables = useWarehouseTables(warehouse, active && !chosen ? db : null);
  if (chosen || !active) return chosen;
  return tableModeFor(null, tables.data?.items, !tables.isError);
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { NewTable, WarehouseColumn } from "#contracts/warehouse.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { databasePath, inWarehouse } from "./get-warehouse.ts";
import { warehouseKeys } from "./keys.ts";

/** contracts/warehouse.ts createdTableSchema. */
export interface CreatedTable {
  database: string;
  name: string;
  columns: WarehouseColumn[];
}

/**
 * POST /api/warehouse/databases/:db/tables?warehouse=<id>: 201 with the columns as Databend
 * describes them; 409 when it exists. `warehouse` null: the organization's default.
 */
export async function createTable(warehouse: string | null, db: string, table: NewTable): Promise<CreatedTable> {
  return apiRequest<CreatedTable>(inWarehouse(`${databasePath(db)}/tables`, warehouse), { method: "POST", body: table });
}

export function useCreateTable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ warehouse, db, table }: { warehouse: string | null; db: string; table: NewTable }) => createTable(warehouse, db, table),
    onSuccess: async (created, { warehouse }) => {
      queryClient.setQueryData(warehouseKeys.columns(warehouse, created.database, created.name), { items: created.columns, truncated: false });
      await queryClient.invalidateQueries({ queryKey: warehouseKeys.tables(warehouse, created.database) });
    },
  });
}

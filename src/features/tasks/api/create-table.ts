import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { NewTable, WarehouseColumn } from "#contracts/warehouse.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { warehouseKeys } from "./keys.ts";

/** contracts/warehouse.ts createdTableSchema. */
export interface CreatedTable {
  database: string;
  name: string;
  columns: WarehouseColumn[];
}

/** POST /api/warehouse/databases/:db/tables: 201 with the columns as Databend describes them; 409 when it exists. */
export async function createTable(db: string, table: NewTable): Promise<CreatedTable> {
  return apiRequest<CreatedTable>(`/api/warehouse/databases/${encodeURIComponent(db)}/tables`, { method: "POST", body: table });
}

export function useCreateTable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ db, table }: { db: string; table: NewTable }) => createTable(db, table),
    onSuccess: async (created) => {
      queryClient.setQueryData(warehouseKeys.columns(created.database, created.name), { items: created.columns, truncated: false });
      await queryClient.invalidateQueries({ queryKey: warehouseKeys.tables(created.database) });
    },
  });
}

// GET /api/warehouse/databases/:db/tables/:table/rows?warehouse=<id>&limit=N: the first rows of a
// table as the preview shows them (strings, null for NULL, each value cut to a bounded length).
import { useQuery } from "@tanstack/react-query";
import { WAREHOUSE_ROWS_MAX, type WarehouseRows } from "#contracts/warehouse-connection.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { inWarehouse, tablePath } from "./get-warehouse.ts";
import { warehouseKeys } from "./keys.ts";

export function useTableRows(warehouse: string | null, db: string, table: string) {
  return useQuery({
    queryKey: warehouseKeys.rows(warehouse, db, table),
    queryFn: ({ signal }) =>
      apiRequest<WarehouseRows>(inWarehouse(`${tablePath(db, table)}/rows?limit=${WAREHOUSE_ROWS_MAX}`, warehouse), { signal }),
    // A 404 (no such table or warehouse) or 503 (Databend unreachable) is shown at once with Retry.
    retry: false,
  });
}

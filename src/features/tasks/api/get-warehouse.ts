// GET /api/warehouse/databases, …/:db/tables, …/:db/tables/:table/columns: what the Target step
// offers. Three reads of one resource in one file: they share the path and the keys.
import { useQuery } from "@tanstack/react-query";
import type { WarehouseColumn, WarehouseDatabase, WarehouseTable } from "#contracts/warehouse.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { warehouseKeys } from "./keys.ts";

interface Capped<T> {
  items: T[];
  truncated: boolean;
}

const databasePath = (db: string) => `/api/warehouse/databases/${encodeURIComponent(db)}`;

export function useWarehouseDatabases() {
  return useQuery({
    queryKey: warehouseKeys.databases(),
    queryFn: ({ signal }) => apiRequest<Capped<WarehouseDatabase>>("/api/warehouse/databases", { signal }),
    // 503 (Databend unreachable) is shown at once with the typed fallback, not after retries, and
    // stays until the user asks again: stepping back onto Target must not swap the typed fields
    // for a loader (and lose the focus on a field with an error).
    retry: false,
    retryOnMount: false,
  });
}

export function useWarehouseTables(db: string | null) {
  return useQuery({
    queryKey: warehouseKeys.tables(db ?? ""),
    queryFn: ({ signal }) => apiRequest<Capped<WarehouseTable>>(`${databasePath(db!)}/tables`, { signal }),
    enabled: Boolean(db),
    retry: false,
    retryOnMount: false,
  });
}

export function useWarehouseColumns(db: string | null, table: string | null) {
  return useQuery({
    queryKey: warehouseKeys.columns(db ?? "", table ?? ""),
    queryFn: ({ signal }) =>
      apiRequest<Capped<WarehouseColumn>>(`${databasePath(db!)}/tables/${encodeURIComponent(table!)}/columns`, { signal }),
    enabled: Boolean(db && table),
    retry: false,
  });
}

// GET /api/warehouse/databases, …/:db/tables, …/:db/tables/:table/columns: what the Target step
// offers. Three reads of one resource in one file: they share the path and the keys. Each names the
// warehouse it browses (`?warehouse=<id>`); null asks the organization's default.
import { useQuery } from "@tanstack/react-query";
import type { WarehouseColumn, WarehouseDatabase, WarehouseTable } from "#contracts/warehouse.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { warehouseKeys } from "./keys.ts";

interface Capped<T> {
  items: T[];
  truncated: boolean;
}

export const databasePath = (db: string) => `/api/warehouse/databases/${encodeURIComponent(db)}`;
export const tablePath = (db: string, table: string) => `${databasePath(db)}/tables/${encodeURIComponent(table)}`;

/** `path` with `?warehouse=<id>` (or `&…` after other parameters); unchanged for the default. */
export function inWarehouse(path: string, warehouse: string | null): string {
  if (!warehouse) return path;
  return `${path}${path.includes("?") ? "&" : "?"}warehouse=${encodeURIComponent(warehouse)}`;
}

export function useWarehouseDatabases(warehouse: string | null) {
  return useQuery({
    queryKey: warehouseKeys.databases(warehouse),
    queryFn: ({ signal }) => apiRequest<Capped<WarehouseDatabase>>(inWarehouse("/api/warehouse/databases", warehouse), { signal }),
    // 503 (Databend unreachable) is shown at once with the typed fallback, not after retries, and
    // stays until the user asks again: stepping back onto Target must not swap the typed fields
    // for a loader (and lose the focus on a field with an error).
    retry: false,
    retryOnMount: false,
  });
}

export function useWarehouseTables(warehouse: string | null, db: string | null) {
  return useQuery({
    queryKey: warehouseKeys.tables(warehouse, db ?? ""),
    queryFn: ({ signal }) => apiRequest<Capped<WarehouseTable>>(inWarehouse(`${databasePath(db!)}/tables`, warehouse), { signal }),
    enabled: Boolean(db),
    retry: false,
    retryOnMount: false,
    // One listing serves Target's choice (table-mode.ts) and its table select, which mounts right
    // after it; saving a task with a new table invalidates it.
    staleTime: 10_000,
  });
}

export function useWarehouseColumns(warehouse: string | null, db: string | null, table: string | null) {
  return useQuery({
    queryKey: warehouseKeys.columns(warehouse, db ?? "", table ?? ""),
    queryFn: ({ signal }) => apiRequest<Capped<WarehouseColumn>>(inWarehouse(`${tablePath(db!, table!)}/columns`, warehouse), { signal }),
    enabled: Boolean(db && table),
    retry: false,
  });
}

// Query keys of the warehouse feature (what Databend holds); the wizard and the rows view share them.
/**
 * What Databend holds, for the wizard's Target step and the rows view (GET /api/warehouse/...), per
 * warehouse of the organization (`warehouse`: its id, or null for the organization's default).
 */
export const warehouseKeys = {
  all: ["warehouse"] as const,
  databases: (warehouse: string | null) => [...warehouseKeys.all, warehouse ?? "", "databases"] as const,
  tables: (warehouse: string | null, db: string) => [...warehouseKeys.all, warehouse ?? "", "tables", db] as const,
  columns: (warehouse: string | null, db: string, table: string) => [...warehouseKeys.all, warehouse ?? "", "columns", db, table] as const,
  rows: (warehouse: string | null, db: string, table: string) => [...warehouseKeys.all, warehouse ?? "", "rows", db, table] as const,
};

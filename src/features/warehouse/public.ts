// What other features may use of the warehouse feature (what Databend holds): its queries and
// their keys, and the address of a table's rows. Everything else in the feature is its own.
export { warehouseKeys } from "./api/keys.ts";
export { useWarehouseColumns, useWarehouseDatabases, useWarehouseTables } from "./api/get-warehouse.ts";
export { rowsPath } from "./rows-path.ts";

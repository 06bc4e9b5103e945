// What other features may use of the organization pages: the organization's warehouses and how
// one is named.
export { useWarehouses } from "./api/warehouses.ts";
export { WarehouseName, warehouseLabel } from "./components/warehouse-name.tsx";

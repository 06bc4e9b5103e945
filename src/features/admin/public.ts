// What other features may use of the organization pages: the organization's warehouses and how
// one is named; a date cell and the modal that shows a secret once (the alerts page's signing
// secret is shown the way an API key is).
export { useWarehouses } from "./api/warehouses.ts";
export { WarehouseName, warehouseLabel } from "./components/warehouse-name.tsx";
export { DateCell, ShownOnceModal } from "./components/admin-parts.tsx";

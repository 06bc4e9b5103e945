// Test connection: POST /api/org/warehouses/test with a form's values (before saving; nothing is
// stored) or POST /api/org/warehouses/:id/test for a saved one (with its stored password). Either
// answers one outcome in words (WarehouseTestResult); a refused request (400 fields, 403 role)
// rejects with ApiRequestError. Plain functions: the form and each row of the list keep their own
// result, which one shared mutation could not.
import type { WarehouseConnectionInput, WarehouseTestResult } from "#contracts/warehouse-connection.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { warehousePath } from "./warehouses.ts";

export function testWarehouseInput(input: WarehouseConnectionInput): Promise<WarehouseTestResult> {
  return apiRequest<WarehouseTestResult>("/api/org/warehouses/test", { method: "POST", body: input });
}

export function testSavedWarehouse(id: string): Promise<WarehouseTestResult> {
  return apiRequest<WarehouseTestResult>(`${warehousePath(id)}/test`, { method: "POST" });
}

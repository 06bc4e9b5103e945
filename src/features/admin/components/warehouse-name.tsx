// A warehouse named as the organization's list says (GET /api/org/warehouses), for a task's page and
// the wizard's review: its name and "(default)", or its id while the list is not at hand.
import { Text } from "@mantine/core";
import type { WarehouseConnection } from "#contracts/warehouse-connection.ts";
import { useWarehouses } from "../api/warehouses.ts";

/** A warehouse as the console names it: its name, and "(default)" for the organization's default. */
export function warehouseLabel(warehouse: Pick<WarehouseConnection, "name" | "is_default">): string {
  return warehouse.is_default ? `${warehouse.name} (default)` : warehouse.name;
}

export function WarehouseName({ id }: { id: string | null }) {
  const warehouses = useWarehouses();
  if (id === null) return <>The organization's default</>;
  const found = warehouses.data?.find((one) => one.id === id);
  if (found) return <>{warehouseLabel(found)}</>;
  return (
    <Text span size="sm" title={warehouses.isPending ? "Loading the organization's warehouses" : "Not in the organization's warehouses"}>
      {id}
    </Text>
  );
}

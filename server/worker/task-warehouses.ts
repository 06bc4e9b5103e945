// Where a task's rows go: a warehouse of the task's own organization, the one the task names (or
// the organization's default for a task saved before warehouses existed), never a global one.
// One pool per warehouse record, replaced when the record changes (the supervisor restarts the
// task's runner then: the record's updated_at is part of the task's version). Closing a replaced
// pool only closes its idle connections; statements in flight on it finish.
import type { RunnableTask } from "../store/tasks.ts";
import { DatabendWarehouse, type Warehouse } from "../databend/client.ts";
import type { WarehouseConnections } from "../warehouses/connections.ts";
import { SecretBoxError } from "../warehouses/secret-box.ts";

/** A task's warehouse and the updated_at of the record it came from (null: not from a record). */
export interface TaskWarehouse {
  warehouse: Warehouse;
  updatedAt: string | null;
}

export interface TaskWarehouses {
  /** The task's warehouse, or throws TaskWarehouseError with the operator's sentence. */
  forTask(task: RunnableTask): Promise<TaskWarehouse>;
  close(): Promise<void>;
}

/** Why a task has no warehouse to load into: a sentence that says what to change. */
export class TaskWarehouseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskWarehouseError";
  }
}

export function orgWarehouses(connections: WarehouseConnections, open: (dsn: string) => Warehouse = (dsn) => new DatabendWarehouse(dsn, { maxIdle: 8 })): TaskWarehouses {
  const pools = new Map<string, { version: string; warehouse: Warehouse }>();
  return {
    async forTask(task) {
      const id = task.config.warehouse_id ?? null;
      let resolved;
      try {
        resolved = await connections.resolve(task.org_id, id);
      } catch (error) {
        if (error instanceof SecretBoxError) throw new TaskWarehouseError(`${error.message}, then start the task again.`);
        throw error;
      }
      if (!resolved) {
        throw new TaskWarehouseError(
          id
            ? `The task's warehouse (${id}) no longer exists in its organization; edit the task to choose one of Organization → Warehouses, then start it again.`
            : "The task's organization has no warehouse; an admin adds one on Organization → Warehouses, then start the task again.",
        );
      }
      const { record, dsn } = resolved;
      const version = `${record.updated_at}|${record.password_enc}`;
      const found = pools.get(record.id);
      if (found?.version === version) return { warehouse: found.warehouse, updatedAt: record.updated_at };
      if (found) void found.warehouse.close().catch(() => {});
      const warehouse = open(dsn);
      pools.set(record.id, { version, warehouse });
      return { warehouse, updatedAt: record.updated_at };
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((p) => p.warehouse.close()));
    },
  };
}

/** Every task into this one warehouse, whatever its organization: for tests about loading, not tenancy. */
export function fixedWarehouse(warehouse: Warehouse): TaskWarehouses {
  return { forTask: async () => ({ warehouse, updatedAt: null }), close: async () => {} };
}

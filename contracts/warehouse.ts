// What the task wizard's Target step reads from Databend: its databases, the tables and views of
// one, and the columns of one table (GET /api/warehouse/...). Names in paths follow the same rules
// as a task's target (contracts/task.ts), so whatever can be browsed can be chosen as a target.
import { z } from "./zod.ts";
import { targetSchema } from "./task.ts";

/** At most this many items per answer; a longer list is cut and says `truncated: true`. */
export const WAREHOUSE_LIST_LIMIT = 1000;

/**
 * Databend's own databases, left out of the database list: the engine's immutable catalog holds
 * exactly these two (src/query/service/src/catalogs/default/immutable_catalog.rs in
 * databendlabs/databend: `init_db("system")`, `init_db("information_schema")`; "Cannot create
 * table in system database"), so no task can load into them.
 */
export const DATABEND_SYSTEM_DATABASES = ["system", "information_schema"] as const;

/** `:db` and `:table`: a task target's database and table rules (a path always names the database). */
export const warehouseDatabaseParamsSchema = z.object({ db: targetSchema.shape.database.unwrap() });
export const warehouseTableParamsSchema = z.object({
  db: targetSchema.shape.database.unwrap(),
  table: targetSchema.shape.table,
});

const capped = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** True when Databend had more than WAREHOUSE_LIST_LIMIT and only the first ones are listed. */
    truncated: z.boolean(),
  });

export const warehouseDatabaseSchema = z.object({ name: z.string() });
export type WarehouseDatabase = z.infer<typeof warehouseDatabaseSchema>;

export const warehouseTableSchema = z.object({
  name: z.string(),
  /** Databend's engine name (FUSE, VIEW, STREAM, ...), when it reports one. */
  engine: z.string().optional(),
  /** A view answers like a table but cannot be loaded into (COPY INTO refuses it). */
  is_view: z.boolean(),
});
export type WarehouseTable = z.infer<typeof warehouseTableSchema>;

export const warehouseColumnSchema = z.object({
  name: z.string(),
  /** The type as Databend's DESC writes it (INT, VARCHAR, DECIMAL(10, 2), ...), without NULL. */
  type: z.string(),
  nullable: z.boolean(),
  /** The column's DEFAULT expression, when it was declared with one. */
  default: z.string().optional(),
});
export type WarehouseColumn = z.infer<typeof warehouseColumnSchema>;

export const warehouseDatabasesSchema = capped(warehouseDatabaseSchema);
export const warehouseTablesSchema = capped(warehouseTableSchema);
export const warehouseColumnsSchema = capped(warehouseColumnSchema);

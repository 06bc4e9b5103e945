// What the task wizard's Target step reads from Databend: its databases, the tables and views of
// one, and the columns of one table (GET /api/warehouse/...). Names in paths follow the same rules
// as a task's target (contracts/task.ts), so whatever can be browsed can be chosen as a target.
import { z } from "./zod.ts";
import { databendName, targetSchema } from "./task.ts";

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

/**
 * Column types a new table may have (POST /api/warehouse/databases/:db/tables), written as
 * Databend's DESC writes them, so a column read from a table or inferred from a sample (POST
 * /api/tasks/preview) can be sent back unchanged. Databend's scalar types
 * (docs: sql-reference/data-types) that files carry; nested values go in a VARIANT.
 */
export const DATABEND_COLUMN_TYPES = [
  "BOOLEAN",
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "TINYINT UNSIGNED",
  "SMALLINT UNSIGNED",
  "INT UNSIGNED",
  "BIGINT UNSIGNED",
  "FLOAT",
  "DOUBLE",
  "DATE",
  "TIMESTAMP",
  "VARCHAR",
  "BINARY",
  "VARIANT",
] as const;

/** Databend's DECIMAL: precision 1 to 76, scale 0 to the precision. */
export const DECIMAL_MAX_PRECISION = 76;

export const WAREHOUSE_MESSAGES = {
  columnType: `Choose a column type Databend knows: ${DATABEND_COLUMN_TYPES.join(", ")} or DECIMAL(precision, scale) with precision 1 to ${DECIMAL_MAX_PRECISION} and scale 0 to the precision`,
  columnRequired: "Enter the column's name",
  columnsRequired: "Give the table at least one column",
  tooManyColumns: (max: number) => `A new table takes at most ${max} columns`,
  duplicateColumn: (name: string) => `Two columns are named ${name}; column names must differ`,
} as const;

/** The type in Databend's spelling (upper case, single spaces, `DECIMAL(p, s)`), or null when not allowed. */
export function canonicalColumnType(value: string): string | null {
  const text = value.trim().replace(/\s+/g, " ").toUpperCase();
  if ((DATABEND_COLUMN_TYPES as readonly string[]).includes(text)) return text;
  const decimal = /^DECIMAL ?\( ?(\d{1,2}) ?, ?(\d{1,2}) ?\)$/.exec(text);
  if (!decimal) return null;
  const precision = Number(decimal[1]);
  const scale = Number(decimal[2]);
  if (precision < 1 || precision > DECIMAL_MAX_PRECISION || scale > precision) return null;
  return `DECIMAL(${precision}, ${scale})`;
}

export const columnTypeSchema = z.string().transform((value, ctx) => {
  const type = canonicalColumnType(value);
  if (type === null) {
    ctx.addIssue({ code: "custom", message: WAREHOUSE_MESSAGES.columnType });
    return z.NEVER;
  }
  return type;
});

/** A column of a new table: a name by the target's rules, a whitelisted type, and whether it takes NULL. */
export const newColumnSchema = z.strictObject({
  name: databendName("column", WAREHOUSE_MESSAGES.columnRequired),
  type: columnTypeSchema,
  nullable: z.boolean().default(true),
});
export type NewColumn = z.output<typeof newColumnSchema>;

export const NEW_TABLE_MAX_COLUMNS = 1000;

/** A new table's columns in order: at least one, names unique. */
export const newTableColumnsSchema = z
  .array(newColumnSchema)
  .min(1, WAREHOUSE_MESSAGES.columnsRequired)
  .max(NEW_TABLE_MAX_COLUMNS, WAREHOUSE_MESSAGES.tooManyColumns(NEW_TABLE_MAX_COLUMNS))
  .superRefine((columns, ctx) => {
    const seen = new Set<string>();
    columns.forEach((column, index) => {
      if (seen.has(column.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: WAREHOUSE_MESSAGES.duplicateColumn(column.name) });
      seen.add(column.name);
    });
  });

/** POST /api/warehouse/databases/:db/tables: the table's name (a task target's rules) and its columns in order. */
export const newTableSchema = z.strictObject({
  name: targetSchema.shape.table,
  columns: newTableColumnsSchema,
});
export type NewTable = z.output<typeof newTableSchema>;

/** The table as Databend describes it once created. */
export const createdTableSchema = z.object({
  database: z.string(),
  name: z.string(),
  columns: z.array(warehouseColumnSchema),
});

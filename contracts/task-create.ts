// What a client sends to create (POST /api/tasks) or replace (PUT /api/tasks/:id) a task: the task
// itself (contracts/task.ts) and, optionally, the columns of a new target table that the same
// request creates (issue 17, item 2). A module of its own because contracts/warehouse.ts, which
// defines a new table's columns, builds on contracts/task.ts: task.ts importing it back would be a
// cycle.
import { z } from "./zod.ts";
import { taskInputSchema } from "./task.ts";
import { newTableColumnsSchema } from "./warehouse.ts";

/**
 * `create_table`: make `target.database`.`target.table` with these columns (the rules of POST
 * /api/warehouse/databases/:db/tables) together with the task: both are made, or neither. The
 * table must not exist yet (409 on `target.table` when it does).
 */
export const taskNewTableSchema = z.strictObject({ columns: newTableColumnsSchema });
export type TaskNewTable = z.output<typeof taskNewTableSchema>;

export const taskSaveSchema = taskInputSchema.extend({ create_table: taskNewTableSchema.optional() });
export type TaskSave = z.output<typeof taskSaveSchema>;

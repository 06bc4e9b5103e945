// A task saved together with the new table it loads into (issue 17, item 2): both are made, or
// neither. The caller has validated everything it can first (the task's fields, its name, the
// bucket rule); then the table is created in the task's own warehouse, then the task is saved. A
// save that fails after the table was made drops that table again: only a table this request
// created, never one that was there before (CREATE TABLE without IF NOT EXISTS refuses those).
// Creating the table is the last step that can be refused for a reason about the table, so a
// refusal there saves no task and names `target.table` or `target.database` and the fix.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TaskNewTable } from "#contracts/task-create.ts";
import type { TaskTarget } from "#contracts/task.ts";
import type { WarehouseAccess } from "../../databend/warehouse-access.ts";
import { HttpError } from "../plugins/errors.ts";
import { refuse, tableCreatedFacts, warehouseLabel } from "./warehouse.ts";

/** What was not done, in the refusal's words: the task's half. */
const NOT_SAVED = { create: "No task was saved.", update: "The task's changes were not saved." } as const;
export type SaveAction = keyof typeof NOT_SAVED;

/** The same refusal with a sentence added (status, fields and detail kept). */
function withSentence(error: HttpError, sentence: string): HttpError {
  const message = error.message.trim();
  return new HttpError(error.statusCode, `${message}${/[.!?]$/.test(message) ? "" : "."} ${sentence}`, error.fields, error.detail);
}

/** Makes the table, or throws the refusal that names its field and the fix (nothing was made). */
async function createTargetTable(w: WarehouseAccess, target: TaskTarget, table: TaskNewTable, action: SaveAction): Promise<number> {
  const { database: db, table: name } = target;
  const result = await w.browser.createTable(db, { name, columns: table.columns });
  const notSaved = NOT_SAVED[action];
  switch (result.status) {
    case "created":
      return result.columns.length;
    case "exists": {
      const message = `A table named ${name} already exists in ${db}; choose it under "An existing table", or give the new table another name`;
      throw new HttpError(409, `Databend already has a table ${name} in database ${db}. ${notSaved}`, { "target.table": message });
    }
    case "missing_database": {
      const message = `Databend has no database ${db}; choose one of its databases`;
      throw new HttpError(400, `${message}. ${notSaved}`, { "target.database": message });
    }
    case "denied": {
      const message = `The Databend user ${w.user} of the ${warehouseLabel(w)} may not create tables in ${db}; grant that user CREATE on the database, or choose an existing table`;
      throw new HttpError(403, `${message}. ${notSaved}`, { "target.table": message });
    }
    default:
      if (result.status === "unreachable" && result.timedOut) {
        // The CREATE may still run after we stopped waiting: say so, rather than drop a table we
        // cannot tell is ours.
        throw new HttpError(
          503,
          `Databend at ${w.address} did not answer within ${Math.round(w.browser.timeoutMs / 100) / 10} s, so ${notSaved.toLowerCase().replace(/\.$/, "")}; ` +
            `the table ${db}.${name} may still be created. List the tables of ${db} before trying again, and choose it as an existing table if it is there.`,
        );
      }
      try {
        return refuse(w, result, `table ${name}`, { db }, "create");
      } catch (error) {
        throw error instanceof HttpError ? withSentence(error, notSaved) : error;
      }
  }
}

/**
 * Creates `target` with `table`'s columns in warehouse `w`, then runs `save`; when `save` throws,
 * drops the table again and throws save's refusal, saying what became of the table. Records the
 * table in the audit log once both are made (a table made and dropped within one request changed
 * nothing).
 */
export async function saveWithNewTable<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  w: WarehouseAccess,
  target: TaskTarget,
  table: TaskNewTable,
  action: SaveAction,
  save: () => Promise<T>,
): Promise<T> {
  const columns = await createTargetTable(w, target, table, action);
  const shown = `${target.database}.${target.table}`;
  let saved: T;
  try {
    saved = await save();
  } catch (error) {
    if (!(error instanceof HttpError)) request.log.error({ err: error }, "a task with a new table could not be saved");
    const dropped = await w.browser.dropTable(target.database, target.table);
    const failure = error instanceof HttpError ? error : new HttpError(500, `The task could not be saved. ${NOT_SAVED[action]}`);
    if (dropped.status === "dropped") throw withSentence(failure, `The table ${shown} made for it was dropped again.`);
    request.log.error({ err: error, table: shown, drop: dropped }, "a table made for a task that was not saved could not be dropped");
    throw withSentence(
      failure,
      `The table ${shown} was created for it but could not be dropped again (Databend at ${w.address}: ${dropped.status}); ` +
        "choose it as an existing table, or drop it.",
    );
  }
  await app.audit(request, tableCreatedFacts(w, target.database, target.table, columns));
  return saved;
}

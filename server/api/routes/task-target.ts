// The checks a task's target passes before it is saved or started: the table exists in Databend
// and may be used (asked of Databend, see ../databend/target-check.ts), and no task of the
// organization loads another bucket into it. Each refusal names its field and what to change.
import type { TaskRecord } from "#contracts/task.ts";
import { DATABEND_ERROR_CODES } from "../../databend/errors.ts";
import { targetProblem, type TargetChecker } from "../../databend/target-check.ts";
import type { TaskStore } from "../../store/tasks.ts";
import { HttpError } from "../plugins/errors.ts";

export type TargetAction = "create" | "update" | "start";

interface Target {
  database: string;
  table: string;
}

const NOT_DONE: Record<TargetAction, string> = {
  create: "the task was not saved",
  update: "the changes were not saved",
  start: "the task was not started",
};

const shown = (t: Target) => `${t.database}.${t.table}`;

/** Asks Databend about the target; throws 400 (field) or 503 (not checked) unless it is usable. */
export async function assertTargetUsable(checker: TargetChecker, target: Target, action: TargetAction): Promise<void> {
  const result = await checker.check(target);
  const refuse = (field: "target.database" | "target.table", message: string) => {
    throw new HttpError(400, message, { [field]: message });
  };
  const problem = targetProblem(result, target, checker.user);
  if (problem) return refuse(problem.field, problem.sentence);
  switch (result.status) {
    case "ok":
      return;
    case "unreachable": {
      // The sentence says what happened; the driver's text goes to `detail` for a details view.
      const why = result.timedOut ? `did not answer within ${Math.round(checker.timeoutMs / 100) / 10} s` : "could not be reached";
      throw new HttpError(
        503,
        `The target table ${shown(target)} could not be checked: Databend at ${checker.address} ${why}, so ` +
          `${NOT_DONE[action]}. Try again once Databend answers.`,
        undefined,
        result.timedOut ? undefined : result.detail,
      );
    }
    default: {
      const code = result.status === "error" ? result.code : null;
      const name = code === null ? undefined : DATABEND_ERROR_CODES[code]?.name;
      const login = code === 1051 || code === 5100;
      throw new HttpError(
        503,
        `The target table ${shown(target)} could not be checked: Databend at ${checker.address} answered with an error` +
          `${code === null ? "" : ` (${code}${name ? ` ${name}` : ""})`}, so ${NOT_DONE[action]}. ` +
          (login
            ? "Correct the warehouse's user and password on Organization → Warehouses (Test connection says what is wrong), then try again."
            : "Try again; if it persists, run Test connection on Organization → Warehouses."),
        undefined,
        result.status === "error" ? result.detail : undefined,
      );
    }
  }
}

/**
 * Refuses (409 on target.table) a target that another task of the organization loads from a
 * different bucket. Databend's COPY keeps load metadata per table keyed by the file's path relative
 * to the stage location, and our COPY reads from 's3://<bucket>/', so the key carries no bucket: a
 * key loaded from one bucket makes COPY skip the same key from the other as already loaded. Two
 * tasks loading one bucket into one table are allowed: equal keys there are the same object, which
 * is loaded once, as it should be.
 *
 * Names are compared exactly as stored. Databend folds unquoted identifiers to lower case, but
 * every statement we write quotes them (sqlIdent in ../databend/sql.ts keeps case as written), and
 * quoted identifiers are case-sensitive in Databend: `Orders` and `orders` are two tables.
 *
 * The check reads the store, then the caller writes; two requests racing for one table from two
 * buckets could both pass (a store-level constraint would close that window).
 */
export async function assertNoBucketCollision(
  store: TaskStore,
  orgId: string,
  task: { id: string | null; target: Target; bucket: string; warehouse_id: string | null },
): Promise<void> {
  // Only tasks of the same warehouse share a table: a table of the same name in another warehouse
  // is another table, with its own load metadata.
  const others = (await store.list(orgId)).filter(
    (other: TaskRecord) =>
      other.id !== task.id &&
      (other.warehouse_id ?? null) === task.warehouse_id &&
      other.target.database === task.target.database &&
      other.target.table === task.target.table,
  );
  for (const other of others) {
    const source = await store.sourceFor(orgId, other.data_source_id);
    if (!source || source.bucket === task.bucket) continue;
    const message =
      `Task ${other.name} already loads bucket ${source.bucket} into ${shown(task.target)}; Databend remembers loaded ` +
      `files per table by their key without the bucket, so files from bucket ${task.bucket} with the same keys would be ` +
      `skipped as already loaded. Choose another table for this task.`;
    throw new HttpError(409, message, { "target.table": message });
  }
}

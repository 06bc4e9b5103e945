// "Failed files per task" for the failed_files_above rule, read from the failed-files store's table
// (issue 20 §1: `failed_files`, one row per object version, state `failed` while quarantined and
// not retried or dismissed). Written as plain SQL over that table rather than through its module so
// that this branch and that one meet only at the table: until the store has the table (its
// migration not applied), the answer is null and the rule is left unjudged (no incident opens or
// resolves), never an error of the evaluator.
import { sql } from "kysely";
import type { StoreDb } from "../store/dialect.ts";
import type { FailedFileCounter } from "./evaluator.ts";

export function failedFileCounter(s: StoreDb): FailedFileCounter {
  return async (orgId, taskIds) => {
    if (taskIds.length === 0) return new Map();
    try {
      const result = await sql<{ task_id: string; n: number | string }>`
        select task_id, count(*) as n from failed_files
        where org_id = ${orgId} and state = 'failed' and task_id in (${sql.join(taskIds)})
        group by task_id`.execute(s.db);
      return new Map(result.rows.map((r) => [r.task_id, Number(r.n)]));
    } catch (error) {
      if (/failed_files/.test(String((error as Error)?.message))) return null;
      throw error;
    }
  };
}

// One batch's outcome as it builds up (skips, errors, how each message was settled, what loaded)
// and the run record it becomes in run history.
import type { RunError, RunSkip, RunStatus } from "#contracts/task.ts";
import type { LoadedObject, RunInput } from "../store/tasks.ts";
import type { Settlement } from "./settle.ts";

export class BatchTally {
  readonly startedAt = new Date().toISOString();
  readonly skipped: RunSkip[] = [];
  readonly errors: RunError[] = [];
  /** Messages left to be looked at again without a failure, and why. */
  readonly deferred: RunSkip[] = [];
  readonly settlements = new Map<string, Settlement>();
  /** Messages that carried objects (the others count as skipped messages when deleted). */
  readonly withObjects = new Set<string>();
  /** Versions this batch settled by loading them, or (`empty`) finding nothing to load: the ledger's new entries. */
  readonly loaded: LoadedObject[] = [];
  objectsLoaded = 0;
  objectsDuplicate = 0;
  /** Zero bytes, or no rows. */
  objectsEmpty = 0;
  /** Quarantined by this batch (server/worker/load/quarantine.ts). */
  objectsFailed = 0;
  rowsLoaded = 0;
  statements = 0;
  /** Event -> committed lag (ms) of each object this batch loaded whose event time is known. */
  readonly lagsMs: number[] = [];
  /** Set when the task cannot go on: the sentence for its failure. */
  fatal: string | undefined;
  /** The outside system's text behind `fatal`. */
  fatalDetail: string | undefined;

  /**
   * An object's lag: from its S3 event's eventTime (S3's clock) to its COPY's return (ours). An
   * event without a readable eventTime has no lag. Objects whose rows were counted after a worker
   * restart are not noted: when they were committed is not known.
   */
  noteLag(eventTime: string, committedAt: number): void {
    const at = Date.parse(eventTime);
    if (Number.isFinite(at)) this.lagsMs.push(committedAt - at);
  }

  note(messageId: string, settlement: Settlement | null): void {
    if (settlement) this.settlements.set(messageId, settlement);
  }

  /** A message of `key` waits to be looked at again, for `reason` (see `DEFERRALS`). */
  noteDeferred(messageId: string, key: string, reason: string): void {
    this.deferred.push({ message_id: messageId, key, reason });
  }

  /** The run record; a run succeeded when every message in it was deleted (or handed on). */
  toRun(base: { task_id: string; worker_id: string; messages: number; messages_received: number }): RunInput {
    const deletedIds: string[] = [];
    let messagesSkipped = 0;
    for (const [id, s] of this.settlements) {
      if (s !== "deleted") continue;
      deletedIds.push(id);
      if (!this.withObjects.has(id)) messagesSkipped++;
    }
    const retried = [...this.settlements.values()].filter((s) => s === "retry").length;
    const didSomething = this.objectsLoaded > 0 || this.objectsEmpty > 0 || deletedIds.length > 0;
    const status: RunStatus =
      this.errors.length === 0 && retried === 0
        ? !didSomething && this.deferred.length > 0 ? "deferred" : "succeeded"
        : didSomething ? "partial" : "failed";
    return {
      ...base,
      started_at: this.startedAt,
      ended_at: new Date().toISOString(),
      status,
      messages_deleted: deletedIds.length,
      deleted_message_ids: deletedIds,
      messages_skipped: messagesSkipped,
      objects_loaded: this.objectsLoaded,
      objects_duplicate: this.objectsDuplicate,
      objects_empty: this.objectsEmpty,
      objects_failed: this.objectsFailed,
      rows_loaded: this.rowsLoaded,
      copy_statements: this.statements,
      // All of them: the store keeps the first RUN_LIST_CAP and counts the rest exactly.
      skipped: this.skipped,
      errors: this.errors,
      ...(this.deferred.length > 0 ? { deferred: this.deferred } : {}),
      lags_ms: this.lagsMs,
    };
  }
}

/** Why a message was deferred, as a run's `deferred` entries say it. */
export const DEFERRALS = {
  ownBatch: "this worker is loading the key in another batch; the message waits for that load",
  heldElsewhere: (seconds: number) => `another worker holds the key's claim; looked at again in ${seconds} s`,
  lapsed: (seconds: number) => `this worker's claim on the key lapsed before its load committed (nothing was written); looked at again in ${seconds} s`,
};

/** The run recorded when stopping gives up on an in-flight batch. */
export function abandonedRun(base: { task_id: string; worker_id: string; messages: number; messages_received: number }, graceMs: number): RunInput {
  const at = new Date().toISOString();
  return {
    ...base,
    started_at: at,
    ended_at: at,
    status: "abandoned",
    messages_deleted: 0,
    messages_skipped: 0,
    objects_loaded: 0,
    objects_duplicate: 0,
    rows_loaded: 0,
    copy_statements: 0,
    skipped: [],
    errors: [{ error: `Stopping: the batch did not finish within ${graceMs} ms; its messages stay in the queue and are loaded later` }],
  };
}

// Part of step 4 (load), holding through outages: runs a batch's claimed versions through
// load-items.ts, and when Databend stops answering holds the batch (receiving paused, the messages
// kept invisible, Databend probed with backoff) instead of handing the messages back; a transient
// error with a code is retried a few times. load-versions.ts settles the outcomes.
import type { WarehouseError } from "../../databend/client.ts";
import { DETAIL_MAX, errorText, excerpt } from "../../error-text.ts";
import type { ClaimedObject } from "../../store/tasks.ts";
import { backoff, MAX_PAUSE_MS, sleep } from "../backoff.ts";
import type { TaskContext } from "../context.ts";
import type { Copier, VersionsLoad } from "../copier.ts";
import type { BatchTally } from "../run-record.ts";
import { loadItems, type FileOutcome, type LoadItem } from "./load-items.ts";

/**
 * Loads the plan. No code means Databend did not answer: hold the batch and probe. A transient
 * code (a conflicting commit, S3 briefly unreachable): retry the batch a few times, then let it
 * back off through the queue.
 */
export async function loadHoldingThroughOutages(
  ctx: TaskContext,
  copier: Copier,
  plan: LoadItem[],
  planByKey: Map<string, LoadItem & { object: ClaimedObject }>,
  /** How many messages these items stand for (the outage's sentence names them). */
  messagesOf: (pending: readonly LoadItem[]) => number,
  tally: BatchTally,
): Promise<{ outcomes: FileOutcome[]; stoppedBy: WarehouseError | undefined }> {
  let pending = plan;
  const outcomes: FileOutcome[] = [];
  let transientTries = 0;
  for (;;) {
    const result = await loadItems(
      pending,
      { copy: (keys) => loadInTransaction(ctx, copier, keys, planByKey), objectExists: (key) => copier.objectExists(key), maxStatements: ctx.cfg.maxStatementsPerBatch },
      ctx.task.source.bucket,
    );
    tally.statements += result.statements;
    const stop = result.stoppedBy;
    const unreachable = stop?.errorClass === "transient" && stop.code === undefined;
    const retryable = stop && (unreachable || (stop.errorClass === "transient" && transientTries < 3));
    if (!retryable || ctx.state.abandoned) return { outcomes: [...outcomes, ...result.outcomes], stoppedBy: stop };
    const failed = result.outcomes.filter((o) => o.status === "failed");
    outcomes.push(...result.outcomes.filter((o) => o.status !== "failed"));
    pending = failed.map((o) => planByKey.get(o.key)!);
    let goOn: boolean;
    if (!unreachable) {
      transientTries++;
      ctx.log.warn({ err: stop.detail, attempt: transientTries }, "transient Databend error; retrying the batch");
      await sleep(backoff(transientTries, 1000, MAX_PAUSE_MS), ctx.signal);
      goOn = !ctx.state.stopping;
    } else {
      goOn = await waitForWarehouse(ctx, copier, stop, messagesOf(pending));
    }
    if (!goOn) return { outcomes: [...outcomes, ...failed], stoppedBy: stop };
  }
}

/** One attempt: these keys' claimed versions in one transaction, committed only while our claims hold. */
function loadInTransaction(ctx: TaskContext, copier: Copier, keys: readonly string[], planByKey: Map<string, LoadItem & { object: ClaimedObject }>): Promise<VersionsLoad> {
  const objects = keys.map((k) => planByKey.get(k)!.object);
  const leaseMs = ctx.cfg.claimLeaseSeconds * 1000;
  return copier.loadVersions(
    objects.map((o) => ({ key: o.key, etag: o.etag })),
    ctx.cfg.workerId,
    () => ctx.store.confirmClaims(ctx.task.id, ctx.cfg.workerId, objects, leaseMs),
  );
}

/**
 * Holds a batch while Databend does not answer: receiving stops (each receive of the same message
 * counts toward the queue's maxReceiveCount, so receiving again during an outage would push
 * messages into the dead-letter queue), the held messages stay invisible through the heartbeat,
 * and Databend is probed with backoff until it answers. False when the task stops meanwhile.
 */
async function waitForWarehouse(ctx: TaskContext, copier: Copier, cause: WarehouseError, messages: number): Promise<boolean> {
  const { state } = ctx;
  state.holding++;
  const since = new Date().toISOString();
  const sentence = `Databend is not answering; holding ${messages} message(s) in the queue and retrying since ${since}. Check that Databend at DATABEND_DSN is up.`;
  await ctx.store.reportError(ctx.task.id, sentence, excerpt(cause.detail, DETAIL_MAX));
  ctx.log.warn({ err: cause.detail, messages }, "Databend unreachable: receiving paused, probing");
  try {
    let delay = 500;
    while (!state.stopping) {
      await sleep(delay, ctx.signal);
      if (state.stopping) break;
      if (await copier.warehouseAnswers()) {
        ctx.log.info({ since }, "Databend answers again; resuming");
        return true;
      }
      delay = Math.min(ctx.cfg.probeMaxMs, delay * 2);
    }
    return false;
  } finally {
    state.holding--;
    // Databend answers again, or the task stops: the task no longer holds anything for it.
    await ctx.store.clearError(ctx.task.id, sentence).catch((error: unknown) => ctx.log.warn({ err: errorText(error) }, "clearing the outage's last error failed"));
  }
}

// Step 3 of the pipeline (pipeline.ts), handle a closed batch: the items that need no load (skips,
// S3 test events, invalid bodies, duplicates the receive step found in the ledger) are settled
// here; the objects go to the load step (load/load-versions.ts); then the batch's run, ledger
// entries and counters are recorded in one store call. The runner acts on the outcome.
import { BatchTally } from "./run-record.ts";
import type { TaskContext, TaskFailure } from "./context.ts";
import type { S3ObjectRef } from "./events.ts";
import type { TaskPipeline } from "./pipeline.ts";
import type { BatchItem } from "./receive.ts";

/** What became of a batch: recorded (maybe with a failure the task cannot go on after), or abandoned by stop. */
export type BatchOutcome = { kind: "recorded"; fatal?: TaskFailure } | { kind: "abandoned" };

/**
 * Settles what needs no load, loads the objects by version, records the run. `abandoned`: stop
 * gave up on the batch, nothing is recorded. `fatal`: recorded, and the task cannot go on.
 */
export async function handleBatch(ctx: TaskContext, pipeline: TaskPipeline, items: BatchItem[]): Promise<BatchOutcome> {
  const { settle } = pipeline;
  const tally = new BatchTally();
  const objects: { messageId: string; object: S3ObjectRef }[] = [];
  for (const item of items) {
    const id = item.messageId;
    switch (item.kind) {
      case "skip":
        tally.skipped.push({ message_id: id, ...(item.key !== undefined ? { key: item.key } : {}), reason: item.reason });
        tally.note(id, settle.resolve(id));
        break;
      case "test":
        tally.skipped.push({ message_id: id, reason: "s3:TestEvent (S3 sends it when a notification is configured); acknowledged" });
        tally.note(id, settle.resolve(id));
        break;
      case "invalid":
        if (await ctx.store.firstErrorFor(ctx.task.id, id)) {
          tally.errors.push({ message_id: id, error: `Not an S3 event notification; left to the queue's redrive policy: ${item.reason}` });
        }
        tally.note(id, settle.fail(id));
        break;
      case "duplicate":
        tally.withObjects.add(id);
        tally.objectsDuplicate++;
        tally.note(id, settle.resolve(id));
        break;
      case "object":
        tally.withObjects.add(id);
        objects.push(item);
        break;
    }
  }
  if (objects.length > 0) await pipeline.load.load(objects, tally);
  if (ctx.state.abandoned) return { kind: "abandoned" }; // stop gave up on this batch: its messages stay in the queue

  const input = tally.toRun({
    task_id: ctx.task.id,
    worker_id: ctx.cfg.workerId,
    messages: new Set(items.map((i) => i.messageId)).size,
    messages_received: pipeline.receive.takeReceivedCount(),
  });
  const run = await ctx.store.finishBatch(input, tally.loaded, ctx.cfg.workerId);
  ctx.metrics.run(input);
  ctx.log.info(
    { run: run.id, status: input.status, messages: run.messages, objects: input.objects_loaded, duplicates: input.objects_duplicate, empty: input.objects_empty, failed: input.objects_failed, rows: input.rows_loaded, statements: input.copy_statements, errors: input.errors.length },
    "batch done",
  );
  return { kind: "recorded", ...(tally.fatal ? { fatal: { reason: tally.fatal, detail: tally.fatalDetail } } : {}) };
}

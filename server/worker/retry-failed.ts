// Retry from Failed files, inside the runner of the task (polled by the backfill's loop): the
// files the operator marked `retrying` are looked up with a HEAD (their current version: the
// fixed content if the object was overwritten) and loaded through the one version loader the
// queue's events and the backfill use, with the backfill's book for outcomes, so the claims, the
// receipts in Databend's transaction and the ledger keep exactly-once as for any load. A load
// clears the entry in the batch's own record (finishBatch); a file error sends it back to
// `failed` at once (one attempt); anything else that ends the retry without a load says why.
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { errorText, excerpt, scrubSecrets, SENTENCE_MAX } from "../error-text.ts";
import { Book } from "./backfill.ts";
import type { TaskContext } from "./context.ts";
import type { S3ObjectRef } from "./events.ts";
import type { VersionLoader } from "./load/load-versions.ts";
import { REASONS } from "./load/plan-versions.ts";
import { BatchTally } from "./run-record.ts";

/** The sentence a retry that could not look the object up leaves on the entry. */
const HEAD_FAILED = "Retry could not read the object's current version from S3 (s3:GetObject on the object lets the role read it); retry it again later";

/** One pass: loads the task's `retrying` files (at most a batch), records the run. Returns how many it took. */
export async function retryFailedFiles(ctx: TaskContext, s3: S3Client | undefined, versions: VersionLoader): Promise<number> {
  const { task, cfg, store } = ctx;
  const entries = await store.retryingFiles(task.org_id, task.id, Math.min(1000, cfg.batchMaxFiles));
  if (entries.length === 0 || !s3) return 0;
  const objects: { messageId: string; object: S3ObjectRef; entryId: string }[] = [];
  for (const e of entries) {
    if (e.bucket !== task.source.bucket) {
      await store.retryEnded(task.org_id, task.id, e.id, { state: "failed", error: `The task now reads bucket ${task.source.bucket}, not ${e.bucket}; the file cannot be retried by this task` });
      continue;
    }
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: e.bucket, Key: e.key }), { abortSignal: ctx.signal });
      objects.push({
        entryId: e.id,
        messageId: `retry:${e.id}`,
        object: {
          bucket: e.bucket, key: e.key, size: Number(head.ContentLength ?? NaN), eTag: (head.ETag ?? "").replaceAll('"', ""),
          sequencer: "", versionId: head.VersionId, eventName: "failed-files:retry", eventTime: "",
        },
      });
    } catch (error) {
      if (ctx.state.stopping) return 0;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const gone = status === 404 || (error as { name?: string }).name === "NotFound";
      ctx.log.warn({ err: scrubSecrets(errorText(error)), key: e.key }, "retry: HEAD failed");
      await store.retryEnded(task.org_id, task.id, e.id, { state: "failed", error: gone ? `Retry: ${REASONS.missing}` : HEAD_FAILED });
    }
  }
  if (objects.length === 0) return entries.length;

  const tally = new BatchTally();
  const book = new Book();
  await versions.load(objects, tally, { settle: book, park: false, fileAttempts: 1 });
  if (ctx.state.abandoned || ctx.state.stopping) return entries.length; // still `retrying`: the next runner takes them
  const input = {
    ...tally.toRun({ task_id: task.id, worker_id: cfg.workerId, messages: 0, messages_received: 0 }),
    messages_deleted: 0,
    messages_skipped: 0,
    deleted_message_ids: [],
    deferred: undefined,
  };
  // The loads clear their entries here, in the same transaction as the ledger and the counters.
  await store.finishBatch(input, tally.loaded, cfg.workerId);
  ctx.metrics.run(input);
  const loadedKeys = new Set(tally.loaded.map((o) => o.key));
  for (const o of objects) {
    const outcome = book.outcome.get(o.messageId);
    if (outcome === "deferred" || loadedKeys.has(o.object.key)) continue; // held elsewhere: next pass; loaded: cleared
    const skip = tally.skipped.find((s) => s.message_id === o.messageId);
    const error = tally.errors.find((s) => s.message_id === o.messageId);
    if (outcome === "deleted" && !skip && !error) {
      // The ledger says the current version is loaded already (its own event loaded it).
      await store.retryEnded(task.org_id, task.id, o.entryId, { state: "cleared" });
    } else {
      const why = skip?.reason ?? error?.error ?? "not loaded";
      await store.retryEnded(task.org_id, task.id, o.entryId, { state: "failed", error: excerpt(`Retry: ${why}`, SENTENCE_MAX) });
    }
  }
  ctx.log.info({ files: objects.length, loaded: tally.objectsLoaded, empty: tally.objectsEmpty, failed: tally.errors.length }, "failed files: retry done");
  return entries.length;
}

// Backfill and reconcile, inside the runner of the task they belong to: list the bucket under the
// task's prefix with ListObjectsV2 (the task's assumed role, the copier's credential cache), keep
// the objects in scope (suffix, since), and load those the ledger has not loaded through the one
// version loader the queue's events use, a page at a time. Each page is one batch: its run, its
// ledger entries and the job's new position and counts are written in one transaction, so a
// worker that dies mid-page leaves the job at the previous page, and the claims and Databend's load
// metadata settle what it had loaded when the page is listed again.
// A little over 300 lines: the listing, a page's load and its one-transaction record are one job's
// loop and read best together.
//
// A reconcile is the same job, started by the worker holding the task when the task's
// `reconcile_every_minutes` have passed since the last one, listing objects modified since that
// one's start minus RECONCILE_MARGIN_MS: objects whose S3 events were lost get loaded (Databricks
// Auto Loader's cloudFiles.backfillInterval does this for its file notification mode).
import { ListObjectsV2Command, type S3Client, type _Object } from "@aws-sdk/client-s3";
import type { BackfillJob } from "#contracts/backfill.ts";
import { isFolderMarker, keyInScope } from "#contracts/aws-names.ts";
import { classifyAwsError, PERMANENT_AWS_KINDS } from "../aws/errors.ts";
import { errorText, excerpt, scrubSecrets, SENTENCE_MAX } from "../error-text.ts";
import type { BackfillProgress } from "../store/backfills.ts";
import type { Settlement } from "./settle.ts";
import { keyAddressProblem, ledgerObject, type S3ObjectRef } from "./events.ts";
import type { TaskContext, TaskFailure } from "./context.ts";
import { BatchTally } from "./run-record.ts";
import type { Settler, VersionLoader } from "./load/load-versions.ts";
import { backoff, MAX_PAUSE_MS, sleep } from "./backoff.ts";
import { retryFailedFiles } from "./retry-failed.ts";

/** A reconcile lists objects modified since the previous reconcile's start minus this. */
export const RECONCILE_MARGIN_MS = 15 * 60_000;
/** How long a backfill's batch waits for keys another worker (or an event batch) is loading. */
const HELD_WAIT_MAX_MS = 5 * 60_000;

/**
 * The task cannot go on (the target is gone): fail it. A callback rather than an outcome the
 * runner acts on: the task must stop at once (no further page starts), while the page in hand
 * still records its run, so the failure cannot wait for the loop to return.
 */
export type FailTask = (failure: TaskFailure) => void;

/** What each listed object's load came to, by its id in the batch (the backfill's Settler). */
export class Book implements Settler {
  readonly outcome = new Map<string, Settlement>();
  resolve(id: string): Settlement {
    this.outcome.set(id, "deleted");
    return "deleted";
  }
  fail(id: string): Settlement {
    this.outcome.set(id, "retry");
    return "retry";
  }
  defer(id: string): Settlement {
    this.outcome.set(id, "deferred");
    return "deferred";
  }
}

interface InScope {
  key: string;
  etag: string;
  size: number;
  lastModified: string;
  /** Why Databend cannot load exactly this key (skipped), or null. */
  problem: string | null;
}

/** The objects of one listing page that the job hands to the loader, and what it counts without loading. */
export function objectsInScope(
  contents: readonly Pick<_Object, "Key" | "ETag" | "LastModified" | "Size">[],
  scope: { prefix: string; suffix: string; since: string | null },
): { inScope: InScope[] } {
  const since = scope.since === null ? null : Date.parse(scope.since);
  const inScope: InScope[] = [];
  for (const o of contents) {
    const key = o.Key;
    if (key === undefined || !keyInScope(key, scope) || isFolderMarker(key, o.Size)) continue;
    if (since !== null && (o.LastModified === undefined || o.LastModified.getTime() < since)) continue;
    inScope.push({
      key,
      etag: (o.ETag ?? "").replaceAll('"', ""),
      size: Number(o.Size ?? 0),
      lastModified: o.LastModified?.toISOString() ?? "",
      problem: keyAddressProblem(key),
    });
  }
  return { inScope };
}

export class Backfiller {
  private readonly deps: TaskContext & { s3: S3Client | undefined; versions: VersionLoader; fail: FailTask };
  private readonly leaseMs: number;
  /** Resolves when the loop has ended (after stop). */
  private loopDone: Promise<void> = Promise.resolve();

  constructor(ctx: TaskContext, s3: S3Client | undefined, versions: VersionLoader, fail: FailTask) {
    this.deps = { ...ctx, s3, versions, fail };
    this.leaseMs = ctx.cfg.claimLeaseSeconds * 1000;
  }

  start(): void {
    this.loopDone = this.loop();
  }

  /** Resolves once the loop and its batch in hand have ended (the runner waits for it when stopping). */
  get finished(): Promise<void> {
    return this.loopDone;
  }

  private async loop(): Promise<void> {
    const { deps } = this;
    const every = deps.task.config.reconcile_every_minutes ?? null;
    const checkMs = Math.max(200, deps.cfg.pollMs * 5);
    while (!deps.state.stopping) {
      try {
        if (every !== null) {
          if (await deps.store.startReconcileIfDue(deps.task.id, every, RECONCILE_MARGIN_MS)) deps.log.info({ everyMinutes: every }, "reconcile started");
        }
        const job = await deps.store.takeBackfill(deps.task.id, deps.cfg.workerId, this.leaseMs);
        if (job) await this.runJob(job);
        // Retry from Failed files: the same loader, the same book, between listing pages' jobs.
        await retryFailedFiles(deps, deps.s3, deps.versions);
      } catch (error) {
        deps.log.warn({ err: errorText(error) }, "backfill: looking for work failed");
      }
      await sleep(checkMs, deps.signal);
    }
  }

  private async runJob(job: BackfillJob): Promise<void> {
    const { deps } = this;
    const { workerId } = deps.cfg;
    const log = deps.log.child({ backfill: job.id, kind: job.kind });
    log.info({ since: job.since, resumeAfter: job.last_key }, "backfill: running");
    let cancelled = false;
    const extend = setInterval(() => {
      deps.store.holdBackfill(job.id, workerId, this.leaseMs).then(
        (ours) => (cancelled ||= !ours),
        (error: unknown) => log.warn({ err: errorText(error) }, "backfill: extending the lease failed"),
      );
    }, Math.max(200, this.leaseMs / 3));
    let startAfter = job.last_key ?? undefined;
    let failedPages = 0;
    try {
      for (;;) {
        if (deps.state.stopping || cancelled) break;
        const page = await this.list(startAfter);
        if (page === "interrupted") break;
        if ("error" in page) {
          await deps.store.endBackfill(job.id, workerId, "failed", page.error);
          log.warn({ err: page.error.detail }, "backfill: listing refused");
          return;
        }
        const contents = page.contents;
        const lastKey = contents.at(-1)?.Key;
        if (lastKey !== undefined) {
          const outcome = await this.loadPage(job, contents, lastKey, failedPages < 2);
          if (outcome === "interrupted") break;
          if (outcome === "all_failed") {
            // Every object of the page failed alike (Databend refusing the role's keys, S3 briefly
            // down): the same page again after a pause; the third time the job ends with the reason.
            if (++failedPages >= 3) {
              await deps.store.endBackfill(job.id, workerId, "failed", {
                message: "Every object of three listing pages in a row failed to load; see the task's run history for the reason, fix it, then start the backfill again",
              });
              return;
            }
            await sleep(backoff(failedPages, 2000, MAX_PAUSE_MS), deps.signal);
            continue;
          }
          failedPages = 0;
          if (!(await deps.store.holdBackfill(job.id, workerId, this.leaseMs))) {
            log.info("backfill: cancelled");
            return;
          }
          startAfter = lastKey;
        }
        if (!page.truncated) {
          await deps.store.endBackfill(job.id, workerId, "completed");
          log.info("backfill: completed");
          return;
        }
      }
      // Stopping (or the lease was lost): let go at once, so a worker that runs the task next resumes it.
      await deps.store.releaseBackfill(job.id, workerId).catch(() => {});
    } finally {
      clearInterval(extend);
    }
  }

  /** One ListObjectsV2 page after `startAfter` (bounded by WORKER_BATCH_MAX_FILES, at most 1,000). */
  private async list(
    startAfter: string | undefined,
  ): Promise<{ contents: _Object[]; truncated: boolean } | { error: { message: string; detail: string } } | "interrupted"> {
    const { deps } = this;
    const { bucket } = deps.task.source;
    const { prefix } = deps.task.config;
    if (!deps.s3) return { contents: [], truncated: false };
    let attempt = 0;
    for (;;) {
      try {
        const out = await deps.s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
            MaxKeys: Math.min(1000, deps.cfg.batchMaxFiles),
          }),
          { abortSignal: deps.signal },
        );
        return { contents: out.Contents ?? [], truncated: out.IsTruncated === true };
      } catch (error) {
        if (deps.state.stopping) return "interrupted";
        const classified = classifyAwsError(error);
        deps.metrics.awsError(classified.kind);
        const detail = scrubSecrets(errorText(error));
        attempt++;
        if (PERMANENT_AWS_KINDS.has(classified.kind) || attempt >= 3) {
          const where = `s3://${bucket}/${prefix}`;
          const message = PERMANENT_AWS_KINDS.has(classified.kind)
            ? `The data source's role cannot list ${where} (${classified.code}); allow s3:ListBucket on the bucket for that prefix, then start the backfill again`
            : `Listing ${where} failed three times (${classified.code}); start the backfill again later`;
          return { error: { message, detail } };
        }
        await sleep(backoff(attempt, 1000, MAX_PAUSE_MS), deps.signal);
      }
    }
  }

  /**
   * Loads one page's objects in scope and writes its run, ledger and the job's progress together.
   * `interrupted`: stopping cut it short (nothing recorded; the page is listed again on resume).
   * `all_failed`: every object failed; when `mayRetry`, the run is recorded without moving the job
   * (the page is tried again), else the job moves on past it.
   */
  private async loadPage(job: BackfillJob, contents: _Object[], lastKey: string, mayRetry: boolean): Promise<"done" | "interrupted" | "all_failed"> {
    const { deps } = this;
    const { task, cfg } = deps;
    const { inScope } = objectsInScope(contents, { prefix: task.config.prefix, suffix: task.config.suffix, since: job.since });
    const progress: BackfillProgress = { jobId: job.id, workerId: cfg.workerId, lastKey, listed: inScope.length, loaded: 0, skipped: 0, failed: 0, rows: 0 };
    const idOf = (key: string) => `${job.kind}:${key}`;
    const objects: { messageId: string; object: S3ObjectRef }[] = [];
    for (const o of inScope) {
      if (o.problem) progress.skipped++;
      else
        objects.push({
          messageId: idOf(o.key),
          object: {
            bucket: task.source.bucket, key: o.key, size: o.size, eTag: o.etag, sequencer: "", versionId: undefined,
            // No event time: a listed object's age is not event-to-rows lag (a month-old object would
            // read as a month of lag), so it stays out of the lag figures.
            eventName: `${job.kind}:listed`, eventTime: "",
          },
        });
    }
    // What the ledger already loaded (by an event or an earlier listing) is counted, not claimed.
    const loaded = objects.length > 0 ? await deps.store.loadedAmong(task.id, objects.map((o) => ledgerObject(o.object, o.messageId))) : new Set<number>();
    const toLoad = objects.filter((_, i) => !loaded.has(i));
    progress.skipped += loaded.size;
    if (toLoad.length === 0) {
      await deps.store.recordBackfillProgress(progress, this.leaseMs);
      return "done";
    }

    const tally = new BatchTally();
    const book = new Book();
    let pending = toLoad;
    const heldSince = Date.now();
    for (;;) {
      await deps.versions.load(pending, tally, { settle: book, park: false });
      if (deps.state.abandoned || deps.state.stopping) return "interrupted";
      // Keys another worker or an event batch is loading now: look again shortly. Their load either
      // lands in the ledger (then this one finds it loaded) or lets go (then this one loads it).
      const held = pending.filter((o) => book.outcome.get(o.messageId) === "deferred");
      if (held.length === 0) break;
      if (Date.now() - heldSince > HELD_WAIT_MAX_MS) {
        for (const o of held) {
          book.fail(o.messageId);
          tally.errors.push({ message_id: o.messageId, key: o.object.key, error: "Another worker kept loading this object; not loaded by this backfill (run it again later)" });
        }
        break;
      }
      await sleep(Math.min(1000, this.leaseMs / 4), deps.signal);
      pending = held;
    }
    if (tally.fatal) deps.fail({ reason: tally.fatal, detail: tally.fatalDetail });

    let resolved = 0;
    for (const o of toLoad) {
      const outcome = book.outcome.get(o.messageId);
      if (outcome === "deleted") resolved++;
      else progress.failed++;
    }
    progress.loaded = tally.objectsLoaded;
    progress.rows = tally.rowsLoaded;
    // A file set aside in Failed files is settled (deleted from the page's book) but not loaded.
    progress.skipped += resolved - tally.objectsLoaded - tally.objectsFailed;
    progress.failed += tally.objectsFailed;
    const firstError = tally.errors[0];
    if (firstError) progress.error = { message: `${firstError.key ?? ""}: ${excerpt(firstError.error, SENTENCE_MAX)}`, detail: firstError.detail };
    const input = {
      ...tally.toRun({ task_id: task.id, worker_id: cfg.workerId, messages: 0, messages_received: 0 }),
      messages_deleted: 0,
      messages_skipped: 0,
      // A page's objects are not queue messages: nothing here is a deleted message, and a key held
      // elsewhere is looked at again within this page (its progress says what was not loaded).
      deleted_message_ids: [],
      deferred: undefined,
    };
    const allFailed = progress.failed > 0 && progress.failed === toLoad.length;
    await deps.store.finishBatch(input, tally.loaded, cfg.workerId, allFailed && mayRetry ? undefined : { progress, leaseMs: this.leaseMs });
    deps.metrics.run(input);
    deps.log.info(
      { listed: progress.listed, loaded: progress.loaded, skipped: progress.skipped, failed: progress.failed, rows: progress.rows, statements: input.copy_statements, lastKey },
      "backfill: batch done",
    );
    return allFailed ? "all_failed" : "done";
  }
}

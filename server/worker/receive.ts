// Step 1 of the pipeline (pipeline.ts), receive and handle each message: several long polls in
// flight; each message handled into batch items (its records parsed by events.ts), tracked by the
// settle step, objects the ledger already loaded marked as duplicates early, the items handed to
// the batcher. Receiving pauses while the pipeline is busy (full batcher, too much tracked,
// Databend unreachable, S3 refusing Databend) and backs off after errors; AWS refusals that
// persist end the loop with a failure the runner acts on.
import { PERMANENT_AWS_KINDS, classifyAwsError, type AwsErrorKind } from "../aws/errors.ts";
import { DETAIL_MAX, errorText, excerpt, scrubSecrets } from "../error-text.ts";
import type { Batcher } from "./batcher.ts";
import type { Acknowledger } from "./settle.ts";
import { ledgerObject, parseBody, type S3ObjectRef, type TaskScope } from "./events.ts";
import type { MessageQueue, QueueMessage } from "./queue.ts";
import { backoff, MAX_PAUSE_MS, sleep } from "./backoff.ts";
import { pauseReceiving, type TaskContext, type TaskFailure } from "./context.ts";

/** What the receive side hands to the batcher: one entry per record (or per message without records). */
export type BatchItem =
  | { kind: "object"; messageId: string; object: S3ObjectRef }
  | { kind: "duplicate"; messageId: string; object: S3ObjectRef }
  | { kind: "skip"; messageId: string; key: string | undefined; reason: string }
  | { kind: "test"; messageId: string; bucket: string | undefined }
  | { kind: "invalid"; messageId: string; reason: string };

/** Permanent AWS refusals in a row before the task fails (one could be a blip in IAM propagation). */
const FATAL_AFTER = 3;

/** How a receive loop ended: the task stopped, or the queue keeps refusing us (fail the task). */
export type ReceiveEnd = { kind: "stopped" } | ({ kind: "fatal" } & TaskFailure);

/**
 * What went wrong reading the queue, in words for the operator (the AWS SDK's own text is the
 * detail): the role's session and the ReceiveMessage call both count, as either can refuse.
 */
export function queueProblem(kind: AwsErrorKind, code: string): string {
  const named = code ? ` (${code})` : "";
  switch (kind) {
    case "access_denied":
      return `AWS refused the worker${named}: the role's trust policy must allow the platform load role with the organization's external ID, and its permissions must allow sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility on the queue`;
    case "kms_denied":
      return `the role may not use the KMS key that encrypts the queue${named}; allow kms:Decrypt on the key`;
    case "invalid_credentials":
    case "expired_credentials":
    case "missing_credentials":
      return `AWS rejected the worker's credentials${named}; check the worker's platform load identity`;
    case "queue_not_found":
      return `the queue does not exist${named}; check the data source's Queue URL and Queue Region`;
    case "wrong_region":
    case "region_disabled":
      return `the queue's Region cannot be used${named}; check the data source's Queue Region`;
    case "throttled":
      return `Amazon SQS throttled the worker${named}`;
    case "timeout":
    case "aborted":
      return "Amazon SQS did not answer in time";
    case "dns":
    case "tls":
    case "connection_refused":
      return `the worker could not connect to Amazon SQS${named}`;
    case "bucket_not_found":
    case "key_not_found":
    case "other":
      return `Amazon SQS refused the request${named}`;
  }
}

export class Receiver {
  private readonly ctx: TaskContext;
  private readonly queue: MessageQueue;
  private readonly ack: Acknowledger;
  private readonly batcher: Batcher<BatchItem>;
  private readonly scope: TaskScope;
  /** Aborts waits at once on stop; long polls get their own signal (see `abortPolls`). */
  private readonly stopSignal = new AbortController();
  private readonly pollSignal = new AbortController();
  private failures = 0;
  private fatalStreak = 0;
  private received = 0;

  constructor(ctx: TaskContext, queue: MessageQueue, ack: Acknowledger, batcher: Batcher<BatchItem>) {
    this.ctx = ctx;
    this.queue = queue;
    this.ack = ack;
    this.batcher = batcher;
    this.scope = { bucket: ctx.task.source.bucket, prefix: ctx.task.config.prefix, suffix: ctx.task.config.suffix };
  }

  /** Messages received since the last call (for the next run record). */
  takeReceivedCount(): number {
    const n = this.received;
    this.received = 0;
    return n;
  }

  /** Stop waiting between polls; polls in flight run to their end (see `abortPolls`). */
  stop(): void {
    this.stopSignal.abort();
  }

  /**
   * Cuts off long polls still in flight. Only once stopping has waited its grace: a poll cut off
   * client-side may still take a message on the server, which then stays invisible for one
   * visibility timeout before another receive gets it.
   */
  abortPolls(): void {
    this.pollSignal.abort();
  }

  /** Whether receiving should wait: a full batcher, too much tracked, Databend unreachable. */
  private busy(): boolean {
    const { cfg, state } = this.ctx;
    return state.holding > 0 || this.batcher.full || this.ack.size >= cfg.batchMaxFiles * (cfg.loadConcurrency + 1);
  }

  async loop(index: number): Promise<ReceiveEnd> {
    const { cfg, log, state } = this.ctx;
    const { ack } = this;
    const signal = this.stopSignal.signal;
    // Spread the first calls a little so loops do not move in lockstep.
    await sleep(index * 25, signal);
    while (!state.stopping) {
      if (this.busy() || Date.now() < state.receivePausedUntil) {
        await sleep(Math.min(100, Math.max(10, state.receivePausedUntil - Date.now())), signal);
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await this.queue.receive({
          maxMessages: 10,
          waitSeconds: cfg.waitSeconds,
          visibilitySeconds: cfg.visibilitySeconds,
          signal: this.pollSignal.signal,
        });
        this.fatalStreak = 0;
        if (messages.length > 0) log.debug({ loop: index, messages: messages.length }, "received");
      } catch (error) {
        if (state.stopping) break;
        const fatal = await this.onError(error);
        if (fatal) return fatal;
        continue;
      }
      if (state.stopping) {
        // Received while stopping: give them straight back.
        for (const m of messages) {
          ack.track(m, 1);
          ack.release(m.messageId);
        }
        break;
      }
      try {
        await this.accept(messages);
      } catch (error) {
        // Never lose the loop: give the messages back and note why.
        log.error({ err: errorText(error) }, "handling received messages failed");
        for (const m of messages) ack.release(m.messageId);
      }
    }
    return { kind: "stopped" };
  }

  /** A failed receive: backs off and reports it, or, after FATAL_AFTER permanent refusals, ends the loop. */
  private async onError(error: unknown): Promise<ReceiveEnd | undefined> {
    // The SDK's text goes to the detail; the operator reads what happened and what to change.
    const text = scrubSecrets(errorText(error));
    const detail = excerpt(text, DETAIL_MAX);
    const classified = classifyAwsError(error);
    this.ctx.metrics.awsError(classified.kind);
    const problem = queueProblem(classified.kind, classified.code);
    if (PERMANENT_AWS_KINDS.has(classified.kind)) {
      this.fatalStreak++;
      if (this.fatalStreak >= FATAL_AFTER) {
        return { kind: "fatal", reason: `Cannot read the queue: ${problem}. Fix it, then start the task again.`, detail };
      }
    }
    this.failures++;
    const delay = backoff(this.failures, 500, MAX_PAUSE_MS);
    this.ctx.log.warn({ err: text, retryInMs: delay }, "receive failed");
    await this.ctx.store.reportError(this.ctx.task.id, `Receiving from the queue failed: ${problem}. Retrying.`, detail);
    pauseReceiving(this.ctx.state, delay);
    return undefined;
  }

  /** Handles received messages: parses them into batch items, marks objects the ledger says are loaded. */
  async accept(messages: QueueMessage[]): Promise<void> {
    const { ctx, ack } = this;
    const items: BatchItem[] = [];
    for (const message of messages) {
      if (ack.has(message.messageId)) {
        // SQS handed us a message we are still working on: keep the newer receipt handle only.
        ack.track(message, 0);
        continue;
      }
      this.received++;
      const parsed = parseBody(message.body, this.scope);
      const mine: BatchItem[] = [];
      if (parsed.kind === "invalid") mine.push({ kind: "invalid", messageId: message.messageId, reason: parsed.reason });
      else if (parsed.kind === "test_event") mine.push({ kind: "test", messageId: message.messageId, bucket: parsed.bucket });
      else {
        for (const record of parsed.records) {
          if (record.kind === "skip") mine.push({ kind: "skip", messageId: message.messageId, key: record.key, reason: record.reason });
          else mine.push({ kind: "object", messageId: message.messageId, object: record.object });
        }
      }
      ack.track(message, mine.length);
      items.push(...mine);
    }
    const objects = items.filter((i) => i.kind === "object");
    if (objects.length > 0) {
      const loaded = await ctx.store.loadedAmong(ctx.task.id, objects.map((i) => ledgerObject(i.object, i.messageId)));
      objects.forEach((item, index) => {
        if (loaded.has(index)) (item as BatchItem).kind = "duplicate";
      });
    }
    // A stop may have begun while the store answered: give them back as above.
    if (ctx.state.stopping) {
      for (const id of new Set(items.map((i) => i.messageId))) ack.release(id);
      return;
    }
    for (const item of items) this.batcher.add(item);
    ctx.log.debug({ items: items.length, tracked: ack.size }, "accepted");
  }
}

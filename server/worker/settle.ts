// Step 5 of the pipeline (pipeline.ts), settle each message: a message is deleted only when every record in it is loaded or deliberately
// skipped. A message with a failed record stays in the queue; its visibility is pushed back with
// exponential backoff so it neither spins nor waits forever. While records are buffered or loading,
// visibility is extended (a heartbeat) so SQS does not hand the message to another consumer.
import type { MessageQueue, QueueMessage } from "./queue.ts";
import { backoff } from "./backoff.ts";

export interface AckOptions {
  /** The visibility timeout the worker asks for on receive and extends by. */
  visibilitySeconds: number;
  /** Backoff after a failure: base * 2^(receiveCount-1), capped. */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Called after messages are deleted (count) and when an SQS call fails. */
  onDeleted?: (count: number) => void;
  /** Called when a message is left for redelivery (backoff, deferral, release, abandonment). */
  onReturned?: (reason: "retry" | "deferred" | "released" | "abandoned") => void;
  onQueueError?: (what: string, error: unknown) => void;
  now?: () => number;
}

interface Tracked {
  message: QueueMessage;
  pending: number;
  failed: boolean;
  /** Seconds to wait before redelivery without counting a failure (another worker holds it). */
  deferSeconds: number;
  /** When SQS would make the message visible again, in ms. */
  visibleAt: number;
  settled: boolean;
}

export type Settlement = "deleted" | "retry" | "deferred";

export class Acknowledger {
  private readonly tracked = new Map<string, Tracked>();
  private pendingDeletes: Tracked[] = [];
  private pendingChanges: { t: Tracked; seconds: number }[] = [];
  private flushScheduled = false;
  /** Message ids whose deletes wait (see holdDeletes), with how many holds each. */
  private readonly heldDeletes = new Map<string, number>();
  private inFlight = new Set<Promise<void>>();
  private readonly queue: MessageQueue;
  private readonly options: AckOptions;
  private readonly now: () => number;
  /** Outcomes, for run history and tests. */
  readonly settled = { deleted: 0, retried: 0, deferred: 0 };

  constructor(queue: MessageQueue, options: AckOptions) {
    this.queue = queue;
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Messages received and not yet settled. */
  get size(): number {
    return this.tracked.size;
  }

  has(messageId: string): boolean {
    return this.tracked.has(messageId);
  }

  /**
   * Starts tracking a message with `records` records to resolve. A message received twice (SQS
   * may deliver a duplicate to the same consumer) keeps the newer receipt handle.
   */
  track(message: QueueMessage, records: number, receivedAt = this.now()): boolean {
    const existing = this.tracked.get(message.messageId);
    if (existing) {
      existing.message = { ...existing.message, receiptHandle: message.receiptHandle };
      existing.visibleAt = receivedAt + this.options.visibilitySeconds * 1000;
      return false;
    }
    const t: Tracked = {
      message,
      pending: records,
      failed: false,
      deferSeconds: 0,
      visibleAt: receivedAt + this.options.visibilitySeconds * 1000,
      settled: false,
    };
    this.tracked.set(message.messageId, t);
    if (records === 0) this.settle(t);
    return true;
  }

  /** `count` records of the message are loaded or deliberately skipped. */
  resolve(messageId: string, count = 1): Settlement | null {
    const t = this.tracked.get(messageId);
    if (!t) return null;
    t.pending -= count;
    return t.pending <= 0 ? this.settle(t) : null;
  }

  /** A record failed: the message stays in the queue and comes back after a backoff. */
  fail(messageId: string, count = 1): Settlement | null {
    const t = this.tracked.get(messageId);
    if (!t) return null;
    t.failed = true;
    return this.resolve(messageId, count);
  }

  /** A record is held by another worker: come back after `seconds`, without counting a failure. */
  defer(messageId: string, seconds: number, count = 1): Settlement | null {
    const t = this.tracked.get(messageId);
    if (!t) return null;
    t.deferSeconds = Math.max(t.deferSeconds, seconds);
    return this.resolve(messageId, count);
  }

  /** Gives a message back to the queue at once (visibility 0), e.g. when stopping. */
  release(messageId: string): void {
    const t = this.tracked.get(messageId);
    if (!t || t.settled) return;
    t.settled = true;
    this.tracked.delete(messageId);
    this.options.onReturned?.("released");
    this.pendingChanges.push({ t, seconds: 0 });
    this.scheduleFlush();
  }

  /** Stops tracking without touching the queue: the visibility timeout brings the message back. */
  abandon(messageId: string): void {
    const t = this.tracked.get(messageId);
    if (!t) return;
    t.settled = true;
    this.tracked.delete(messageId);
    this.options.onReturned?.("abandoned");
  }

  private settle(t: Tracked): Settlement | null {
    if (t.settled) return null;
    t.settled = true;
    this.tracked.delete(t.message.messageId);
    let outcome: Settlement;
    if (t.failed) {
      this.settled.retried++;
      this.options.onReturned?.("retry");
      const seconds = backoff(t.message.receiveCount, this.options.backoffBaseSeconds, this.options.backoffMaxSeconds);
      this.pendingChanges.push({ t, seconds });
      outcome = "retry";
    } else if (t.deferSeconds > 0) {
      this.settled.deferred++;
      this.options.onReturned?.("deferred");
      this.pendingChanges.push({ t, seconds: t.deferSeconds });
      outcome = "deferred";
    } else {
      this.settled.deleted++;
      this.pendingDeletes.push(t);
      outcome = "deleted";
    }
    this.scheduleFlush();
    return outcome;
  }

  /** Message ids still tracked (received, not settled). */
  trackedIds(): string[] {
    return [...this.tracked.keys()];
  }

  /**
   * Extends the visibility of messages that would become visible within half a timeout.
   * Call every few seconds.
   */
  async heartbeat(): Promise<number> {
    const now = this.now();
    const horizon = (this.options.visibilitySeconds * 1000) / 2;
    // A settled message whose delete waits for its batch's record (holdDeletes) is still ours
    // until then: were it let go, SQS would hand it out again and it would be deleted twice.
    const waiting = this.pendingDeletes.filter((t) => this.heldDeletes.has(t.message.messageId));
    const due = [...this.tracked.values(), ...waiting].filter((t) => t.visibleAt - now < horizon);
    for (const t of due) t.visibleAt = now + this.options.visibilitySeconds * 1000;
    for (let i = 0; i < due.length; i += 10) {
      const chunk = due.slice(i, i + 10);
      try {
        const failed = await this.queue.changeVisibilityBatch(
          chunk.map((t) => ({
            id: t.message.messageId,
            receiptHandle: t.message.receiptHandle,
            visibilitySeconds: this.options.visibilitySeconds,
          })),
        );
        for (const f of failed) this.options.onQueueError?.(`extend visibility of ${f.id}`, new Error(`${f.code}: ${f.message}`));
      } catch (error) {
        this.options.onQueueError?.("extend visibility", error);
      }
    }
    return due.length;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.track_(this.flushNow());
    });
  }

  private track_(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /**
   * Until the returned function is called, these messages are not deleted once settled (their
   * deletes wait; other messages' go out as usual): a batch holds its messages' deletes until its
   * run and ledger are recorded, so a worker that dies in between leaves them in the queue instead
   * of loaded rows that no ledger or counter knows of.
   */
  holdDeletes(messageIds: Iterable<string>): (options?: { drop?: boolean }) => void {
    const ids = [...new Set(messageIds)];
    for (const id of ids) this.heldDeletes.set(id, (this.heldDeletes.get(id) ?? 0) + 1);
    let released = false;
    return ({ drop = false } = {}) => {
      if (released) return;
      released = true;
      for (const id of ids) {
        const n = (this.heldDeletes.get(id) ?? 1) - 1;
        if (n > 0) this.heldDeletes.set(id, n);
        else this.heldDeletes.delete(id);
      }
      if (drop) {
        // The run was not recorded: the deletes are dropped and the messages come back after
        // their visibility timeout, when the ledger's claims tell what was loaded.
        const dropped = new Set(ids);
        this.pendingDeletes = this.pendingDeletes.filter((t) => !dropped.has(t.message.messageId));
      }
      if (this.pendingDeletes.length > 0) this.scheduleFlush();
    };
  }

  private async flushNow(): Promise<void> {
    const deletes = this.pendingDeletes.filter((t) => !this.heldDeletes.has(t.message.messageId));
    const changes = this.pendingChanges;
    this.pendingDeletes = this.pendingDeletes.filter((t) => this.heldDeletes.has(t.message.messageId));
    this.pendingChanges = [];
    const calls: Promise<void>[] = [];
    for (let i = 0; i < deletes.length; i += 10) {
      const chunk = deletes.slice(i, i + 10);
      calls.push(
        this.queue
          .deleteBatch(chunk.map((t) => ({ id: t.message.messageId, receiptHandle: t.message.receiptHandle })))
          .then(
            (failed) => {
              // A failed delete (an expired receipt handle) means the message comes back; the
              // ledger and Databend's load metadata then drop it as a duplicate.
              for (const f of failed) this.options.onQueueError?.(`delete ${f.id}`, new Error(`${f.code}: ${f.message}`));
              this.options.onDeleted?.(chunk.length - failed.length);
            },
            (error) => this.options.onQueueError?.("delete messages", error),
          ),
      );
    }
    for (let i = 0; i < changes.length; i += 10) {
      const chunk = changes.slice(i, i + 10);
      calls.push(
        this.queue
          .changeVisibilityBatch(
            chunk.map(({ t, seconds }) => ({
              id: t.message.messageId,
              receiptHandle: t.message.receiptHandle,
              visibilitySeconds: seconds,
            })),
          )
          .then(
            (failed) => {
              for (const f of failed) this.options.onQueueError?.(`change visibility of ${f.id}`, new Error(`${f.code}: ${f.message}`));
            },
            (error) => this.options.onQueueError?.("change visibility", error),
          ),
      );
    }
    await Promise.all(calls);
  }

  /** Waits until every delete and visibility change asked for so far has been sent. */
  async flush(): Promise<void> {
    if (this.flushScheduled) {
      this.flushScheduled = false;
      this.track_(this.flushNow());
    } else if (this.pendingDeletes.length > 0 || this.pendingChanges.length > 0) {
      this.track_(this.flushNow());
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

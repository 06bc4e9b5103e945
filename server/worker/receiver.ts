// The receive side of a task runner: several long polls in flight, each message parsed into batch
// items and tracked by the acknowledger, objects the ledger already loaded marked as duplicates
// early. Receiving pauses while the runner is busy (full batcher, Databend unreachable) and backs
// off after errors; AWS refusals that persist fail the task.
import type { Logger } from "pino";
import { PERMANENT_AWS_KINDS, classifyAwsError } from "../aws/errors.ts";
import { scrubSecrets } from "../databend/sql.ts";
import type { TaskStore } from "../store/tasks.ts";
import type { Acknowledger } from "./acknowledger.ts";
import type { WorkerConfig } from "./config.ts";
import { parseBody, type TaskScope } from "./events.ts";
import type { MessageQueue, QueueMessage } from "./queue.ts";
import { errorText, excerpt, ledgerObject, sleep, type BatchItem } from "./runner-support.ts";

/** Permanent AWS refusals in a row before the task fails (one could be a blip in IAM propagation). */
const FATAL_AFTER = 3;

export interface ReceiverDeps {
  taskId: string;
  scope: TaskScope;
  queue: MessageQueue;
  ack: Acknowledger;
  store: TaskStore;
  cfg: WorkerConfig;
  log: Logger;
  /** Whether receiving should wait (batcher full, too much tracked, Databend unreachable). */
  busy(): boolean;
  stopping(): boolean;
  /** Hands parsed items to the batcher. */
  add(item: BatchItem): void;
  fail(reason: string): void;
}

export class Receiver {
  private readonly deps: ReceiverDeps;
  /** Aborts waits at once on stop; long polls get their own signal (see `abortPolls`). */
  private readonly stopSignal = new AbortController();
  private readonly pollSignal = new AbortController();
  private pausedUntil = 0;
  private failures = 0;
  private fatalStreak = 0;
  private received = 0;

  constructor(deps: ReceiverDeps) {
    this.deps = deps;
  }

  /** Messages received since the last call (for the next run record). */
  takeReceivedCount(): number {
    const n = this.received;
    this.received = 0;
    return n;
  }

  /** Holds receiving off for a while (e.g. S3 refused Databend: fresh credentials need time). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
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

  async loop(index: number): Promise<void> {
    const { deps } = this;
    const signal = this.stopSignal.signal;
    // Spread the first calls a little so loops do not move in lockstep.
    await sleep(index * 25, signal);
    while (!deps.stopping()) {
      if (deps.busy() || Date.now() < this.pausedUntil) {
        await sleep(Math.min(100, Math.max(10, this.pausedUntil - Date.now())), signal);
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await deps.queue.receive({
          maxMessages: 10,
          waitSeconds: deps.cfg.waitSeconds,
          visibilitySeconds: deps.cfg.visibilitySeconds,
          signal: this.pollSignal.signal,
        });
        this.fatalStreak = 0;
        if (messages.length > 0) deps.log.debug({ loop: index, messages: messages.length }, "received");
      } catch (error) {
        if (deps.stopping()) break;
        await this.onError(error);
        continue;
      }
      if (deps.stopping()) {
        // Received while stopping: give them straight back.
        for (const m of messages) {
          deps.ack.track(m, 1);
          deps.ack.release(m.messageId);
        }
        break;
      }
      try {
        await this.accept(messages);
      } catch (error) {
        // Never lose the loop: give the messages back and note why.
        deps.log.error({ err: errorText(error) }, "handling received messages failed");
        for (const m of messages) deps.ack.release(m.messageId);
      }
    }
  }

  private async onError(error: unknown): Promise<void> {
    const text = scrubSecrets(errorText(error));
    if (PERMANENT_AWS_KINDS.has(classifyAwsError(error).kind)) {
      this.fatalStreak++;
      if (this.fatalStreak >= FATAL_AFTER) {
        this.deps.fail(`Cannot read the queue: ${excerpt(text, 300)}`);
        return;
      }
    }
    this.failures++;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(6, this.failures - 1));
    this.deps.log.warn({ err: text, retryInMs: delay }, "receive failed");
    await this.deps.store.reportError(this.deps.taskId, `Receive failed: ${excerpt(text, 300)}`);
    this.pauseFor(delay);
  }

  /** Parses received messages into batch items; marks objects the ledger says are loaded. */
  async accept(messages: QueueMessage[]): Promise<void> {
    const { deps } = this;
    const items: BatchItem[] = [];
    for (const message of messages) {
      if (deps.ack.has(message.messageId)) {
        // SQS handed us a message we are still working on: keep the newer receipt handle only.
        deps.ack.track(message, 0);
        continue;
      }
      this.received++;
      const parsed = parseBody(message.body, deps.scope);
      const mine: BatchItem[] = [];
      if (parsed.kind === "invalid") mine.push({ kind: "invalid", messageId: message.messageId, reason: parsed.reason });
      else if (parsed.kind === "test_event") mine.push({ kind: "test", messageId: message.messageId, bucket: parsed.bucket });
      else {
        for (const record of parsed.records) {
          if (record.kind === "skip") mine.push({ kind: "skip", messageId: message.messageId, key: record.key, reason: record.reason });
          else mine.push({ kind: "object", messageId: message.messageId, object: record.object });
        }
      }
      deps.ack.track(message, mine.length);
      items.push(...mine);
    }
    const objects = items.filter((i) => i.kind === "object");
    if (objects.length > 0) {
      const loaded = await deps.store.loadedAmong(deps.taskId, objects.map((i) => ledgerObject(i.object, i.messageId)));
      objects.forEach((item, index) => {
        if (loaded.has(index)) (item as BatchItem).kind = "duplicate";
      });
    }
    // A stop may have begun while the store answered: give them back as above.
    if (deps.stopping()) {
      for (const id of new Set(items.map((i) => i.messageId))) deps.ack.release(id);
      return;
    }
    for (const item of items) deps.add(item);
    deps.log.debug({ items: items.length, tracked: deps.ack.size }, "accepted");
  }
}

// One running task: receive -> parse -> batch -> load -> acknowledge (the pipeline shape of
// Vector's aws_s3 source). Several receives are in flight; parsed records wait in the batcher;
// each batch is loaded with one COPY INTO; a message is deleted once all its records are loaded or
// deliberately skipped, and otherwise comes back after a backoff.
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { parseQueueUrl, partitionOfRegion } from "../../src/contracts/aws-names.ts";
import type { RunError, RunSkip, RunStatus } from "../../src/contracts/task.ts";
import {
  assumedRoleCredentials,
  canonicalQueueUrl,
  createS3Client,
  createSqsClient,
  resolveEndpoint,
  roleSessionName,
  stsRegionFor,
  type AwsClientOptions,
} from "../aws/clients.ts";
import { WarehouseError, toWarehouseError, type Warehouse } from "../databend/client.ts";
import { buildCopyInto, scrubSecrets, secretsOf, type S3Connection } from "../databend/sql.ts";
import type { LedgerObject, RunnableTask, TaskStore } from "../store/tasks.ts";
import { Acknowledger, type Settlement } from "./acknowledger.ts";
import { Batcher } from "./batcher.ts";
import type { WorkerConfig } from "./config.ts";
import { CredentialCache } from "./credentials.ts";
import { parseBody, type S3ObjectRef, type TaskScope } from "./events.ts";
import { loadKeys } from "./loader.ts";
import { SqsQueue, type MessageQueue, type QueueMessage } from "./queue.ts";

/** What the receive side hands to the batcher: one entry per record (or per message without records). */
export type BatchItem =
  | { kind: "object"; messageId: string; object: S3ObjectRef }
  | { kind: "duplicate"; messageId: string; object: S3ObjectRef }
  | { kind: "skip"; messageId: string; key: string | undefined; reason: string }
  | { kind: "test"; messageId: string; bucket: string | undefined }
  | { kind: "invalid"; messageId: string; reason: string };

export interface RunnerDeps {
  store: TaskStore;
  warehouse: Warehouse;
  config: WorkerConfig;
  log: Logger;
  /** The platform load identity and endpoint overrides (default: SDK chain and environment). */
  aws?: AwsClientOptions;
  /** Replaces the SQS queue (tests of the pipeline without a network). */
  queue?: MessageQueue;
  /** Called once the runner ended by itself (task failed). */
  onExit?: (reason: string) => void;
}

/** AWS errors after which retrying will not help until someone changes the AWS side. */
const FATAL_AWS = /AccessDenied|NonExistentQueue|QueueDoesNotExist|InvalidClientTokenId|UnrecognizedClient|NoSuchEntity|InvalidAddress|SignatureDoesNotMatch/i;
const FATAL_AFTER = 3;
const RUN_LIST_CAP = 200;

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    return `${name}${error.message}`.replace(/\s+/g, " ").trim();
  }
  return String(error);
}

function excerpt(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export class TaskRunner {
  readonly task: RunnableTask;
  private readonly deps: RunnerDeps;
  private readonly log: Logger;
  private readonly cfg: WorkerConfig;
  private readonly scope: TaskScope;
  private readonly queue: MessageQueue;
  private readonly ack: Acknowledger;
  private readonly batcher: Batcher<BatchItem>;
  private readonly credentials: CredentialCache;
  private readonly s3: S3Client | undefined;
  private readonly sqs: SQSClient | undefined;
  private readonly abort = new AbortController();
  private readonly loads = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private abandoned = false;
  private pausedUntil = 0;
  private consecutiveFailures = 0;
  private fatalStreak = 0;
  private receivedSinceRun = 0;
  private pausedAfterCopy = false;
  /** Resolves when the runner has fully stopped. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(task: RunnableTask, deps: RunnerDeps) {
    this.task = task;
    this.deps = deps;
    this.cfg = deps.config;
    this.log = deps.log.child({ task: task.id, taskName: task.config.name });
    this.scope = { bucket: task.source.bucket, prefix: task.config.prefix, suffix: task.config.suffix };
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const region = task.source.queue_region;
    const aws = deps.aws ?? {};
    this.credentials = new CredentialCache(
      assumedRoleCredentials({
        ...aws,
        roleArn: task.source.role_arn,
        // The org's ID is the External ID; the API only saves data sources whose external_id equals it.
        externalId: task.org_id,
        sessionName: roleSessionName("load", task.org_id),
        durationSeconds: this.cfg.roleSessionSeconds,
        stsRegion: stsRegionFor(partitionOfRegion(region)),
      }),
    );
    if (deps.queue) {
      this.queue = deps.queue;
    } else {
      const parsed = parseQueueUrl(task.source.queue_url);
      if (!parsed) throw new Error(`Queue URL ${task.source.queue_url} cannot be parsed`);
      // Long polls outlast the default request timeout.
      const timeouts = { connectionMs: 3_000, requestMs: (this.cfg.waitSeconds + 10) * 1000 };
      this.sqs = createSqsClient(region, this.credentials.provider, { ...aws, timeouts, maxAttempts: 3 });
      this.queue = new SqsQueue(this.sqs, canonicalQueueUrl(parsed.region, parsed.accountId, parsed.queueName));
    }
    this.s3 = createS3Client(region, this.credentials.provider, { ...aws, maxAttempts: 2 });
    this.ack = new Acknowledger(this.queue, {
      visibilitySeconds: this.cfg.visibilitySeconds,
      backoffBaseSeconds: this.cfg.backoffBaseSeconds,
      backoffMaxSeconds: this.cfg.backoffMaxSeconds,
      onDeleted: (count) => this.deps.store.addCounters(this.task.id, { messages_deleted: count }),
      onQueueError: (what, error) => this.log.warn({ err: errorText(error) }, `SQS: ${what} failed`),
    });
    this.batcher = new Batcher<BatchItem>({
      maxItems: this.cfg.batchMaxFiles,
      lingerMs: this.cfg.batchLingerMs,
      hasRoom: () => !this.stopping && this.loads.size < this.cfg.loadConcurrency,
      onBatch: (items) => this.startBatch(items),
    });
  }

  get version(): string {
    return this.task.version;
  }

  /** AssumeRole calls made so far (credentials are refreshed before they expire). */
  get credentialRefreshes(): number {
    return this.credentials.refreshes;
  }

  start(): void {
    this.log.info({ queue: this.task.source.queue_url, target: this.task.config.target }, "task started");
    this.deps.store.reportRunning(this.task.id, this.cfg.workerId);
    for (let i = 0; i < this.cfg.receiveConcurrency; i++) this.loops.push(this.receiveLoop(i));
    const every = Math.max(200, Math.min(5_000, (this.cfg.visibilitySeconds * 1000) / 4));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), every);
  }

  private async heartbeat(): Promise<void> {
    if (this.abandoned) return;
    try {
      await this.ack.heartbeat();
      if (!this.stopping) this.deps.store.reportRunning(this.task.id, this.cfg.workerId);
    } catch (error) {
      this.log.warn({ err: errorText(error) }, "heartbeat failed");
    }
  }

  // ---- receive ---------------------------------------------------------------------------------

  private busy(): boolean {
    return this.batcher.full || this.ack.size >= this.cfg.batchMaxFiles * (this.cfg.loadConcurrency + 1);
  }

  private async receiveLoop(index: number): Promise<void> {
    const signal = this.abort.signal;
    // Spread the first calls a little so loops do not move in lockstep.
    await sleep(index * 25, signal);
    while (!this.stopping) {
      if (this.busy() || Date.now() < this.pausedUntil) {
        await sleep(Math.min(100, Math.max(10, this.pausedUntil - Date.now())), signal);
        continue;
      }
      let messages: QueueMessage[];
      try {
        // Not aborted on stop: a long poll cut off client-side can still take a message on the
        // server, which would then stay invisible for a whole timeout. Stop waits for it instead.
        messages = await this.queue.receive({
          maxMessages: 10,
          waitSeconds: this.cfg.waitSeconds,
          visibilitySeconds: this.cfg.visibilitySeconds,
        });
        this.fatalStreak = 0;
        if (messages.length > 0) this.log.debug({ loop: index, messages: messages.length }, "received");
      } catch (error) {
        if (this.stopping) break;
        await this.onReceiveError(error);
        continue;
      }
      if (this.stopping) {
        // Received while stopping: give them straight back.
        for (const m of messages) {
          this.ack.track(m, 1);
          this.ack.release(m.messageId);
        }
        break;
      }
      try {
        this.accept(messages);
      } catch (error) {
        // Never lose the loop: give the messages back and note why.
        this.log.error({ err: errorText(error) }, "handling received messages failed");
        for (const m of messages) this.ack.release(m.messageId);
      }
    }
  }

  private async onReceiveError(error: unknown): Promise<void> {
    const text = scrubSecrets(errorText(error));
    if (FATAL_AWS.test(text)) {
      this.fatalStreak++;
      if (this.fatalStreak >= FATAL_AFTER) {
        this.fail(`Cannot read the queue: ${excerpt(text, 300)}`);
        return;
      }
    }
    this.consecutiveFailures++;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(6, this.consecutiveFailures - 1));
    this.log.warn({ err: text, retryInMs: delay }, "receive failed");
    this.deps.store.reportError(this.task.id, `Receive failed: ${excerpt(text, 300)}`);
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
  }

  /** Parses received messages into batch items; drops objects the ledger says are loaded. */
  accept(messages: QueueMessage[]): void {
    const items: BatchItem[] = [];
    for (const message of messages) {
      if (this.ack.has(message.messageId)) {
        // SQS handed us a message we are still working on: keep the newer receipt handle only.
        this.ack.track(message, 0);
        continue;
      }
      this.receivedSinceRun++;
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
      this.ack.track(message, mine.length);
      items.push(...mine);
    }
    // Early duplicate drop: the ledger knows objects this task already loaded.
    const objects = items.filter((i) => i.kind === "object");
    if (objects.length > 0) {
      const loaded = this.deps.store.loadedAmong(this.task.id, objects.map((i) => this.ledgerObject(i.object, i.messageId)));
      objects.forEach((item, index) => {
        if (loaded.has(index)) (item as BatchItem).kind = "duplicate";
      });
    }
    for (const item of items) this.batcher.add(item);
    this.log.debug({ items: items.length, buffered: this.batcher.size, tracked: this.ack.size }, "accepted");
  }

  private ledgerObject(object: S3ObjectRef, messageId?: string): LedgerObject {
    return { bucket: object.bucket, key: object.key, etag: object.eTag, sequencer: object.sequencer, message_id: messageId };
  }

  // ---- load ------------------------------------------------------------------------------------

  private startBatch(items: BatchItem[]): void {
    this.log.debug({ items: items.length, loads: this.loads.size }, "batch closed");
    const p = this.processBatch(items).catch((error) => {
      this.log.error({ err: errorText(error) }, "batch failed unexpectedly");
      for (const item of items) this.ack.fail(item.messageId);
    });
    this.loads.add(p);
    void p.finally(() => {
      this.loads.delete(p);
      this.batcher.poke();
    });
  }

  private async connection(): Promise<S3Connection> {
    // A COPY must not start with keys that expire while it runs.
    const creds = await this.credentials.get(Math.min(10 * 60_000, (this.cfg.roleSessionSeconds * 1000) / 3));
    return {
      region: this.task.source.queue_region,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      endpointUrl: this.cfg.copyEndpointUrl ?? resolveEndpoint("s3", this.deps.aws ?? {}),
    };
  }

  private async copy(keys: readonly string[]): Promise<import("../databend/client.ts").CopyFileResult[]> {
    let connection: S3Connection;
    try {
      connection = await this.connection();
    } catch (error) {
      throw new WarehouseError("access", `Cannot assume the data source's role: ${scrubSecrets(errorText(error))}`);
    }
    const sql = buildCopyInto({
      database: this.task.config.target.database,
      table: this.task.config.target.table,
      bucket: this.task.source.bucket,
      files: keys,
      connection,
      fileFormat: this.task.config.file_format,
      onError: this.task.config.on_error,
      purge: this.task.config.purge,
    });
    const secrets = secretsOf(connection);
    const results = await this.deps.warehouse.copyInto(sql, secrets).catch((error) => {
      throw toWarehouseError(error, secrets);
    });
    if (this.cfg.testPauseAfterCopy && !this.pausedAfterCopy) {
      this.pausedAfterCopy = true;
      process.stdout.write(`WORKER_TEST_PAUSED_AFTER_COPY ${JSON.stringify({ task: this.task.id, files: keys.length })}\n`);
      await new Promise(() => {});
    }
    return results;
  }

  private async objectExists(key: string): Promise<boolean | undefined> {
    if (!this.s3) return undefined;
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.task.source.bucket, Key: key }));
      return true;
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return false;
      return undefined;
    }
  }

  private async processBatch(items: BatchItem[]): Promise<void> {
    const startedAt = new Date().toISOString();
    const skipped: RunSkip[] = [];
    const errors: RunError[] = [];
    const settlements = new Map<string, Settlement>();
    const note = (id: string, s: Settlement | null) => {
      if (s) settlements.set(id, s);
    };
    const messageIds = new Set(items.map((i) => i.messageId));
    const withObjects = new Set<string>();
    let objectsLoaded = 0;
    let objectsDuplicate = 0;
    let rowsLoaded = 0;
    let statements = 0;
    let fatal: string | undefined;

    for (const item of items) {
      switch (item.kind) {
        case "skip":
          skipped.push({ message_id: item.messageId, ...(item.key !== undefined ? { key: item.key } : {}), reason: item.reason });
          note(item.messageId, this.ack.resolve(item.messageId));
          break;
        case "test":
          skipped.push({ message_id: item.messageId, reason: "s3:TestEvent (S3 sends it when a notification is configured); acknowledged" });
          note(item.messageId, this.ack.resolve(item.messageId));
          break;
        case "invalid":
          if (this.deps.store.firstErrorFor(this.task.id, item.messageId)) {
            errors.push({
              message_id: item.messageId,
              error: `Not an S3 event notification; left to the queue's redrive policy: ${item.reason}`,
            });
          }
          note(item.messageId, this.ack.fail(item.messageId));
          break;
        case "duplicate":
          withObjects.add(item.messageId);
          objectsDuplicate++;
          note(item.messageId, this.ack.resolve(item.messageId));
          break;
        case "object":
          withObjects.add(item.messageId);
          break;
      }
    }

    // Objects: claim, load with one COPY, settle their messages.
    const byKey = new Map<string, { object: S3ObjectRef; messageIds: string[] }>();
    for (const item of items) {
      if (item.kind !== "object") continue;
      const entry = byKey.get(item.object.key);
      if (entry) entry.messageIds.push(item.messageId);
      else byKey.set(item.object.key, { object: item.object, messageIds: [item.messageId] });
    }
    const loadedLedger: (LedgerObject & { rows: number })[] = [];
    if (byKey.size > 0) {
      const ledger = [...byKey.values()].map((e) => this.ledgerObject(e.object, e.messageIds[0]));
      const leaseMs = this.cfg.claimLeaseSeconds * 1000;
      const claim = this.deps.store.claim(this.task.id, this.cfg.workerId, ledger, leaseMs);
      for (const o of claim.loaded) {
        for (const id of byKey.get(o.key)!.messageIds) {
          objectsDuplicate++;
          note(id, this.ack.resolve(id));
        }
      }
      for (const { object, leaseMsLeft } of claim.held) {
        // Another worker is loading this object now; look again when its claim would have ended.
        const seconds = Math.max(1, Math.min(this.cfg.visibilitySeconds, Math.ceil(leaseMsLeft / 1000)));
        for (const id of byKey.get(object.key)!.messageIds) note(id, this.ack.defer(id, seconds));
      }
      if (claim.claimed.length > 0) {
        const extend = setInterval(
          () => {
            try {
              this.deps.store.extendClaims(this.task.id, this.cfg.workerId, claim.claimed, leaseMs);
            } catch (error) {
              this.log.warn({ err: errorText(error) }, "extending claims failed");
            }
          },
          Math.max(500, leaseMs / 3),
        );
        let result;
        try {
          result = await loadKeys(
            claim.claimed.map((o) => o.key),
            {
              copy: (keys) => this.copy(keys),
              objectExists: (key) => this.objectExists(key),
              maxStatements: this.cfg.maxStatementsPerBatch,
            },
            this.task.source.bucket,
          );
        } finally {
          clearInterval(extend);
        }
        if (this.abandoned) return; // stop gave up on this batch: its messages stay in the queue
        statements = result.statements;
        const release: LedgerObject[] = [];
        for (const outcome of result.outcomes) {
          const entry = byKey.get(outcome.key)!;
          const ledgerEntry = this.ledgerObject(entry.object, entry.messageIds[0]);
          switch (outcome.status) {
            case "loaded":
              objectsLoaded++;
              rowsLoaded += outcome.rows;
              loadedLedger.push({ ...ledgerEntry, rows: outcome.rows });
              if (outcome.errorsSeen > 0) {
                errors.push({
                  message_id: entry.messageIds[0],
                  key: outcome.key,
                  error: excerpt(
                    `${outcome.errorsSeen} bad row(s) skipped (ON_ERROR = CONTINUE); first${outcome.firstErrorLine !== null ? ` at line ${outcome.firstErrorLine}` : ""}: ${outcome.firstError ?? "unknown"}`,
                  ),
                });
              }
              for (const id of entry.messageIds) note(id, this.ack.resolve(id));
              break;
            case "duplicate":
              objectsDuplicate++;
              loadedLedger.push({ ...ledgerEntry, rows: 0 });
              for (const id of entry.messageIds) note(id, this.ack.resolve(id));
              break;
            case "missing":
              release.push(ledgerEntry);
              for (const id of entry.messageIds) {
                skipped.push({ message_id: id, key: outcome.key, reason: "object no longer exists in the bucket; nothing to load" });
                note(id, this.ack.resolve(id));
              }
              break;
            case "failed":
              release.push(ledgerEntry);
              for (const id of entry.messageIds) {
                errors.push({ message_id: id, key: outcome.key, error: excerpt(outcome.error) });
                note(id, this.ack.fail(id));
              }
              break;
          }
        }
        if (release.length > 0) this.deps.store.releaseClaims(this.task.id, this.cfg.workerId, release);
        const stop = result.stoppedBy;
        if (stop) {
          if (stop.kind === "target") {
            fatal = `Target table ${this.task.config.target.database}.${this.task.config.target.table} is not usable: ${excerpt(stop.message, 300)}`;
          } else {
            // Databend unreachable or access refused: hold off receiving for a while.
            this.consecutiveFailures++;
            const delay = Math.min(30_000, 1000 * 2 ** Math.min(5, this.consecutiveFailures - 1));
            this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
            this.log.warn({ err: stop.message, kind: stop.kind, pauseMs: delay }, "load failed; messages stay in the queue");
          }
        } else {
          this.consecutiveFailures = 0;
        }
      }
    }

    let deleted = 0;
    let messagesSkipped = 0;
    for (const [id, s] of settlements) {
      if (s !== "deleted") continue;
      deleted++;
      if (!withObjects.has(id)) messagesSkipped++;
    }
    // A run succeeded when every message in it was deleted (or handed to the worker holding it).
    const retried = [...settlements.values()].filter((s) => s === "retry").length;
    const status: RunStatus =
      errors.length === 0 && retried === 0 ? "succeeded" : objectsLoaded > 0 || deleted > 0 ? "partial" : "failed";
    const received = this.receivedSinceRun;
    this.receivedSinceRun = 0;
    const run = this.deps.store.finishBatch(
      {
        task_id: this.task.id,
        worker_id: this.cfg.workerId,
        started_at: startedAt,
        ended_at: new Date().toISOString(),
        status,
        messages: messageIds.size,
        messages_deleted: deleted,
        messages_skipped: messagesSkipped,
        objects_loaded: objectsLoaded,
        objects_duplicate: objectsDuplicate,
        rows_loaded: rowsLoaded,
        copy_statements: statements,
        skipped: skipped.slice(0, RUN_LIST_CAP),
        errors: errors.slice(0, RUN_LIST_CAP),
        messages_received: received,
      },
      loadedLedger,
      this.cfg.workerId,
    );
    this.log.info(
      {
        run: run.id,
        status,
        messages: run.messages,
        objects: objectsLoaded,
        duplicates: objectsDuplicate,
        rows: rowsLoaded,
        statements,
        errors: errors.length,
      },
      "batch done",
    );
    if (fatal) this.fail(fatal);
  }

  // ---- stop ------------------------------------------------------------------------------------

  /** The task cannot go on until someone fixes something: report it failed and stop. */
  private fail(reason: string): void {
    if (this.stopping) return;
    this.log.error({ reason }, "task failed");
    this.deps.store.reportFailed(this.task.id, this.cfg.workerId, reason);
    void this.stop("failed").then(() => this.deps.onExit?.(reason));
  }

  /**
   * Stops receiving, gives back messages still waiting in the batcher, lets in-flight batches
   * finish (up to the grace time; then abandons them without deleting their messages) and
   * reports the state.
   */
  async stop(why: "stopped" | "shutdown" | "reconfigured" | "failed"): Promise<void> {
    if (this.stopping) return this.finished;
    this.stopping = true;
    this.abort.abort();
    const waiting = this.batcher.takeAll();
    this.batcher.close();
    for (const id of new Set(waiting.map((i) => i.messageId))) this.ack.release(id);
    const inFlight = Promise.all([...this.loads]);
    let timer: NodeJS.Timeout | undefined;
    const finishedInTime = await Promise.race([
      inFlight.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.cfg.stopGraceMs))),
    ]);
    clearTimeout(timer);
    if (!finishedInTime) {
      this.abandoned = true;
      const ids = this.ack.trackedIds();
      for (const id of ids) this.ack.abandon(id);
      this.log.warn({ messages: ids.length }, "stop: abandoned the in-flight batch; its messages stay in the queue");
      const at = new Date().toISOString();
      this.deps.store.finishBatch(
        {
          task_id: this.task.id,
          worker_id: this.cfg.workerId,
          started_at: at,
          ended_at: at,
          status: "abandoned",
          messages: ids.length,
          messages_deleted: 0,
          messages_skipped: 0,
          objects_loaded: 0,
          objects_duplicate: 0,
          rows_loaded: 0,
          copy_statements: 0,
          skipped: [],
          errors: [{ error: `Stopping: the batch did not finish within ${this.cfg.stopGraceMs} ms; its messages stay in the queue and are loaded later` }],
          messages_received: this.receivedSinceRun,
        },
        [],
        this.cfg.workerId,
      );
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.ack.flush();
    await Promise.allSettled(this.loops);
    if (why !== "failed" && why !== "reconfigured") {
      this.deps.store.reportStopped(this.task.id, this.cfg.workerId, why === "shutdown" ? "Worker shut down; the task resumes when a worker runs" : null);
    }
    this.sqs?.destroy();
    this.s3?.destroy();
    this.log.info({ why }, "task stopped");
    this.resolveFinished();
  }
}

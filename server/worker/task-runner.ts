// One running task: receive -> parse -> batch -> load -> acknowledge (the pipeline shape of
// Vector's aws_s3 source). The receiver keeps long polls in flight and parses messages into batch
// items; the batcher groups them; each batch's objects are loaded by version (version-loader.ts)
// and its messages settled by the acknowledger: deleted once all their records are loaded or
// deliberately skipped, otherwise back after a backoff. This file wires the pieces, records each
// batch's run and carries the start and stop protocol. A little over 300 lines, most of it the
// constructor wiring the pieces together, which reads best in one place.
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { parseQueueUrl, partitionOfRegion } from "#contracts/aws-names.ts";
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
import type { Warehouse } from "../databend/client.ts";
import { checkTarget, targetProblem } from "../databend/target-check.ts";
import type { RunnableTask, TaskStore } from "../store/tasks.ts";
import { Acknowledger } from "./settle.ts";
import { Backfiller } from "./backfill.ts";
import { Batcher } from "./batcher.ts";
import type { WorkerConfig } from "./config.ts";
import { Copier } from "./copier.ts";
import { CredentialCache } from "./credentials.ts";
import { taskMetrics, type TaskMetrics } from "./metrics.ts";
import { SqsQueue, type MessageQueue, type QueueMessage } from "./queue.ts";
import { Receiver, type BatchItem } from "./receive.ts";
import { BatchTally, abandonedRun } from "./run-record.ts";
import { errorText } from "../error-text.ts";
import { sleep } from "./backoff.ts";
import { VersionLoader } from "./load/load-versions.ts";

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

export class TaskRunner {
  readonly task: RunnableTask;
  private readonly deps: RunnerDeps;
  private readonly log: Logger;
  private readonly cfg: WorkerConfig;
  private readonly ack: Acknowledger;
  private readonly batcher: Batcher<BatchItem>;
  private readonly credentials: CredentialCache;
  private readonly s3: S3Client | undefined;
  private readonly sqs: SQSClient | undefined;
  private readonly receiver: Receiver;
  private readonly versions: VersionLoader;
  private readonly metrics: TaskMetrics;
  private readonly backfill: Backfiller;
  private readonly abort = new AbortController();
  private readonly loads = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private abandoned = false;
  /** Batches holding because Databend does not answer (receiving pauses meanwhile). */
  private holding = 0;
  private receivingNow = false;
  /** Resolves when the runner has fully stopped. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(task: RunnableTask, deps: RunnerDeps) {
    this.task = task;
    this.deps = deps;
    this.cfg = deps.config;
    this.log = deps.log.child({ task: task.id, taskName: task.config.name });
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const region = task.source.queue_region;
    const aws = deps.aws ?? {};
    const metrics = (this.metrics = taskMetrics(task.id));
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
      Date.now,
      () => metrics.credentialRefresh(),
    );
    let queue = deps.queue;
    if (!queue) {
      const parsed = parseQueueUrl(task.source.queue_url);
      if (!parsed) throw new Error(`Queue URL ${task.source.queue_url} cannot be parsed`);
      // Long polls outlast the default request timeout.
      const timeouts = { connectionMs: 3_000, requestMs: (this.cfg.waitSeconds + 10) * 1000 };
      this.sqs = createSqsClient(region, this.credentials.provider, { ...aws, timeouts, maxAttempts: 3 });
      queue = new SqsQueue(this.sqs, canonicalQueueUrl(parsed.region, parsed.accountId, parsed.queueName));
    }
    this.s3 = createS3Client(region, this.credentials.provider, { ...aws, maxAttempts: 2 });
    const copier = new Copier({
      task,
      warehouse: deps.warehouse,
      credentials: this.credentials,
      s3: this.s3,
      endpointUrl: this.cfg.copyEndpointUrl ?? resolveEndpoint("s3", aws),
      metadataHours: this.cfg.loadMetadataHours,
      roleSessionSeconds: this.cfg.roleSessionSeconds,
      metrics,
    });
    this.ack = new Acknowledger(queue, {
      visibilitySeconds: this.cfg.visibilitySeconds,
      backoffBaseSeconds: this.cfg.backoffBaseSeconds,
      backoffMaxSeconds: this.cfg.backoffMaxSeconds,
      onReturned: (reason) => metrics.returned(reason),
      // The task's messages_deleted is counted with the batch's record, before the delete (finishBatch).
      onDeleted: (count) => metrics.deleted(count),
      onQueueError: (what, error) => this.log.warn({ err: errorText(error) }, `SQS: ${what} failed`),
    });
    this.batcher = new Batcher<BatchItem>({
      maxItems: this.cfg.batchMaxFiles,
      lingerMs: this.cfg.batchLingerMs,
      hasRoom: () => !this.stopping && this.loads.size < this.cfg.loadConcurrency,
      onBatch: (items) => this.startBatch(items),
    });
    this.receiver = new Receiver({
      taskId: task.id,
      scope: { bucket: task.source.bucket, prefix: task.config.prefix, suffix: task.config.suffix },
      queue,
      ack: this.ack,
      store: deps.store,
      cfg: this.cfg,
      log: this.log,
      metrics,
      busy: () => this.holding > 0 || this.batcher.full || this.ack.size >= this.cfg.batchMaxFiles * (this.cfg.loadConcurrency + 1),
      stopping: () => this.stopping,
      add: (item) => this.batcher.add(item),
      fail: (reason, detail) => this.fail(reason, detail),
    });
    this.versions = new VersionLoader({
      task,
      cfg: this.cfg,
      store: deps.store,
      copier,
      ack: this.ack,
      log: this.log,
      stopping: () => this.stopping,
      abandoned: () => this.abandoned,
      signal: this.abort.signal,
      requeue: (item) => (this.stopping ? this.ack.release(item.messageId) : this.batcher.add(item)),
      pauseReceiving: (ms) => this.receiver.pauseFor(ms),
      holding: (delta) => (this.holding += delta),
      reportError: (message, detail) => this.deps.store.reportError(this.task.id, message, detail),
      clearError: (message) => this.deps.store.clearError(this.task.id, message),
    });
    this.backfill = new Backfiller({
      task,
      cfg: this.cfg,
      store: deps.store,
      s3: this.s3,
      versions: this.versions,
      log: this.log,
      metrics,
      stopping: () => this.stopping,
      abandoned: () => this.abandoned,
      signal: this.abort.signal,
      fail: (reason, detail) => this.fail(reason, detail),
    });
  }

  get version(): string {
    return this.task.version;
  }

  /** Whether the receive loops run (after the target check at start). */
  get receiving(): boolean {
    return this.receivingNow && !this.stopping;
  }

  /** AssumeRole calls made so far (credentials are refreshed before they expire). */
  get credentialRefreshes(): number {
    return this.credentials.refreshes;
  }

  /** Parses received messages into the batcher (exposed for pipeline tests without a queue). */
  accept(messages: QueueMessage[]): Promise<void> {
    return this.receiver.accept(messages);
  }

  start(): void {
    this.log.info({ queue: this.task.source.queue_url, target: this.task.config.target }, "task started");
    void this.deps.store.reportRunning(this.task.id, this.cfg.workerId).catch((error) => this.log.warn({ err: errorText(error) }, "reporting running failed"));
    this.loops.push(this.checkTargetThenReceive());
    const every = Math.max(200, Math.min(5_000, (this.cfg.visibilitySeconds * 1000) / 4));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), every);
  }

  /**
   * The target as Databend sees it, before the first message is taken: a missing table or a view
   * fails the task with the fix (the API checked it at start, but it may have changed since, and a
   * view's COPY error reads like a file error). Unreachable: receive anyway; loads hold and probe.
   */
  private async checkTargetThenReceive(): Promise<void> {
    const result = await checkTarget(this.deps.warehouse, this.task.config.target, 10_000);
    const problem = targetProblem(result, this.task.config.target, "");
    if (problem) {
      this.fail(problem.sentence);
      return;
    }
    // Backfills and reconciles of the task run beside the receive loops, through the same loader.
    if (!this.stopping) this.backfill.start();
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.cfg.receiveConcurrency && !this.stopping; i++) loops.push(this.receiver.loop(i));
    this.receivingNow = loops.length > 0;
    await Promise.all(loops);
  }

  private async heartbeat(): Promise<void> {
    if (this.abandoned) return;
    try {
      await this.ack.heartbeat();
      if (!this.stopping) await this.deps.store.reportRunning(this.task.id, this.cfg.workerId);
    } catch (error) {
      this.log.warn({ err: errorText(error) }, "heartbeat failed");
    }
  }

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

  /**
   * A batch's messages are deleted only after its run, ledger and counters are recorded: a worker
   * that dies in between leaves them in the queue (the ledger's claims then tell what was loaded)
   * instead of loaded rows that no ledger or counter knows of.
   */
  private async processBatch(items: BatchItem[]): Promise<void> {
    const release = this.ack.holdDeletes(items.map((i) => i.messageId));
    let recorded = false;
    try {
      recorded = await this.loadAndRecord(items);
    } finally {
      release({ drop: !recorded });
    }
  }

  /** Settles what needs no load, loads the objects by version, records the run; false if not recorded. */
  private async loadAndRecord(items: BatchItem[]): Promise<boolean> {
    const tally = new BatchTally();
    const objects: { messageId: string; object: import("./events.ts").S3ObjectRef }[] = [];
    for (const item of items) {
      const id = item.messageId;
      switch (item.kind) {
        case "skip":
          tally.skipped.push({ message_id: id, ...(item.key !== undefined ? { key: item.key } : {}), reason: item.reason });
          tally.note(id, this.ack.resolve(id));
          break;
        case "test":
          tally.skipped.push({ message_id: id, reason: "s3:TestEvent (S3 sends it when a notification is configured); acknowledged" });
          tally.note(id, this.ack.resolve(id));
          break;
        case "invalid":
          if (await this.deps.store.firstErrorFor(this.task.id, id)) {
            tally.errors.push({ message_id: id, error: `Not an S3 event notification; left to the queue's redrive policy: ${item.reason}` });
          }
          tally.note(id, this.ack.fail(id));
          break;
        case "duplicate":
          tally.withObjects.add(id);
          tally.objectsDuplicate++;
          tally.note(id, this.ack.resolve(id));
          break;
        case "object":
          tally.withObjects.add(id);
          objects.push(item);
          break;
      }
    }
    if (objects.length > 0) await this.versions.load(objects, tally);
    if (this.abandoned) return false; // stop gave up on this batch: its messages stay in the queue

    const input = tally.toRun({
      task_id: this.task.id,
      worker_id: this.cfg.workerId,
      messages: new Set(items.map((i) => i.messageId)).size,
      messages_received: this.receiver.takeReceivedCount(),
    });
    const run = await this.deps.store.finishBatch(input, tally.loaded, this.cfg.workerId);
    this.metrics.run(input);
    this.log.info(
      { run: run.id, status: input.status, messages: run.messages, objects: input.objects_loaded, duplicates: input.objects_duplicate, rows: input.rows_loaded, statements: input.copy_statements, errors: input.errors.length },
      "batch done",
    );
    if (tally.fatal) this.fail(tally.fatal, tally.fatalDetail);
    return true;
  }

  /**
   * The task cannot go on until someone fixes something: report it failed and stop. `reason` is
   * the operator's sentence; `detail` the outside system's text behind it (Databend's, AWS's).
   */
  private fail(reason: string, detail?: string): void {
    if (this.stopping) return;
    this.log.error({ reason, detail }, "task failed");
    void this.deps.store.reportFailed(this.task.id, this.cfg.workerId, reason, detail).catch((error) => this.log.error({ err: errorText(error) }, "reporting the failure failed"));
    void this.deps.store
      .cancelBackfill(this.task.org_id, this.task.id, `The task failed: ${reason}`, "failed")
      .catch((error) => this.log.error({ err: errorText(error) }, "ending the task's backfill failed"));
    void this.stop("failed").then(() => this.deps.onExit?.(reason));
  }

  /**
   * Stops receiving, gives back messages still waiting in the batcher, lets in-flight batches and
   * long polls finish within the grace time (WORKER_STOP_GRACE_MS), then abandons what is left: a
   * batch's messages stay in the queue (their visibility timeout brings them back), and a long
   * poll still open is cut off. Reports the state.
   */
  async stop(why: "stopped" | "shutdown" | "reconfigured" | "failed"): Promise<void> {
    if (this.stopping) return this.finished;
    this.stopping = true;
    const deadline = Date.now() + this.cfg.stopGraceMs;
    this.abort.abort();
    this.receiver.stop();
    const waiting = this.batcher.takeAll();
    this.batcher.close();
    for (const id of new Set(waiting.map((i) => i.messageId))) this.ack.release(id);
    const finishedInTime = await within(Promise.all([...this.loads, this.backfill.finished]), deadline);
    if (!finishedInTime) {
      this.abandoned = true;
      const ids = this.ack.trackedIds();
      for (const id of ids) this.ack.abandon(id);
      this.log.warn({ messages: ids.length }, "stop: abandoned the in-flight batch; its messages stay in the queue");
      const base = { task_id: this.task.id, worker_id: this.cfg.workerId, messages: ids.length, messages_received: this.receiver.takeReceivedCount() };
      const input = abandonedRun(base, this.cfg.stopGraceMs);
      await this.deps.store.finishBatch(input, [], this.cfg.workerId);
      this.metrics.run(input);
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.ack.flush();
    if (!(await within(Promise.allSettled(this.loops), deadline))) {
      this.receiver.abortPolls();
      await Promise.allSettled(this.loops);
      await this.ack.flush();
    }
    if (why !== "failed" && why !== "reconfigured") {
      await this.deps.store.reportStopped(this.task.id, this.cfg.workerId, why === "shutdown" ? "Worker shut down; the task resumes when a worker runs" : null);
    }
    this.sqs?.destroy();
    this.s3?.destroy();
    this.log.info({ why }, "task stopped");
    this.resolveFinished();
  }
}

/** Whether `work` settles before `deadline` (ms since epoch). */
async function within(work: Promise<unknown>, deadline: number): Promise<boolean> {
  const abort = new AbortController();
  const done = work.then(
    () => true,
    () => true,
  );
  const timeout = sleep(Math.max(0, deadline - Date.now()), abort.signal).then(() => false);
  const result = await Promise.race([done, timeout]);
  abort.abort();
  return result;
}

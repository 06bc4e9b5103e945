// One running task: receive -> parse -> batch -> load -> acknowledge (the pipeline shape of
// Vector's aws_s3 source). Several receives are in flight; parsed records wait in the batcher;
// each batch is loaded with one COPY INTO; a message is deleted once all its records are loaded or
// deliberately skipped, and otherwise comes back after a backoff.
import type { S3Client } from "@aws-sdk/client-s3";
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
import type { WarehouseError, Warehouse } from "../databend/client.ts";
import { scrubSecrets } from "../databend/sql.ts";
import type { ClaimedObject, LedgerObject, RunnableTask, TaskStore } from "../store/tasks.ts";
import { Acknowledger, type Settlement } from "./acknowledger.ts";
import { Batcher } from "./batcher.ts";
import type { WorkerConfig } from "./config.ts";
import { CredentialCache } from "./credentials.ts";
import { parseBody, type S3ObjectRef, type TaskScope } from "./events.ts";
import { checkTarget, targetProblem } from "../databend/target-check.ts";
import { Copier, sha1 } from "./copier.ts";
import { loadItems, type FileOutcome, type LoadItem } from "./loader.ts";
import { decide, resolveVersions, versionLabel } from "./versions.ts";
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
  /** Batches currently holding because Databend does not answer (receiving pauses meanwhile). */
  private warehouseDown = 0;
  private receivingNow = false;
  /** Keys a batch of this runner is loading now (one version of a key at a time). */
  private readonly keysInFlight = new Set<string>();
  /** Items waiting for a key in `keysInFlight`, handed to the batcher when its load ends. */
  private readonly parked = new Map<string, BatchItem[]>();
  private readonly copier: Copier;
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
    this.copier = new Copier({
      task,
      warehouse: deps.warehouse,
      credentials: this.credentials,
      s3: this.s3,
      endpointUrl: this.cfg.copyEndpointUrl ?? resolveEndpoint("s3", aws),
      metadataHours: this.cfg.loadMetadataHours,
      roleSessionSeconds: this.cfg.roleSessionSeconds,
    });
    this.ack = new Acknowledger(this.queue, {
      visibilitySeconds: this.cfg.visibilitySeconds,
      backoffBaseSeconds: this.cfg.backoffBaseSeconds,
      backoffMaxSeconds: this.cfg.backoffMaxSeconds,
      onDeleted: (count) => void this.deps.store.addCounters(this.task.id, { messages_deleted: count }).catch((error) => this.log.warn({ err: errorText(error) }, "counting deletes failed")),
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

  /** Whether the receive loops run (after the target check at start). */
  get receiving(): boolean {
    return this.receivingNow && !this.stopping;
  }

  /** AssumeRole calls made so far (credentials are refreshed before they expire). */
  get credentialRefreshes(): number {
    return this.credentials.refreshes;
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
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.cfg.receiveConcurrency && !this.stopping; i++) loops.push(this.receiveLoop(i));
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

  // ---- receive ---------------------------------------------------------------------------------

  private busy(): boolean {
    return this.warehouseDown > 0 || this.batcher.full || this.ack.size >= this.cfg.batchMaxFiles * (this.cfg.loadConcurrency + 1);
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
        await this.accept(messages);
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
    await this.deps.store.reportError(this.task.id, `Receive failed: ${excerpt(text, 300)}`);
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
  }

  /** Parses received messages into batch items; drops objects the ledger says are loaded. */
  async accept(messages: QueueMessage[]): Promise<void> {
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
      const loaded = await this.deps.store.loadedAmong(this.task.id, objects.map((i) => this.ledgerObject(i.object, i.messageId)));
      objects.forEach((item, index) => {
        if (loaded.has(index)) (item as BatchItem).kind = "duplicate";
      });
    }
    // The store is async now: a stop may have begun while it answered; give them back as above.
    if (this.stopping) {
      for (const id of new Set(items.map((i) => i.messageId))) this.ack.release(id);
      return;
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

  /** Items of one object version (key + ETag) in a batch, with the messages that announced it. */
  private groupVersions(items: { messageId: string; object: S3ObjectRef }[]): Map<string, { object: S3ObjectRef; messageIds: string[] }> {
    const byVersion = new Map<string, { object: S3ObjectRef; messageIds: string[] }>();
    for (const item of items) {
      const id = `${item.object.key}\u0000${item.object.eTag}`;
      const entry = byVersion.get(id);
      if (entry) entry.messageIds.push(item.messageId);
      else byVersion.set(id, { object: item.object, messageIds: [item.messageId] });
    }
    return byVersion;
  }

  /**
   * Holds a batch while Databend does not answer: receiving stops (each receive of the same message
   * counts toward the queue's maxReceiveCount, so receiving again during an outage would push
   * messages into the dead-letter queue), the held messages stay invisible through the heartbeat,
   * and Databend is probed with backoff until it answers. False when the task stops meanwhile.
   */
  private async waitForWarehouse(cause: WarehouseError, messages: number): Promise<boolean> {
    this.warehouseDown++;
    const since = new Date().toISOString();
    await this.deps.store.reportError(
      this.task.id,
      `Databend is not answering (${excerpt(cause.detail, 200)}); holding ${messages} message(s) and retrying since ${since}`,
    );
    this.log.warn({ err: cause.detail, messages }, "Databend unreachable: receiving paused, probing");
    try {
      let delay = 500;
      while (!this.stopping) {
        await sleep(delay, this.abort.signal);
        if (this.stopping) break;
        if (await this.copier.warehouseAnswers()) {
          this.log.info({ since }, "Databend answers again; resuming");
          return true;
        }
        delay = Math.min(this.cfg.probeMaxMs, delay * 2);
      }
      return false;
    } finally {
      this.warehouseDown--;
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
    const objects: { messageId: string; object: S3ObjectRef }[] = [];

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
          if (await this.deps.store.firstErrorFor(this.task.id, item.messageId)) {
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
          objects.push(item);
          break;
      }
    }

    // Which version each event is about: no ETag, or several ETags of one key, is settled by a HEAD.
    const resolved = await resolveVersions(objects.map((o) => ({ item: o.messageId, object: o.object })), (key) => this.copier.headEtag(key));
    for (const d of resolved.drop) {
      if (d.decision.kind === "unknown") {
        errors.push({ message_id: d.item, key: d.object.key, error: d.decision.reason });
        note(d.item, this.ack.fail(d.item));
      } else {
        skipped.push({ message_id: d.item, key: d.object.key, reason: d.decision.reason });
        note(d.item, this.ack.resolve(d.item));
      }
    }
    const byVersion = this.groupVersions(resolved.keep.map((v) => ({ messageId: v.item, object: v.object })));
    const entryOf = (o: LedgerObject) => byVersion.get(`${o.key}\u0000${o.etag}`)!;

    // A key another batch of this runner is loading waits in memory until that load ends (its
    // messages stay invisible through the heartbeat): handing them back to SQS would count one
    // more receive toward the queue's maxReceiveCount each time.
    for (const [id, entry] of byVersion) {
      const key = entry.object.key;
      if (!this.keysInFlight.has(key)) continue;
      const parked = this.parked.get(key) ?? [];
      for (const m of entry.messageIds) parked.push({ kind: "object", messageId: m, object: entry.object });
      this.parked.set(key, parked);
      byVersion.delete(id);
    }

    const loadedLedger: (LedgerObject & { rows: number })[] = [];
    if (byVersion.size > 0) {
      const ledger = [...byVersion.values()].map((e) => this.ledgerObject(e.object, e.messageIds[0]));
      const leaseMs = this.cfg.claimLeaseSeconds * 1000;
      const claim = await this.deps.store.claim(this.task.id, this.cfg.workerId, ledger, leaseMs);
      for (const o of claim.loaded) {
        for (const id of entryOf(o).messageIds) {
          objectsDuplicate++;
          note(id, this.ack.resolve(id));
        }
      }
      for (const { object, leaseMsLeft } of claim.held) {
        // Another worker is loading this key now; look again when its claim would have ended.
        const seconds = Math.max(1, Math.min(this.cfg.visibilitySeconds, Math.ceil(leaseMsLeft / 1000)));
        for (const id of entryOf(object).messageIds) note(id, this.ack.defer(id, seconds));
      }
      const claimedKeys = claim.claimed.map((o) => o.key);
      for (const key of claimedKeys) this.keysInFlight.add(key);
      const extend = setInterval(
        async () => {
          try {
            await this.deps.store.extendClaims(this.task.id, this.cfg.workerId, claim.claimed, leaseMs);
          } catch (error) {
            this.log.warn({ err: errorText(error) }, "extending claims failed");
          }
        },
        Math.max(500, leaseMs / 3),
      );
      const release: LedgerObject[] = [];
      try {
        // An overwrite loads with FORCE, and only while its ETag is still the object's content.
        const plan: (LoadItem & { object: ClaimedObject })[] = [];
        await Promise.all(
          claim.claimed.map(async (object) => {
            if (object.history !== "other_version") {
              plan.push({ key: object.key, force: false, object });
              return;
            }
            const decision = await decide(object.etag, object.key, (key) => this.copier.headEtag(key));
            const entry = entryOf(object);
            if (decision.kind === "load") {
              plan.push({ key: object.key, force: true, label: versionLabel(this.task.id, object.bucket, object.key, object.etag, sha1), object });
              return;
            }
            release.push(object);
            for (const id of entry.messageIds) {
              if (decision.kind === "unknown") {
                errors.push({ message_id: id, key: object.key, error: decision.reason });
                note(id, this.ack.fail(id));
              } else {
                skipped.push({ message_id: id, key: object.key, reason: decision.reason });
                note(id, this.ack.resolve(id));
              }
            }
          }),
        );
        const planByKey = new Map(plan.map((p) => [p.key, p]));

        // Load; while Databend does not answer, hold the messages and wait for it instead of failing them.
        let pending: LoadItem[] = plan;
        const outcomes: FileOutcome[] = [];
        let transientTries = 0;
        let finalStop: WarehouseError | undefined;
        for (;;) {
          const result = await loadItems(pending, { copy: (keys, o) => this.copier.copy(keys, o), objectExists: (key) => this.copier.objectExists(key), maxStatements: this.cfg.maxStatementsPerBatch }, this.task.source.bucket);
          statements += result.statements;
          const stop = result.stoppedBy;
          // No code: Databend did not answer (hold and probe). A transient code (a conflicting
          // commit, S3 briefly unreachable): retry the batch a few times, then let it back off.
          const unreachable = stop?.kind === "unavailable" && stop.code === undefined;
          const retryable = stop && (unreachable || (stop.kind === "unavailable" && transientTries < 3));
          if (!retryable || this.abandoned) {
            outcomes.push(...result.outcomes);
            finalStop = stop;
            break;
          }
          outcomes.push(...result.outcomes.filter((o) => o.status !== "failed"));
          pending = result.outcomes.filter((o) => o.status === "failed").map((o) => planByKey.get(o.key)!);
          if (!unreachable) {
            transientTries++;
            this.log.warn({ err: stop.message, attempt: transientTries }, "transient Databend error; retrying the batch");
            await sleep(500 * 2 ** transientTries, this.abort.signal);
            if (this.stopping) {
              outcomes.push(...result.outcomes.filter((o) => o.status === "failed"));
              finalStop = stop;
              break;
            }
            continue;
          }
          const messages = new Set(pending.flatMap((p) => entryOf(planByKey.get(p.key)!.object).messageIds)).size;
          if (!(await this.waitForWarehouse(stop, messages))) {
            outcomes.push(...result.outcomes.filter((o) => o.status === "failed"));
            finalStop = stop;
            break;
          }
        }
        if (this.abandoned) return; // stop gave up on this batch: its messages stay in the queue

        for (const outcome of outcomes) {
          const { object } = planByKey.get(outcome.key)!;
          const entry = entryOf(object);
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
                    `${outcome.errorsSeen} bad row(s) skipped (ON_ERROR = ${this.task.config.on_error.toUpperCase()}); first${outcome.firstErrorLine !== null ? ` at line ${outcome.firstErrorLine}` : ""}: ${outcome.firstError ?? "unknown"}`,
                  ),
                });
              }
              for (const id of entry.messageIds) note(id, this.ack.resolve(id));
              break;
            case "skipped_by_databend": {
              const committedUnseen = object.history === "crashed" || planByKey.get(outcome.key)!.force;
              if (committedUnseen) {
                // An earlier attempt at this very version committed, then its worker died before
                // recording it (the claim or the deduplicate label says so): count its rows now.
                const rows = await this.copier.countRows(outcome.key).catch((error: unknown) => {
                  errors.push({ message_id: entry.messageIds[0], key: outcome.key, error: `loaded before a worker restart; its rows could not be counted: ${excerpt(errorText(error), 300)}` });
                  return 0;
                });
                objectsLoaded++;
                rowsLoaded += rows;
                loadedLedger.push({ ...ledgerEntry, rows });
              } else {
                objectsDuplicate++;
                loadedLedger.push({ ...ledgerEntry, rows: 0 });
                skipped.push({ message_id: entry.messageIds[0]!, key: outcome.key, reason: "Databend's load metadata says this table already loaded this path (loaded outside this task, or before its ledger); not loaded again" });
              }
              for (const id of entry.messageIds) note(id, this.ack.resolve(id));
              break;
            }
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
        if (release.length > 0) await this.deps.store.releaseClaims(this.task.id, this.cfg.workerId, release);
        const stoppedBy = finalStop;
        if (stoppedBy?.kind === "target") {
          fatal = excerpt(stoppedBy.sentence, 500);
        } else if (stoppedBy?.kind === "access") {
          // Credentials refused: affects every file alike; hold off receiving for a while.
          this.consecutiveFailures++;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(5, this.consecutiveFailures - 1));
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
          this.log.warn({ err: stoppedBy.detail, pauseMs: delay }, "load refused; messages stay in the queue");
        } else {
          this.consecutiveFailures = 0;
        }
      } finally {
        clearInterval(extend);
        for (const key of claimedKeys) {
          this.keysInFlight.delete(key);
          const parked = this.parked.get(key);
          this.parked.delete(key);
          for (const item of parked ?? []) {
            if (this.stopping) this.ack.release(item.messageId);
            else this.batcher.add(item);
          }
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
    const run = await this.deps.store.finishBatch(
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
    void this.deps.store.reportFailed(this.task.id, this.cfg.workerId, reason).catch((error) => this.log.error({ err: errorText(error) }, "reporting the failure failed"));
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
      await this.deps.store.finishBatch(
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
      await this.deps.store.reportStopped(this.task.id, this.cfg.workerId, why === "shutdown" ? "Worker shut down; the task resumes when a worker runs" : null);
    }
    this.sqs?.destroy();
    this.s3?.destroy();
    this.log.info({ why }, "task stopped");
    this.resolveFinished();
  }
}

// Drives one task's pipeline (pipeline.ts: receive -> batch -> load -> settle, the shape of
// Vector's aws_s3 SQS source): checks the target, starts the receive loops and the backfill,
// hands each closed batch to the load step and records its run, acts on what the steps report
// (a receive loop that ends failed, a batch whose load found the target unusable), keeps the
// messages' visibility and the task's liveness up (the heartbeat), and carries the stop protocol.
import type { Logger } from "pino";
import type { AwsClientOptions } from "../aws/clients.ts";
import type { Warehouse } from "../databend/client.ts";
import { checkTarget, targetProblem } from "../databend/target-check.ts";
import { errorText } from "../error-text.ts";
import type { RunnableTask, TaskStore } from "../store/tasks.ts";
import { sleep } from "./backoff.ts";
import type { WorkerConfig } from "./config.ts";
import { taskMetrics } from "./metrics.ts";
import type { RunState, TaskContext, TaskFailure } from "./context.ts";
import { createTaskPipeline, type TaskPipeline } from "./pipeline.ts";
import type { MessageQueue, QueueMessage } from "./queue.ts";
import type { BatchItem, ReceiveEnd } from "./receive.ts";
import { handleBatch } from "./handle-batch.ts";
import { abandonedRun } from "./run-record.ts";

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
  private readonly ctx: TaskContext;
  private readonly state: RunState = { stopping: false, abandoned: false, holding: 0, receivePausedUntil: 0 };
  private readonly pipeline: TaskPipeline;
  private readonly abort = new AbortController();
  private readonly loads = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private receivingNow = false;
  /** Resolves when the runner has fully stopped. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(task: RunnableTask, deps: RunnerDeps) {
    this.task = task;
    this.deps = deps;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.ctx = {
      task,
      cfg: deps.config,
      store: deps.store,
      log: deps.log.child({ task: task.id, taskName: task.config.name }),
      metrics: taskMetrics(task.id),
      signal: this.abort.signal,
      state: this.state,
    };
    this.pipeline = createTaskPipeline(this.ctx, deps, {
      hasRoom: () => !this.state.stopping && this.loads.size < this.ctx.cfg.loadConcurrency,
      onBatch: (items) => this.startBatch(items),
      fail: (failure) => this.fail(failure),
    });
  }

  get version(): string {
    return this.task.version;
  }

  /** Whether the receive loops run (after the target check at start). */
  get receiving(): boolean {
    return this.receivingNow && !this.state.stopping;
  }

  /** AssumeRole calls made so far (credentials are refreshed before they expire). */
  get credentialRefreshes(): number {
    return this.pipeline.credentials.refreshes;
  }

  /** Parses received messages into the batcher (exposed for pipeline tests without a queue). */
  accept(messages: QueueMessage[]): Promise<void> {
    return this.pipeline.receive.accept(messages);
  }

  start(): void {
    this.ctx.log.info({ queue: this.task.source.queue_url, target: this.task.config.target }, "task started");
    void this.deps.store.reportRunning(this.task.id, this.ctx.cfg.workerId).catch((error) => this.ctx.log.warn({ err: errorText(error) }, "reporting running failed"));
    this.loops.push(this.checkTargetThenReceive());
    const every = Math.max(200, Math.min(5_000, (this.ctx.cfg.visibilitySeconds * 1000) / 4));
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
      this.fail({ reason: problem.sentence });
      return;
    }
    // Backfills and reconciles of the task run beside the receive loops, through the same loader.
    if (!this.state.stopping) this.pipeline.backfill.start();
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.ctx.cfg.receiveConcurrency && !this.state.stopping; i++) {
      loops.push(this.pipeline.receive.loop(i).then((end: ReceiveEnd) => (end.kind === "fatal" ? this.fail(end) : undefined)));
    }
    this.receivingNow = loops.length > 0;
    await Promise.all(loops);
  }

  private async heartbeat(): Promise<void> {
    if (this.state.abandoned) return;
    try {
      await this.pipeline.settle.heartbeat();
      if (!this.state.stopping) await this.deps.store.reportRunning(this.task.id, this.ctx.cfg.workerId);
    } catch (error) {
      this.ctx.log.warn({ err: errorText(error) }, "heartbeat failed");
    }
  }

  private startBatch(items: BatchItem[]): void {
    this.ctx.log.debug({ items: items.length, loads: this.loads.size }, "batch closed");
    const p = this.processBatch(items).catch((error) => {
      this.ctx.log.error({ err: errorText(error) }, "batch failed unexpectedly");
      for (const item of items) this.pipeline.settle.fail(item.messageId);
    });
    this.loads.add(p);
    void p.finally(() => {
      this.loads.delete(p);
      this.pipeline.batcher.poke();
    });
  }

  /**
   * A batch's messages are deleted only after its run, ledger and counters are recorded: a worker
   * that dies in between leaves them in the queue (the ledger's claims then tell what was loaded)
   * instead of loaded rows that no ledger or counter knows of.
   */
  private async processBatch(items: BatchItem[]): Promise<void> {
    const release = this.pipeline.settle.holdDeletes(items.map((i) => i.messageId));
    let recorded = false;
    try {
      const outcome = await handleBatch(this.ctx, this.pipeline, items);
      recorded = outcome.kind === "recorded";
      if (outcome.kind === "recorded" && outcome.fatal) this.fail(outcome.fatal);
    } finally {
      release({ drop: !recorded });
    }
  }

  /**
   * The task cannot go on until someone fixes something: report it failed and stop. `reason` is
   * the operator's sentence; `detail` the outside system's text behind it (Databend's, AWS's).
   */
  private fail({ reason, detail }: TaskFailure): void {
    if (this.state.stopping) return;
    this.ctx.log.error({ reason, detail }, "task failed");
    void this.deps.store.reportFailed(this.task.id, this.ctx.cfg.workerId, reason, detail).catch((error) => this.ctx.log.error({ err: errorText(error) }, "reporting the failure failed"));
    void this.deps.store
      .cancelBackfill(this.task.org_id, this.task.id, `The task failed: ${reason}`, "failed")
      .catch((error) => this.ctx.log.error({ err: errorText(error) }, "ending the task's backfill failed"));
    void this.stop("failed").then(() => this.deps.onExit?.(reason));
  }

  /**
   * Stops receiving, gives back messages still waiting in the batcher, lets in-flight batches and
   * long polls finish within the grace time (WORKER_STOP_GRACE_MS), then abandons what is left: a
   * batch's messages stay in the queue (their visibility timeout brings them back), and a long
   * poll still open is cut off. Reports the state.
   */
  async stop(why: "stopped" | "shutdown" | "reconfigured" | "failed"): Promise<void> {
    if (this.state.stopping) return this.finished;
    this.state.stopping = true;
    const deadline = Date.now() + this.ctx.cfg.stopGraceMs;
    this.abort.abort();
    this.pipeline.receive.stop();
    const waiting = this.pipeline.batcher.takeAll();
    this.pipeline.batcher.close();
    for (const id of new Set(waiting.map((i) => i.messageId))) this.pipeline.settle.release(id);
    const finishedInTime = await within(Promise.all([...this.loads, this.pipeline.backfill.finished]), deadline);
    if (!finishedInTime) {
      this.state.abandoned = true;
      const ids = this.pipeline.settle.trackedIds();
      for (const id of ids) this.pipeline.settle.abandon(id);
      this.ctx.log.warn({ messages: ids.length }, "stop: abandoned the in-flight batch; its messages stay in the queue");
      const base = { task_id: this.task.id, worker_id: this.ctx.cfg.workerId, messages: ids.length, messages_received: this.pipeline.receive.takeReceivedCount() };
      const input = abandonedRun(base, this.ctx.cfg.stopGraceMs);
      await this.deps.store.finishBatch(input, [], this.ctx.cfg.workerId);
      this.ctx.metrics.run(input);
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.pipeline.settle.flush();
    if (!(await within(Promise.allSettled(this.loops), deadline))) {
      this.pipeline.receive.abortPolls();
      await Promise.allSettled(this.loops);
      await this.pipeline.settle.flush();
    }
    if (why !== "failed" && why !== "reconfigured") {
      await this.deps.store.reportStopped(this.task.id, this.ctx.cfg.workerId, why === "shutdown" ? "Worker shut down; the task resumes when a worker runs" : null);
    }
    this.pipeline.sqs?.destroy();
    this.pipeline.s3.destroy();
    this.ctx.log.info({ why }, "task stopped");
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

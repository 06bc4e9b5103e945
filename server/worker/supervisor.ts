// Runs every task whose desired state is running: polls the store, starts runners for new tasks,
// restarts them when the task or its data source is edited, and stops them when asked. Serves the
// worker's Prometheus metrics (metrics.ts) while it runs.
import type { Logger } from "pino";
import type { AwsClientOptions } from "../aws/clients.ts";
import type { TaskStore } from "../store/tasks.ts";
import { taskVersionWithWarehouse } from "../store/task-records.ts";
import type { WorkerConfig } from "./config.ts";
import { startMetricsServer, type MetricsServer } from "./metrics.ts";
import { errorText } from "../error-text.ts";
import { TaskRunner } from "./task-runner.ts";
import type { MessageQueue } from "./queue.ts";
import { TaskWarehouseError, type TaskWarehouses } from "./task-warehouses.ts";

export interface SupervisorDeps {
  store: TaskStore;
  /** Each task's warehouse: its own organization's (task-warehouses.ts). */
  warehouses: TaskWarehouses;
  config: WorkerConfig;
  log: Logger;
  aws?: AwsClientOptions;
  /** Tests: a queue per task instead of SQS. */
  queueFor?: (taskId: string) => MessageQueue | undefined;
}

export class Supervisor {
  private readonly deps: SupervisorDeps;
  private readonly runners = new Map<string, TaskRunner>();
  private readonly stopping = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  private lastPrune = 0;
  private metricsServer: Promise<MetricsServer | undefined> | undefined;

  constructor(deps: SupervisorDeps) {
    this.deps = deps;
  }

  get running(): string[] {
    return [...this.runners.keys()];
  }

  runner(taskId: string): TaskRunner | undefined {
    return this.runners.get(taskId);
  }

  start(): void {
    this.deps.log.info({ worker: this.deps.config.workerId }, "worker started");
    const { metricsHost, metricsPort } = this.deps.config;
    if (metricsPort !== null) {
      // A port already taken is logged, not fatal: loading matters more than its metrics.
      this.metricsServer = startMetricsServer(metricsHost, metricsPort).then(
        (server) => {
          this.deps.log.info({ url: `http://${server.host}:${server.port}/metrics` }, "serving metrics");
          return server;
        },
        (error: unknown) => {
          this.deps.log.error({ err: errorText(error), host: metricsHost, port: metricsPort }, "cannot serve metrics (WORKER_METRICS_PORT)");
          return undefined;
        },
      );
    }
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.config.pollMs);
  }

  /** Where GET /metrics is served once listening; undefined when off or the port could not be had. */
  async metricsAddress(): Promise<{ host: string; port: number } | undefined> {
    const server = await this.metricsServer;
    return server && { host: server.host, port: server.port };
  }

  /** One look at the store; exposed for tests. */
  async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      const wanted = new Map((await this.deps.store.listRunnable()).map((t) => [t.id, t]));
      for (const [id, runner] of this.runners) {
        const task = wanted.get(id);
        if (!task) this.retire(id, runner, "stopped");
        else if (task.version !== runner.version) this.retire(id, runner, "reconfigured");
      }
      for (const [id, task] of wanted) {
        if (this.runners.has(id)) continue;
        let runner: TaskRunner;
        try {
          const { warehouse, updatedAt } = await this.deps.warehouses.forTask(task);
          // A task without a warehouse of its own loads into the default one, which resolving may
          // have just created: the runner's version names it, as the store's next look will.
          const version = taskVersionWithWarehouse(task.version, updatedAt);
          runner = new TaskRunner({ ...task, version }, {
            store: this.deps.store,
            warehouse,
            config: this.deps.config,
            log: this.deps.log,
            ...(this.deps.aws ? { aws: this.deps.aws } : {}),
            ...(this.deps.queueFor?.(id) ? { queue: this.deps.queueFor(id)! } : {}),
            onExit: () => {
              if (this.runners.get(id) === runner) this.runners.delete(id);
            },
          });
        } catch (error) {
          if (error instanceof TaskWarehouseError) {
            await this.deps.store.reportFailed(id, this.deps.config.workerId, error.message);
            continue;
          }
          await this.deps.store.reportFailed(
            id,
            this.deps.config.workerId,
            "The worker could not set up the task; check the data source's Queue URL and Queue Region, then start the task again.",
            errorText(error),
          );
          continue;
        }
        this.runners.set(id, runner);
        runner.start();
      }
      if (Date.now() - this.lastPrune > 60 * 60_000) {
        this.lastPrune = Date.now();
        await this.deps.store.pruneLedger(this.deps.config.ledgerRetentionHours * 3600_000);
      }
    } catch (error) {
      this.deps.log.error({ err: (error as Error).message }, "polling the store failed");
    } finally {
      this.ticking = false;
    }
  }

  private retire(id: string, runner: TaskRunner, why: "stopped" | "reconfigured"): void {
    this.runners.delete(id);
    const p = runner.stop(why).catch((error) => this.deps.log.error({ err: (error as Error).message }, "stopping a task failed"));
    this.stopping.add(p);
    void p.finally(() => this.stopping.delete(p));
  }

  /** SIGTERM: every task stops as if asked (in-flight batches finish or are abandoned), state saved. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const all = [...this.runners.values()].map((r) => r.stop("shutdown"));
    this.runners.clear();
    await Promise.allSettled([...all, ...this.stopping]);
    await (await this.metricsServer)?.close();
    await this.deps.warehouses.close();
    this.deps.log.info("worker stopped");
  }
}

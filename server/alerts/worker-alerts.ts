// The alerts' part of the worker process, wired from the environment: the evaluator (with its
// inputs: the store's tasks and runs, the queue backlog asked through the customer's role, and the
// failed-files count when the store has it), the sender and the scheduler that runs both.
//
// Backlog: the worker acts as the platform *load* identity, which the customer's role trusts as it
// trusts the setup identity, so it assumes that role with the organization's External ID and asks
// SQS's GetQueueAttributes (the permission Test Connectivity's sqs_standard check requires) through
// the same reader the task page uses (server/connectivity/backlog.ts, cached and bounded).
import type { Logger } from "pino";
import { createBacklogReader } from "../connectivity/backlog.ts";
import type { Stores } from "../store/open.ts";
import type { SecretBox } from "../warehouses/secret-box.ts";
import type { AlertConfig } from "./config.ts";
import { AlertDestinations } from "./destinations.ts";
import { AlertEvaluator, type BacklogSampler, type FailedFileCounter } from "./evaluator.ts";
import { AlertScheduler } from "./scheduler.ts";
import { AlertSender } from "./sender.ts";

export function workerAlerts(args: {
  stores: Pick<Stores, "alerts" | "tasks" | "dataSources" | "db">;
  box: SecretBox;
  config: AlertConfig;
  workerId: string;
  log: Logger;
  /** By default the failed-files store's count (server/store/failed-files.ts). */
  failedFiles?: FailedFileCounter;
}): AlertScheduler {
  const { stores, config, log } = args;
  const reader = createBacklogReader({ identity: "load" });
  const backlog: BacklogSampler = async (orgId, taskId) => {
    const task = await stores.tasks.get(orgId, taskId);
    const source = task && (await stores.dataSources.getDataSource(orgId, task.data_source_id));
    if (!task || !source || task.desired_state !== "running") return null;
    const answer = await reader.read(orgId, taskId, source);
    return "visible" in answer ? answer.visible : null;
  };
  const sender = new AlertSender(stores.alerts, new AlertDestinations(stores.alerts, args.box), {
    holder: args.workerId,
    allowPrivate: config.allowPrivate,
    timeoutMs: config.timeoutMs,
    retryBaseMs: config.retryBaseMs,
    retryMaxMs: config.retryMaxMs,
    log,
  });
  const evaluator = new AlertEvaluator(stores.alerts, { backlog, failedFiles: args.failedFiles ?? ((orgId, taskIds) => stores.tasks.failedCountsByTask(orgId, taskIds)) });
  return new AlertScheduler({ store: stores.alerts, evaluator, sender, holder: args.workerId, intervalMs: config.intervalMs, log });
}

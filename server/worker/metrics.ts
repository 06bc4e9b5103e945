// The worker's Prometheus metrics: one registry, the metric definitions, a per-task view the
// runner hands to its pieces, and a GET /metrics server (node:http, 127.0.0.1:9464 by default;
// WORKER_METRICS_PORT, WORKER_METRICS_HOST). Counters are fed where the worker already counts:
// the run record of each batch (received, loaded, duplicates, rows, event lag), the settle step (deletes
// sent, messages given back to the queue), the copier (COPY time, the S3 requests that confirm what
// each COPY read, errors by Databend's class or AWS's kind), the credential cache (AssumeRole calls) and the receive step (SQS errors by kind).
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AwsErrorKind } from "../aws/errors.ts";
import type { DatabendErrorClass } from "../databend/errors.ts";
import { serveMetrics, type MetricsServer } from "../metrics-server.ts";
import type { RunInput } from "../store/tasks.ts";

export type { MetricsServer };

export const registry = new Registry();

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

const received = counter("worker_messages_received_total", "SQS messages received (as run history counts them)", ["task"]);
const deleted = counter("worker_messages_deleted_total", "SQS messages deleted (DeleteMessageBatch entries that succeeded)", ["task"]);
const returned = counter(
  "worker_messages_returned_total",
  "SQS messages left for redelivery: retry (failed, backoff), deferred (another worker's claim), released (stopping), abandoned (stop grace ran out)",
  ["task", "reason"],
);
const objectsLoaded = counter("worker_objects_loaded_total", "Objects loaded into Databend", ["task"]);
const objectsDuplicate = counter("worker_objects_duplicate_total", "Objects skipped as already loaded (ledger or Databend's load metadata)", ["task"]);
const objectsEmpty = counter("worker_objects_empty_total", "Objects with nothing to load (zero bytes, or no rows)", ["task"]);
const objectsFailed = counter("worker_objects_failed_total", "Objects set aside in Failed files after WORKER_FILE_ATTEMPTS failures", ["task"]);
const rowsLoaded = counter("worker_rows_loaded_total", "Rows loaded into Databend", ["task"]);
const errors = counter(
  "worker_errors_total",
  "Errors by source and class: databend (server/databend/errors.ts classes) or aws (server/aws/errors.ts kinds)",
  ["task", "source", "class"],
);
const versionChecks = counter(
  "worker_version_check_requests_total",
  "S3 requests that confirm a COPY read the claimed versions: list (ListObjectsV2 pages) or head (HeadObject)",
  ["task", "request"],
);
const credentialRefreshes = counter("worker_credential_refreshes_total", "AssumeRole calls for the data source's role", ["task"]);
const copyDuration = new Histogram({
  name: "worker_copy_duration_seconds",
  help: "Duration of COPY INTO statements, in seconds",
  labelNames: ["task"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

const eventLag = new Histogram({
  name: "worker_event_lag_seconds",
  help: "Per loaded object, from its S3 event's eventTime to the return of the COPY that loaded it, in seconds (as run history records it)",
  labelNames: ["task"] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
  registers: [registry],
});

export type ReturnReason = "retry" | "deferred" | "released" | "abandoned";

/** The metrics of one task, as its runner's pieces record them. */
export interface TaskMetrics {
  /** A batch's run record, once it is saved (the one place batch outcomes are counted). */
  run(input: Pick<RunInput, "messages_received" | "objects_loaded" | "objects_duplicate" | "objects_empty" | "objects_failed" | "rows_loaded" | "lags_ms">): void;
  deleted(count: number): void;
  returned(reason: ReturnReason, count?: number): void;
  /** Starts timing a COPY; call the result when it ends. */
  copyTimer(): () => void;
  databendError(errorClass: DatabendErrorClass): void;
  awsError(kind: AwsErrorKind): void;
  /** The S3 requests one load made to confirm the versions its COPY read. */
  versionChecks(lists: number, heads: number): void;
  credentialRefresh(): void;
}

export function taskMetrics(taskId: string): TaskMetrics {
  const task = { task: taskId };
  return {
    run(input) {
      received.inc(task, input.messages_received);
      objectsLoaded.inc(task, input.objects_loaded);
      objectsDuplicate.inc(task, input.objects_duplicate);
      objectsEmpty.inc(task, input.objects_empty ?? 0);
      objectsFailed.inc(task, input.objects_failed ?? 0);
      rowsLoaded.inc(task, input.rows_loaded);
      for (const ms of input.lags_ms ?? []) eventLag.observe(task, Math.max(0, ms) / 1000);
    },
    deleted: (count) => deleted.inc(task, count),
    returned: (reason, count = 1) => returned.inc({ ...task, reason }, count),
    copyTimer: () => {
      const end = copyDuration.startTimer(task);
      return () => void end();
    },
    databendError: (errorClass) => errors.inc({ ...task, source: "databend", class: errorClass }),
    awsError: (kind) => errors.inc({ ...task, source: "aws", class: kind }),
    versionChecks: (lists, heads) => {
      versionChecks.inc({ ...task, request: "list" }, lists);
      versionChecks.inc({ ...task, request: "head" }, heads);
    },
    credentialRefresh: () => credentialRefreshes.inc(task),
  };
}

let defaultsCollected = false;

/** Serves the worker's registry on GET /metrics (404 otherwise), with prom-client's default process metrics. */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  if (!defaultsCollected) {
    defaultsCollected = true;
    collectDefaultMetrics({ register: registry });
  }
  return serveMetrics(registry, host, port);
}

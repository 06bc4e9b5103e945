// Worker tuning, from the environment; defaults suit a real queue.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { envNumber, envPort } from "../env-values.ts";

export interface WorkerConfig {
  workerId: string;
  /** How often the store is polled for tasks to start, stop or restart. */
  pollMs: number;
  /** ReceiveMessage calls in flight per task (each long-polls up to 20 s for up to 10 messages). */
  receiveConcurrency: number;
  waitSeconds: number;
  /** Visibility timeout asked for on receive; extended while a message is being handled. */
  visibilitySeconds: number;
  batchMaxFiles: number;
  batchLingerMs: number;
  /**
   * Batches in flight per task. Above 1, the next batch is cut and claimed while one batch's load
   * transaction runs; measured near saturation that made batches smaller, not loads faster
   * (docs/benchmarks.md), so the default is 1: the batch then grows until the loader is free.
   */
  loadConcurrency: number;
  /** Load transactions (COPY with receipts) in flight per warehouse in this process (copy-slots.ts). */
  copyConcurrency: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** How long a worker's claim on an object lasts without being extended. */
  claimLeaseSeconds: number;
  /** AssumeRole session length. */
  roleSessionSeconds: number;
  /** How long stopping waits for an in-flight batch before abandoning it (its messages stay). */
  stopGraceMs: number;
  /** Statements allowed per batch while isolating failing files. */
  maxStatementsPerBatch: number;
  /**
   * Failures of one object version with the same file error (Databend's code) before it is
   * quarantined as a failed file and its message deleted; transient failures do not count.
   */
  fileAttempts: number;
  /** ENDPOINT_URL written into COPY's CONNECTION; default: the S3 endpoint override, if any. */
  copyEndpointUrl: string | undefined;
  /**
   * Hours Databend keeps the load metadata of each COPY (`load_file_metadata_expire_hours`, set on
   * every statement): SQS keeps a message up to 14 days and a dead-letter redrive can bring it back
   * later still, so the default covers 14 days plus a 7-day redrive horizon.
   */
  loadMetadataHours: number;
  /**
   * Loaded-object ledger entries older than this are pruned. Never shorter than loadMetadataHours:
   * while Databend remembers a path the ledger must know which ETag it loaded, or an overwrite
   * would be taken for a duplicate.
   */
  ledgerRetentionHours: number;
  /** Longest wait between probes while Databend does not answer. */
  probeMaxMs: number;
  /** Port of the Prometheus GET /metrics server (0: any free port); null: no server. */
  metricsPort: number | null;
  /** Address the metrics server binds (loopback unless told otherwise). */
  metricsHost: string;
}

export function defaultWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const loadMetadataHours = envNumber(env, "WORKER_LOAD_METADATA_HOURS", (14 + 7) * 24, { min: 1 });
  return {
    workerId: env.WORKER_ID || defaultWorkerId(),
    pollMs: envNumber(env, "WORKER_POLL_MS", 1000, { min: 50 }),
    receiveConcurrency: envNumber(env, "WORKER_RECEIVE_CONCURRENCY", 4, { min: 1 }),
    waitSeconds: envNumber(env, "WORKER_WAIT_SECONDS", 20, { min: 0 }),
    visibilitySeconds: envNumber(env, "WORKER_VISIBILITY_SECONDS", 60, { min: 2 }),
    batchMaxFiles: envNumber(env, "WORKER_BATCH_MAX_FILES", 1000, { min: 1 }),
    batchLingerMs: envNumber(env, "WORKER_BATCH_LINGER_MS", 250, { min: 0 }),
    loadConcurrency: envNumber(env, "WORKER_LOAD_CONCURRENCY", 1, { min: 1, integer: true }),
    copyConcurrency: envNumber(env, "WORKER_COPY_CONCURRENCY", 1, { min: 1, integer: true }),
    backoffBaseSeconds: envNumber(env, "WORKER_BACKOFF_BASE_SECONDS", 10, { min: 0 }),
    backoffMaxSeconds: envNumber(env, "WORKER_BACKOFF_MAX_SECONDS", 900, { min: 0 }),
    claimLeaseSeconds: envNumber(env, "WORKER_CLAIM_LEASE_SECONDS", 120, { min: 1 }),
    roleSessionSeconds: envNumber(env, "WORKER_ROLE_SESSION_SECONDS", 3600, { min: 1 }),
    stopGraceMs: envNumber(env, "WORKER_STOP_GRACE_MS", 30_000, { min: 0 }),
    maxStatementsPerBatch: envNumber(env, "WORKER_MAX_STATEMENTS_PER_BATCH", 64, { min: 1 }),
    fileAttempts: envNumber(env, "WORKER_FILE_ATTEMPTS", 3, { min: 1, integer: true }),
    copyEndpointUrl: env.DATABEND_S3_ENDPOINT_URL || undefined,
    loadMetadataHours,
    ledgerRetentionHours: envNumber(env, "WORKER_LEDGER_RETENTION_HOURS", loadMetadataHours + 24, { min: loadMetadataHours }),
    probeMaxMs: envNumber(env, "WORKER_PROBE_MAX_MS", 30_000, { min: 100 }),
    metricsPort: envPort(env, "WORKER_METRICS_PORT", 9464, { off: true }),
    metricsHost: env.WORKER_METRICS_HOST || "127.0.0.1",
  };
}

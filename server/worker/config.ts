// Worker tuning, from the environment; defaults suit a real queue.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

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
  /** COPY statements in flight per task. */
  loadConcurrency: number;
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

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return dflt;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}, got "${raw}"`);
  return value;
}

/** WORKER_METRICS_PORT: a port (default 9464, 0 for any free one) or "off". */
function metricsPort(env: NodeJS.ProcessEnv): number | null {
  const raw = env.WORKER_METRICS_PORT?.trim();
  if (raw?.toLowerCase() === "off") return null;
  const port = num(env, "WORKER_METRICS_PORT", 9464, 0);
  if (!Number.isInteger(port) || port > 65535) throw new Error(`WORKER_METRICS_PORT must be a port (0-65535) or "off", got "${raw}"`);
  return port;
}

export function defaultWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const loadMetadataHours = num(env, "WORKER_LOAD_METADATA_HOURS", (14 + 7) * 24, 1);
  return {
    workerId: env.WORKER_ID || defaultWorkerId(),
    pollMs: num(env, "WORKER_POLL_MS", 1000, 50),
    receiveConcurrency: num(env, "WORKER_RECEIVE_CONCURRENCY", 4, 1),
    waitSeconds: num(env, "WORKER_WAIT_SECONDS", 20, 0),
    visibilitySeconds: num(env, "WORKER_VISIBILITY_SECONDS", 60, 2),
    batchMaxFiles: num(env, "WORKER_BATCH_MAX_FILES", 1000, 1),
    batchLingerMs: num(env, "WORKER_BATCH_LINGER_MS", 1000, 0),
    loadConcurrency: num(env, "WORKER_LOAD_CONCURRENCY", 1, 1),
    backoffBaseSeconds: num(env, "WORKER_BACKOFF_BASE_SECONDS", 10, 0),
    backoffMaxSeconds: num(env, "WORKER_BACKOFF_MAX_SECONDS", 900, 0),
    claimLeaseSeconds: num(env, "WORKER_CLAIM_LEASE_SECONDS", 120, 1),
    roleSessionSeconds: num(env, "WORKER_ROLE_SESSION_SECONDS", 3600, 1),
    stopGraceMs: num(env, "WORKER_STOP_GRACE_MS", 30_000, 0),
    maxStatementsPerBatch: num(env, "WORKER_MAX_STATEMENTS_PER_BATCH", 64, 1),
    copyEndpointUrl: env.DATABEND_S3_ENDPOINT_URL || undefined,
    loadMetadataHours,
    ledgerRetentionHours: num(env, "WORKER_LEDGER_RETENTION_HOURS", loadMetadataHours + 24, loadMetadataHours),
    probeMaxMs: num(env, "WORKER_PROBE_MAX_MS", 30_000, 100),
    metricsPort: metricsPort(env),
    metricsHost: env.WORKER_METRICS_HOST || "127.0.0.1",
  };
}

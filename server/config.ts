// Configuration from the environment, with the defaults of the embedded run (DESIGN.md).
import path from "node:path";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://... to keep the store in PostgreSQL (several API processes and workers); unset: SQLite under dataDir. */
  databaseUrl: string | undefined;
  orgId: string;
  platformSetupRoleArn: string;
  platformLoadRoleArn: string;
  /** Set only when the operator points the SDK somewhere other than AWS (a sandbox). */
  awsEndpointUrl: string | undefined;
  databendDsn: string;
  /** How long the API waits for Databend when it checks a task's target table. */
  databendCheckTimeoutMs: number;
  logLevel: string;
}

export const DEFAULTS = {
  port: 3000,
  dataDir: "./data",
  orgId: "local-org",
  platformSetupRoleArn: "arn:aws:iam::111111111111:role/platform-setup",
  platformLoadRoleArn: "arn:aws:iam::111111111111:role/platform-load",
  databendDsn: "databend://root:@127.0.0.1:8000/default?sslmode=disable",
  databendCheckTimeoutMs: 5000,
} as const;

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a whole number above 0, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: portFrom(env.PORT, DEFAULTS.port, "PORT"),
    host: env.HOST || "127.0.0.1",
    dataDir: path.resolve(env.DATA_DIR || DEFAULTS.dataDir),
    databaseUrl: env.DATABASE_URL || undefined,
    orgId: env.ORG_ID || DEFAULTS.orgId,
    platformSetupRoleArn: env.PLATFORM_SETUP_ROLE_ARN || DEFAULTS.platformSetupRoleArn,
    platformLoadRoleArn: env.PLATFORM_LOAD_ROLE_ARN || DEFAULTS.platformLoadRoleArn,
    awsEndpointUrl: env.AWS_ENDPOINT_URL || undefined,
    databendDsn: env.DATABEND_DSN || DEFAULTS.databendDsn,
    databendCheckTimeoutMs: positiveInt(env.DATABEND_CHECK_TIMEOUT_MS, DEFAULTS.databendCheckTimeoutMs, "DATABEND_CHECK_TIMEOUT_MS"),
    logLevel: env.LOG_LEVEL || "info",
  };
}

// Configuration from the environment, with the defaults of the embedded run (DESIGN.md).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { API_KEY_MIN_LENGTH } from "./auth/key-length.ts";
import { allowedHostEntry, LOOPBACK_HOSTNAMES } from "./host-names.ts";

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
  /** Where browsers reach the console (PUBLIC_URL), as an origin: `https://console.example.com`. */
  publicOrigin: string | undefined;
  /**
   * Host names the server answers for (any port), against DNS rebinding: the loopback names, the
   * host of PUBLIC_URL and ALLOWED_HOSTS. Lower case, as `parseAuthority` reads a Host header.
   */
  allowedHosts: readonly string[];
  /** Time to receive a whole request, headers and body; a slower client gets 408 and is cut. */
  requestTimeoutMs: number;
  /** A connection with no bytes in either direction for this long is closed. */
  connectionTimeoutMs: number;
  /** How long an idle keep-alive connection is kept between requests. */
  keepAliveTimeoutMs: number;
  /** The largest request body accepted (413 above). */
  bodyLimitBytes: number;
  /** Signs session cookies (AUTH_SECRET); random per process when unset, so sessions end at restart. */
  authSecret: string;
  /** ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_API_KEY: seed an empty store's first organization, admin and key. */
  adminSeed: AdminSeed | undefined;
  /** API_METRICS_PORT: where the API serves Prometheus metrics (0: any free port); null ("off"): nowhere. */
  apiMetricsPort: number | null;
  /** API_METRICS_HOST: the address of that port (loopback unless the operator opens it). */
  apiMetricsHost: string;
}

export interface AdminSeed {
  email: string;
  password: string;
  apiKey: string;
}

export const DEFAULTS = {
  port: 3000,
  dataDir: "./data",
  orgId: "local-org",
  platformSetupRoleArn: "arn:aws:iam::111111111111:role/platform-setup",
  platformLoadRoleArn: "arn:aws:iam::111111111111:role/platform-load",
  databendDsn: "databend://root:@127.0.0.1:8000/default?sslmode=disable",
  databendCheckTimeoutMs: 5000,
  apiMetricsPort: 9465,
  // Long enough for a 64 KiB body on a slow link, short enough that held requests do not pile up.
  requestTimeoutMs: 30_000,
  // Above Test Connectivity's whole budget (20 s), during which its stream may be silent.
  connectionTimeoutMs: 60_000,
  // Node's own default; behind a load balancer it must exceed the balancer's idle timeout.
  keepAliveTimeoutMs: 5_000,
  // The largest valid body (a task with 1 KiB prefix and suffix) is a few KiB.
  bodyLimitBytes: 64 * 1024,
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

function publicOriginFrom(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new Error(`PUBLIC_URL must be the http(s) address browsers use for the console, like https://console.example.com; got "${value}"`);
  }
  return url.origin;
}

function allowedHostsFrom(env: NodeJS.ProcessEnv, publicOrigin: string | undefined): string[] {
  const listed = (env.ALLOWED_HOSTS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const hostname = allowedHostEntry(entry);
      if (!hostname) {
        throw new Error(
          `ALLOWED_HOSTS is a comma-separated list of host names without scheme, port or path (any port is accepted), ` +
            `like console.example.com,10.0.0.5; got "${entry}"`,
        );
      }
      return hostname;
    });
  const fromPublicUrl = publicOrigin ? [new URL(publicOrigin).hostname] : [];
  return [...new Set([...LOOPBACK_HOSTNAMES, ...fromPublicUrl, ...listed])];
}

const AUTH_SECRET_MIN_LENGTH = 32;

function authSecretFrom(value: string | undefined): string {
  // Not hand-made crypto: 32 bytes from the OS's generator, used by better-auth as its secret.
  if (value === undefined || value === "") return randomBytes(32).toString("base64url");
  if (value.length < AUTH_SECRET_MIN_LENGTH) {
    throw new Error(`AUTH_SECRET must be at least ${AUTH_SECRET_MIN_LENGTH} characters (e.g. openssl rand -base64 32); got ${value.length}`);
  }
  return value;
}

const SEED_VARIABLES = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "ADMIN_API_KEY"] as const;

function adminSeedFrom(env: NodeJS.ProcessEnv): AdminSeed | undefined {
  const set = SEED_VARIABLES.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < SEED_VARIABLES.length) {
    const missing = SEED_VARIABLES.filter((name) => !env[name]);
    throw new Error(`${SEED_VARIABLES.join(", ")} seed the first organization together; ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing`);
  }
  const apiKey = env.ADMIN_API_KEY!;
  if (apiKey.length < API_KEY_MIN_LENGTH || /\s/.test(apiKey)) {
    throw new Error(`ADMIN_API_KEY must be at least ${API_KEY_MIN_LENGTH} characters without spaces (e.g. openssl rand -hex 32); got ${apiKey.length}`);
  }
  return { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD!, apiKey };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicOrigin = publicOriginFrom(env.PUBLIC_URL);
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
    publicOrigin,
    allowedHosts: allowedHostsFrom(env, publicOrigin),
    requestTimeoutMs: positiveInt(env.REQUEST_TIMEOUT_MS, DEFAULTS.requestTimeoutMs, "REQUEST_TIMEOUT_MS"),
    connectionTimeoutMs: positiveInt(env.CONNECTION_TIMEOUT_MS, DEFAULTS.connectionTimeoutMs, "CONNECTION_TIMEOUT_MS"),
    keepAliveTimeoutMs: positiveInt(env.KEEP_ALIVE_TIMEOUT_MS, DEFAULTS.keepAliveTimeoutMs, "KEEP_ALIVE_TIMEOUT_MS"),
    bodyLimitBytes: positiveInt(env.BODY_LIMIT_BYTES, DEFAULTS.bodyLimitBytes, "BODY_LIMIT_BYTES"),
    authSecret: authSecretFrom(env.AUTH_SECRET),
    adminSeed: adminSeedFrom(env),
    apiMetricsPort:
      env.API_METRICS_PORT?.trim().toLowerCase() === "off" ? null : portFrom(env.API_METRICS_PORT?.trim(), DEFAULTS.apiMetricsPort, "API_METRICS_PORT (or off)"),
    apiMetricsHost: env.API_METRICS_HOST || "127.0.0.1",
  };
}

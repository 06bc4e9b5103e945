// Configuration from the environment, with the defaults of the embedded run (DESIGN.md).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { isS3TemplateUrl } from "#contracts/aws-names.ts";
import { isRole, ROLES, type Role } from "#contracts/roles.ts";
import { API_KEY_MIN_LENGTH } from "./auth/key-length.ts";
import { envBoolean, envNumber, envPort } from "./env-values.ts";
import { allowedHostEntry, LOOPBACK_HOSTNAMES } from "./host-names.ts";
import { trustProxyFrom } from "./trust-proxy.ts";
import { secretKeysFromEnv, type SecretKeys } from "./warehouses/secret-box.ts";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://... to keep the store in PostgreSQL (several API processes and workers); unset: SQLite under dataDir. */
  databaseUrl: string | undefined;
  /**
   * ORG_ID: the ID (External ID) the first organization gets, by seeding or by the first-run link;
   * unset, better-auth generates it. Later organizations always get generated IDs.
   */
  orgId: string | undefined;
  platformSetupRoleArn: string;
  platformLoadRoleArn: string;
  /**
   * CLOUDFORMATION_TEMPLATE_URL: the Amazon S3 URL where the deployment published the AWS-side
   * template (`node scripts/aws-template.ts`); the console's Launch stack links point at it. Unset:
   * no link, only downloads (docs/aws-template.md).
   */
  cloudFormationTemplateUrl: string | undefined;
  /** Set only when the operator points the SDK somewhere other than AWS (a sandbox). */
  awsEndpointUrl: string | undefined;
  /** The first organization's default warehouse (server/warehouses/connections.ts); later ones have their own. */
  databendDsn: string;
  /** WAREHOUSE_SECRET_KEY (and WAREHOUSE_SECRET_KEYS_OLD while rotating): seals warehouse passwords at rest. */
  warehouseSecretKeys: SecretKeys;
  /** ALLOW_ORG_CREATION (default true): whether any signed-in person may make an organization (POST /api/organizations). */
  allowOrgCreation: boolean;
  /**
   * WAREHOUSE_PROVISIONER_URL: the dev warehouse's `POST /v1/dev/tenants` (npm start sets it); a new
   * organization then gets a managed warehouse, a tenant of its own. Unset: an admin adds one.
   */
  warehouseProvisionerUrl: string | undefined;
  /** How long the API waits for Databend when it checks a task's target table. */
  databendCheckTimeoutMs: number;
  /** How long a task preview waits for Databend to read the sample object. */
  databendPreviewTimeoutMs: number;
  /** ENDPOINT_URL Databend is given for S3 when it reaches S3 elsewhere than the API does (DATABEND_S3_ENDPOINT_URL, as the worker's). */
  databendS3EndpointUrl: string | undefined;
  logLevel: string;
  /** Where browsers reach the console (PUBLIC_URL), as an origin: `https://console.example.com`. */
  publicOrigin: string | undefined;
  /**
   * Host names the server answers for (any port), against DNS rebinding: the loopback names, the
   * host of PUBLIC_URL and ALLOWED_HOSTS. Lower case, as `parseAuthority` reads a Host header.
   */
  allowedHosts: readonly string[];
  /** TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client (trust-proxy.ts); unset, none. */
  trustProxy: string[] | undefined;
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
  /** Single sign-on through an OpenID provider (OIDC_*); unset: email and password only. */
  oidc: OidcConfig | undefined;
  /** API_METRICS_PORT: where the API serves Prometheus metrics (0: any free port); null ("off"): nowhere. */
  apiMetricsPort: number | null;
  /** API_METRICS_HOST: the address of that port (loopback unless the operator opens it). */
  apiMetricsHost: string;
}

export interface OidcConfig {
  /** The issuer's URL exactly as its discovery document names it; discovery is at `<issuer without trailing />/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** better-auth's provider id: the last segment of the redirect URI, `/api/auth/callback/<id>`. */
  providerId: string;
  /** The sign-in button reads "Sign in with <label>". */
  label: string;
  /** The organization a user joins on their first single sign-on. */
  orgId: string;
  /** The role they join it with. */
  defaultRole: Role;
}

export interface AdminSeed {
  email: string;
  password: string;
  apiKey: string;
}

export const DEFAULTS = {
  port: 3000,
  dataDir: "./data",
  platformSetupRoleArn: "arn:aws:iam::111111111111:role/platform-setup",
  platformLoadRoleArn: "arn:aws:iam::111111111111:role/platform-load",
  databendDsn: "databend://root:@127.0.0.1:8000/default?sslmode=disable",
  databendCheckTimeoutMs: 5000,
  // Reading an object from S3 takes longer than a DESC.
  databendPreviewTimeoutMs: 15_000,
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

const WHOLE_ABOVE_0 = { min: 1, integer: true };

function templateUrlFrom(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  if (!isS3TemplateUrl(value.trim())) {
    throw new Error(
      `CLOUDFORMATION_TEMPLATE_URL must be the https Amazon S3 URL of the published template (CloudFormation's quick-create links accept only S3 URLs), like https://my-bucket.s3.us-east-1.amazonaws.com/databend-aws-side.json; got "${value}"`,
    );
  }
  return value.trim();
}

function provisionerUrlFrom(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) {
    throw new Error(`WAREHOUSE_PROVISIONER_URL must be the dev warehouse's tenant endpoint, like http://127.0.0.1:8000/v1/dev/tenants, without credentials; got "${value}"`);
  }
  return url.toString();
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

const OIDC_REQUIRED = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

function oidcIssuerFrom(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // Plain http only on this machine (the stand-in): elsewhere tokens and codes would cross the network in clear.
  const loopback = url && (LOOPBACK_HOSTNAMES as readonly string[]).includes(url.hostname);
  if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && loopback)) || url.search || url.hash) {
    throw new Error(
      `OIDC_ISSUER must be the OpenID provider's issuer URL, https (http only on 127.0.0.1 or localhost), without query, ` +
        `like https://login.example.com/realms/acme; got "${value}"`,
    );
  }
  // Kept as given: discovery must name exactly this issuer (a trailing slash included).
  return value;
}

function oidcFrom(env: NodeJS.ProcessEnv, orgId: string | undefined): OidcConfig | undefined {
  const set = OIDC_REQUIRED.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < OIDC_REQUIRED.length) {
    const missing = OIDC_REQUIRED.filter((name) => !env[name]);
    throw new Error(`${OIDC_REQUIRED.join(", ")} configure single sign-on together; ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing`);
  }
  const providerId = env.OIDC_PROVIDER_ID || "oidc";
  if (!PROVIDER_ID.test(providerId)) {
    throw new Error(`OIDC_PROVIDER_ID must be 1 to 40 lower-case letters, digits and hyphens (it ends the redirect URI); got "${providerId}"`);
  }
  const label = (env.OIDC_LABEL ?? "").trim() || "single sign-on";
  if (label.length > 60) throw new Error(`OIDC_LABEL must be at most 60 characters (the sign-in button's text); got ${label.length}`);
  const oidcOrgId = env.OIDC_ORG_ID || orgId;
  if (!oidcOrgId) throw new Error("OIDC_ORG_ID must name the organization single sign-on's users join (or set ORG_ID, its default)");
  const defaultRole = env.OIDC_DEFAULT_ROLE || "viewer";
  if (!isRole(defaultRole)) throw new Error(`OIDC_DEFAULT_ROLE must be one of ${ROLES.join(", ")}; got "${defaultRole}"`);
  return {
    issuer: oidcIssuerFrom(env.OIDC_ISSUER!),
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET!,
    providerId,
    label,
    orgId: oidcOrgId,
    defaultRole,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicOrigin = publicOriginFrom(env.PUBLIC_URL);
  const orgId = env.ORG_ID || undefined;
  return {
    port: envPort(env, "PORT", DEFAULTS.port),
    host: env.HOST || "127.0.0.1",
    dataDir: path.resolve(env.DATA_DIR || DEFAULTS.dataDir),
    databaseUrl: env.DATABASE_URL || undefined,
    orgId,
    platformSetupRoleArn: env.PLATFORM_SETUP_ROLE_ARN || DEFAULTS.platformSetupRoleArn,
    platformLoadRoleArn: env.PLATFORM_LOAD_ROLE_ARN || DEFAULTS.platformLoadRoleArn,
    cloudFormationTemplateUrl: templateUrlFrom(env.CLOUDFORMATION_TEMPLATE_URL),
    awsEndpointUrl: env.AWS_ENDPOINT_URL || undefined,
    databendDsn: env.DATABEND_DSN || DEFAULTS.databendDsn,
    warehouseSecretKeys: secretKeysFromEnv(env),
    allowOrgCreation: envBoolean(env, "ALLOW_ORG_CREATION", true),
    warehouseProvisionerUrl: provisionerUrlFrom(env.WAREHOUSE_PROVISIONER_URL),
    databendCheckTimeoutMs: envNumber(env, "DATABEND_CHECK_TIMEOUT_MS", DEFAULTS.databendCheckTimeoutMs, WHOLE_ABOVE_0),
    databendPreviewTimeoutMs: envNumber(env, "DATABEND_PREVIEW_TIMEOUT_MS", DEFAULTS.databendPreviewTimeoutMs, WHOLE_ABOVE_0),
    databendS3EndpointUrl: env.DATABEND_S3_ENDPOINT_URL || undefined,
    logLevel: env.LOG_LEVEL || "info",
    publicOrigin,
    allowedHosts: allowedHostsFrom(env, publicOrigin),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    requestTimeoutMs: envNumber(env, "REQUEST_TIMEOUT_MS", DEFAULTS.requestTimeoutMs, WHOLE_ABOVE_0),
    connectionTimeoutMs: envNumber(env, "CONNECTION_TIMEOUT_MS", DEFAULTS.connectionTimeoutMs, WHOLE_ABOVE_0),
    keepAliveTimeoutMs: envNumber(env, "KEEP_ALIVE_TIMEOUT_MS", DEFAULTS.keepAliveTimeoutMs, WHOLE_ABOVE_0),
    bodyLimitBytes: envNumber(env, "BODY_LIMIT_BYTES", DEFAULTS.bodyLimitBytes, WHOLE_ABOVE_0),
    authSecret: authSecretFrom(env.AUTH_SECRET),
    adminSeed: adminSeedFrom(env),
    oidc: oidcFrom(env, orgId),
    apiMetricsPort: envPort(env, "API_METRICS_PORT", DEFAULTS.apiMetricsPort, { off: true }),
    apiMetricsHost: env.API_METRICS_HOST || "127.0.0.1",
  };
}

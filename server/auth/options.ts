// better-auth's configuration, the one definition of identity: which plugins (organizations, API
// keys), how sessions and keys are carried, and where the tables live (our store's Kysely handle,
// so the same SQLite file or PostgreSQL database). The store's migrate step and the HTTP handler
// both build from here, so the tables created are always the tables the handler expects.
//
// Why better-auth: a maintained TypeScript library that runs on a Kysely instance we hand it (our
// node:sqlite dialect and pg pool alike), with email and password, OpenID Connect (generic-oauth /
// SSO), organizations with roles, and hashed, revocable API keys as plugins; passwords, session
// tokens, cookies and key hashing stay in the library.
import { apiKey } from "@better-auth/api-key";
import type { BetterAuthOptions } from "better-auth";
import { organization } from "better-auth/plugins";
import type { Kysely } from "kysely";
import type { Role } from "#contracts/roles.ts";
import type { OidcConfig } from "../config.ts";
import type { DialectName } from "../store/dialect.ts";
import { API_KEY_MIN_LENGTH } from "./key-length.ts";
import { ORGANIZATION_ACCESS } from "./org-roles.ts";
import { bearerToken } from "./bearer.ts";
import { instanceRateLimitStorage } from "./rate-limit-storage.ts";
import { ssoDatabaseHooks, ssoPlugin, ssoValidateUserInfo } from "./sso.ts";

/** The role the first organization's admin gets (the issue's roles are admin, operator, viewer). */
export const ADMIN_ROLE = "admin" satisfies Role;


/** The header the API sets to the client's address for better-auth's rate limits. */
export const CLIENT_ADDRESS_HEADER = "x-client-address";
export const SIGN_IN_MAX_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_SECONDS = 60;
/** How long an invitation link stays valid (the organization plugin's default, said once here). */
export const INVITATION_EXPIRES_IN_SECONDS = 48 * 3600;
/** The longest API key name: the contract's display-name limit (the library's default is 32). */
const KEY_NAME_MAX_LENGTH = 128;

export interface AuthDatabase {
  // Kysely<any>: better-auth's tables are its own, not in our schema's row types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
  dialect: DialectName;
}

export interface AuthOptionsInput {
  database: AuthDatabase;
  /** Signs session cookies. */
  secret: string;
  /** PUBLIC_URL's origin when set; otherwise better-auth takes the request's (Host is allow-listed). */
  baseURL?: string | undefined;
  /** Secure cookies: on everywhere but loopback, where browsers reach the console over plain http. */
  secureCookies: boolean;
  /** Where better-auth's own log lines go (ours, rather than its console output). */
  log?: ((level: "debug" | "info" | "warn" | "error", message: string) => void) | undefined;
  /** Seeding only: create the first user. Served, nobody signs themselves up (members are invited, later). */
  allowSignUp?: boolean | undefined;
  /** Seeding only: the API key to issue, instead of a random one. */
  issueKey?: string | undefined;
  /** Seeding only: the id to give the organization created, instead of a generated one. */
  organizationId?: string | undefined;
  /**
   * Single sign-on (OIDC_*), and how a first sign-on's user joins OIDC_ORG_ID (the served
   * instance's auth.api.addMember, which does not exist before the instance does).
   */
  sso?: { oidc: OidcConfig; addMember: (userId: string) => Promise<void> } | undefined;
}

/** What only the seeding instance sets. */
export type Seeding = Pick<AuthOptionsInput, "issueKey" | "organizationId" | "allowSignUp">;

/**
 * Plugins, in one place: the schema (migrations) and the handler must agree on them. Single
 * sign-on's generic-oauth plugin has no tables of its own (its users and accounts are the core
 * tables; a test holds it to that), so the migrate step, which has no OIDC configuration, builds
 * the same tables with or without it.
 */
function plugins(input: Seeding & Pick<AuthOptionsInput, "sso">) {
  const { issueKey, organizationId, sso } = input;
  return [
    organization({
      ...ORGANIZATION_ACCESS,
      creatorRole: ADMIN_ROLE,
      invitationExpiresIn: INVITATION_EXPIRES_IN_SECONDS,
      ...(organizationId ? { organizationHooks: { beforeCreateOrganization: async () => ({ data: { id: organizationId } }) } } : {}),
    }),
    apiKey({
      defaultKeyLength: API_KEY_MIN_LENGTH,
      maximumNameLength: KEY_NAME_MAX_LENGTH,
      // A key belongs to the user who made it (references "user") and carries its organization and
      // role as metadata (principal.ts). It is verified by server/auth/principal.ts only, never
      // turned into a session: a key must not act across its creator's other organizations.
      enableMetadata: true,
      // The library's default, 10 requests a day per key, would stop automation; per-key limits
      // come with the rate limits of the server's edges (issue 10, section 2).
      rateLimit: { enabled: false },
      // Automation sends `Authorization: Bearer <key>`, the usual header, rather than x-api-key.
      customAPIKeyGetter: (ctx) => (ctx.headers ? bearerToken(ctx.headers) : undefined) ?? null,
      ...(issueKey ? { customKeyGenerator: () => issueKey } : {}),
    }),
    ...(sso ? [ssoPlugin(sso.oidc)] : []),
  ];
}

/** What decides the tables: the database and the plugins. The store's migrate step uses only this. */
export function authSchemaOptions(database: AuthDatabase, seeding: Seeding & Pick<AuthOptionsInput, "sso"> = {}) {
  return {
    database: { db: database.db, type: database.dialect },
    plugins: plugins(seeding),
  } satisfies BetterAuthOptions;
}

export function authOptions(input: AuthOptionsInput) {
  return {
    ...authSchemaOptions(input.database, input),
    secret: input.secret,
    baseURL: input.baseURL,
    basePath: "/api/auth",
    // No session from sign-up itself: the instances that sign people up (seeding, accepting an
    // invitation) sign them in through the served instance, so no unused session is left behind.
    // disableSignUp is email and password's only: a first single sign-on still creates its user.
    emailAndPassword: { enabled: true, disableSignUp: !input.allowSignUp, autoSignIn: false },
    ...(input.sso
      ? { user: { validateUserInfo: ssoValidateUserInfo(input.sso.oidc) }, databaseHooks: ssoDatabaseHooks(input.sso.oidc, input.sso.addMember) }
      : {}),
    // Nobody reports usage anywhere.
    telemetry: { enabled: false },
    ...(input.log ? { logger: { log: input.log } } : {}),
    // Sign-in attempts per client address (x-client-address, set by the API from the socket or the
    // trusted proxy; a client's own header is replaced), against password guessing.
    rateLimit: {
      enabled: true,
      customStorage: instanceRateLimitStorage(),
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: SIGN_IN_WINDOW_SECONDS, max: SIGN_IN_MAX_ATTEMPTS },
        // Starting single sign-on (each start stores a state row), at the same pace; the library's
        // default for /sign-in/* would allow 3 in 10 seconds.
        "/sign-in/social": { window: SIGN_IN_WINDOW_SECONDS, max: SIGN_IN_MAX_ATTEMPTS },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      useSecureCookies: input.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" as const },
    },
  } satisfies BetterAuthOptions;
}

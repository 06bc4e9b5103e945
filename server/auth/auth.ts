// The better-auth instance over the store's database, from configuration.
import { betterAuth } from "better-auth";
import type { FastifyBaseLogger } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { LOOPBACK_HOSTNAMES } from "../host-names.ts";
import type { StoreDb } from "../store/dialect.ts";
import { authOptions, type Seeding } from "./options.ts";

export interface CreateAuthOptions extends Seeding {
  logger?: Logger | FastifyBaseLogger | undefined;
}

export function createAuth(config: Config, store: StoreDb, { logger, ...seeding }: CreateAuthOptions = {}) {
  const oidc = config.oidc;
  // Set once the instance exists: its organization API adds a first sign-on's user to OIDC_ORG_ID.
  let addMember: ((userId: string) => Promise<void>) | undefined;
  const auth = betterAuth(
    authOptions({
      database: { db: store.db, dialect: store.dialect },
      secret: config.authSecret,
      baseURL: config.publicOrigin,
      secureCookies: !servedOnLoopback(config),
      log: logger && ((level, message) => logger[level]({ component: "better-auth" }, message)),
      sso: oidc && { oidc, addMember: (userId) => addMember!(userId) },
      ...seeding,
    }),
  );
  if (oidc) {
    // The organization plugin types roles as its defaults (owner, admin, member); it stores ours
    // (contracts/roles.ts) as given.
    type PluginRole = NonNullable<Parameters<typeof auth.api.addMember>[0]>["body"]["role"];
    addMember = async (userId) => {
      await auth.api.addMember({ body: { userId, organizationId: oidc.orgId, role: oidc.defaultRole as PluginRole } });
    };
  }
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * Whether browsers reach the console on this machine only (the embedded run over plain http):
 * PUBLIC_URL's host when set, else the address the API listens on.
 */
export function servedOnLoopback(config: Pick<Config, "publicOrigin" | "host">): boolean {
  const host = config.publicOrigin ? new URL(config.publicOrigin).hostname : config.host;
  return (LOOPBACK_HOSTNAMES as readonly string[]).includes(host) || host === "::1";
}

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
  return betterAuth(
    authOptions({
      database: { db: store.db, dialect: store.dialect },
      secret: config.authSecret,
      baseURL: config.publicOrigin,
      secureCookies: !servedOnLoopback(config),
      log: logger && ((level, message) => logger[level]({ component: "better-auth" }, message)),
      ...seeding,
    }),
  );
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

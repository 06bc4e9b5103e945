// How long the server waits for a client and how much it reads: the Fastify (and Node HTTP
// server) options that cut held connections. Fastify's own defaults disable the request timeout
// and never time out an idle socket, so a client that sends headers and a few bytes of body, then
// nothing, would hold its connection and memory for as long as it likes.
import type { FastifyServerOptions } from "fastify";
import type { ServerOptions } from "node:http";
import type { Config } from "../../config.ts";

type Limits = Pick<Config, "requestTimeoutMs" | "connectionTimeoutMs" | "keepAliveTimeoutMs" | "bodyLimitBytes">;

/** How often Node looks for requests past their time; its default (30 s) would let a short timeout run long. */
const MAX_CHECK_INTERVAL_MS = 30_000;

export function serverLimits(
  limits: Limits,
): Pick<FastifyServerOptions, "bodyLimit" | "requestTimeout" | "connectionTimeout" | "keepAliveTimeout"> & { http: ServerOptions } {
  return {
    bodyLimit: limits.bodyLimitBytes,
    // The whole request, headers and body, within this time (answered 408): cuts a slow drip.
    requestTimeout: limits.requestTimeoutMs,
    // No byte in either direction for this long closes the socket: cuts a stalled body at once.
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      // Given here too: Node refuses a headers timeout (60 s by default) longer than the request timeout.
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(60_000, limits.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.max(100, Math.ceil(limits.requestTimeoutMs / 4))),
    },
  };
}

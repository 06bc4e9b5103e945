// Answers only for the host names in the allow-list (config.allowedHosts), on every route, static
// files included. Against DNS rebinding: a page on evil.example that re-points its name at
// 127.0.0.1 reaches this port from the operator's browser as same-origin, but its requests
// still say `Host: evil.example`.
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../../config.ts";
import { parseAuthority } from "../../host-names.ts";
import { HttpError } from "./errors.ts";

export const hostAllowList = fp<{ config: Pick<Config, "allowedHosts"> }>(
  async (app: FastifyInstance, { config }) => {
    const allowed = new Set(config.allowedHosts);
    app.addHook("onRequest", async (request) => {
      const host = request.headers.host;
      const parsed = host === undefined ? undefined : parseAuthority(host);
      if (!parsed) throw new HttpError(400, "Send a Host header with the name this server is reached by");
      if (!allowed.has(parsed.hostname)) {
        // 421 Misdirected Request: this server is not the one for that name.
        throw new HttpError(
          421,
          `This server does not answer for the host "${parsed.hostname}". If that is how it is reached, ` +
            `add ${parsed.hostname} to ALLOWED_HOSTS (comma-separated) or set PUBLIC_URL to the console's address`,
        );
      }
    });
  },
  { name: "host-allow-list" },
);

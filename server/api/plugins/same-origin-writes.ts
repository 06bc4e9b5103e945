// Requests that change state (POST, PUT, PATCH, DELETE) accept what a browser can send only from
// the console itself. A page on another site can POST a <form> (text/plain, urlencoded or
// multipart, no preflight) or a simple fetch; a JSON body needs a CORS preflight this server
// never grants, and the browser's Origin header names the page that sent it. Clients without an
// Origin (curl, SDKs, scripts) are not browsers and pass; API keys will cover them.
//
// Checked on every route, before the body is read, so a refused request costs no parsing.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../../config.ts";
import { HttpError } from "./errors.ts";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBody(request: FastifyRequest): boolean {
  const { "content-length": length, "transfer-encoding": chunked } = request.headers;
  return chunked !== undefined || (length !== undefined && Number(length) > 0);
}

function isJson(request: FastifyRequest): boolean {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json";
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * The console's own origins: the one this request was addressed to (its scheme and Host, which
 * the host allow-list has already checked), and PUBLIC_URL's, for a console behind a proxy that
 * terminates TLS (the request arrives as http, the page is https).
 */
function isSameOrigin(request: FastifyRequest, origin: string, publicOrigin: string | undefined): boolean {
  const sent = originOf(origin);
  if (sent === undefined) return false; // includes "null": sandboxed frames, file: pages
  return sent === originOf(`${request.protocol}://${request.headers.host}`) || sent === publicOrigin;
}

export const sameOriginWrites = fp<{ config: Pick<Config, "publicOrigin"> }>(
  async (app: FastifyInstance, { config }) => {
    app.addHook("onRequest", async (request) => {
      if (!STATE_CHANGING.has(request.method)) return;
      const origin = request.headers.origin;
      if (origin !== undefined && !isSameOrigin(request, origin, config.publicOrigin)) {
        throw new HttpError(
          403,
          `Cross-origin request refused: Origin "${origin}" is not this console's address. ` +
            "If the console is served there (e.g. behind a proxy), set PUBLIC_URL to that address",
        );
      }
      if (hasBody(request) && !isJson(request)) {
        throw new HttpError(415, "Send the body as JSON with Content-Type: application/json");
      }
    });
  },
  { name: "same-origin-writes" },
);

// What the request log says about a request: its method, its URL with secrets taken out, host and
// peer. An invitation's id is its secret (whoever holds `/invite/<id>` may accept it and choose the
// password), so it never reaches a log line, whether the request is the invite page, its preview
// or its acceptance, or a mistyped path that 404s (long segments of unmatched paths are replaced). Query strings keep only the parameters the
// matched route declares in its querystring schema (contract fields: a warehouse id, a limit, the
// audit log's filters); any other value is replaced, so an OAuth `code`, a `next=/invite/<id>` or
// anything a client appends never reaches the log.
import type { FastifyRequest } from "fastify";

export const REDACTED = "[redacted]";

/** Paths whose `:secret` segment is a secret, API and console alike (matched by segment, any case). */
const SECRET_PATHS: ReadonlyArray<readonly string[]> = [
  "/api/invitations/:secret",
  "/api/invitations/:secret/accept",
  // The console's invite page (src/features/session/routes.tsx), served as the SPA shell.
  "/invite/:secret",
].map((pattern) => pattern.split("/"));

/**
 * A path no route matched (a 404, or the console's shell for a client-side route) may be a secret
 * path mistyped (`/api/invitation/<id>`): its long segments are replaced. Invitation ids are 32
 * characters, API keys longer; names in our paths are shorter than this.
 */
const UNMATCHED_SEGMENT_MAX = 19;

function redactPath(pathname: string, matchedRoute: boolean): string {
  const segments = pathname.split("/");
  // A trailing slash adds an empty segment; the pattern is matched without it.
  const compared = segments.at(-1) === "" && segments.length > 1 ? segments.slice(0, -1) : segments;
  for (const pattern of SECRET_PATHS) {
    if (pattern.length !== compared.length) continue;
    const matches = pattern.every((part, i) => part === ":secret" || part.toLowerCase() === compared[i]!.toLowerCase());
    if (matches) return segments.map((segment, i) => (pattern[i] === ":secret" ? REDACTED : segment)).join("/");
  }
  if (matchedRoute) return pathname;
  return segments.map((segment) => (segment.length > UNMATCHED_SEGMENT_MAX ? REDACTED : segment)).join("/");
}

/** The query parameters a route declares (its zod querystring object's keys); none when it declares no object. */
function declaredQuery(request: FastifyRequest): ReadonlySet<string> {
  const schema = request.routeOptions?.schema?.querystring as { shape?: Record<string, unknown> } | undefined;
  return new Set(schema?.shape && typeof schema.shape === "object" ? Object.keys(schema.shape) : []);
}

/** The URL as logged: secret path segments and undeclared query parameters (names and values) replaced. */
export function loggedUrl(request: FastifyRequest): string {
  const url = request.url;
  const at = url.indexOf("?");
  const pathname = redactPath(at === -1 ? url : url.slice(0, at), request.routeOptions?.url !== undefined);
  if (at === -1) return pathname;
  const declared = declaredQuery(request);
  const kept: string[] = [];
  let hidden = false;
  for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
    if (declared.has(name)) kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    else hidden = true;
  }
  if (hidden) kept.push(REDACTED);
  return kept.length > 0 ? `${pathname}?${kept.join("&")}` : pathname;
}

/** Fastify's request serializer (its default's fields), with the URL as loggedUrl says. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

// The built console (dist/) at /: hashed files under /assets/ are cached for a year as immutable,
// index.html and the SPA fallback are revalidated on every load (no-cache), and each file is sent
// as the precompressed sibling (x.br, x.gz) the build wrote when the client accepts it. API routes
// are untouched: nothing here compresses or buffers a response.
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import path from "node:path";

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

/** The build's content-hashed output folder; everything else (index.html, public/ files) may change under one name. */
const HASHED_DIR = "assets";

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}` });
}

/**
 * A request the SPA shell answers: a GET or HEAD of a client-side route. Not the API, not a build
 * file, and not a path that names a parent folder or hides a slash (`..`, `%2f`, `\`): those are
 * attempts to reach files, and get a 404.
 */
function isClientRoute(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const pathname = request.url.split("?")[0] ?? "";
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (decoded.includes("\\") || /%2f|%5c/i.test(pathname) || decoded.split("/").includes("..")) return false;
  return !(decoded === "/api" || decoded.startsWith("/api/") || decoded.startsWith(`/${HASHED_DIR}/`));
}

export async function serveConsole(app: FastifyInstance, staticDir: string): Promise<void> {
  const root = path.resolve(staticDir);
  const hashedRoot = path.join(root, HASHED_DIR) + path.sep;
  await app.register(fastifyStatic, {
    root,
    // One route per file that exists at startup: an unknown path never reaches the file system.
    wildcard: false,
    // The siblings are chosen through Accept-Encoding, never requested by name.
    globIgnore: ["**/*.br", "**/*.gz"],
    preCompressed: true,
    // Cache-Control comes from setHeaders alone (send's default is max-age=0).
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      reply.header("cache-control", filePath.startsWith(hashedRoot) ? IMMUTABLE : REVALIDATE);
    },
  });
  // Client-side routes (deep links like /data/sources/ds1) get the SPA shell; an unknown build
  // file (/assets/old-hash.js after a deploy) or API route is a 404, never HTML.
  app.setNotFoundHandler((request, reply) => {
    if (!isClientRoute(request)) return notFound(request, reply);
    return reply.type("text/html; charset=utf-8").sendFile("index.html");
  });
}

export function apiOnlyNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler(notFound);
}

// The HTTP app, assembled from one plugin per resource.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { healthRoutes } from "./health.ts";
import { orgRoutes } from "./org.ts";
import { errorHandling } from "./errors.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Built SPA to serve at /; omitted in API-only tests. */
  staticDir?: string;
}

export async function buildApp({ config, logger, staticDir }: AppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024 });
  await app.register(errorHandling);
  await app.register(healthRoutes);
  await app.register(orgRoutes, { config });
  if (staticDir && existsSync(path.join(staticDir, "index.html"))) {
    await app.register(fastifyStatic, { root: path.resolve(staticDir), wildcard: false });
    // Client-side routes: any non-API GET that is not a file gets the SPA shell.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === "GET" && !request.url.startsWith("/api/")) {
        return reply.type("text/html").sendFile("index.html");
      }
      return reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}` });
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}` }),
    );
  }
  return app;
}

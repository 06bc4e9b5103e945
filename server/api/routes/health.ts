import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

export const healthSchema = z.object({ status: z.literal("ok") });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/health",
    { config: { access: "public" }, schema: { summary: "Liveness: the API answers", tags: ["health"], response: { 200: healthSchema } } },
    async () => ({ status: "ok" as const }),
  );
};

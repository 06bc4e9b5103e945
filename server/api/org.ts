// The organization. `organization` decorates every request with `request.orgId`, the organization
// it acts for (its External ID): one organization per deployment today, set from ORG_ID, and the
// one seam for multi-tenancy later (a signed-in user's or an API key's organization). `orgRoutes`
// serves GET /api/org.
import fp from "fastify-plugin";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { orgInfoSchema, type OrgInfo } from "#contracts/api.ts";
import type { Config } from "../config.ts";
import { ERROR_RESPONSES } from "./errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The organization the request acts for; its ID is the External ID. */
    orgId: string;
  }
}

export const organization = fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorateRequest("orgId", "");
    app.addHook("onRequest", async (request) => {
      request.orgId = config.orgId;
    });
  },
  { name: "organization" },
);

export function orgInfo(config: Config, orgId: string): OrgInfo {
  return {
    org_id: orgId,
    platform_setup_role_arn: config.platformSetupRoleArn,
    platform_load_role_arn: config.platformLoadRoleArn,
  };
}

export const orgRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  app.get(
    "/api/org",
    {
      schema: {
        summary: "The organization: its ID (the External ID) and the platform roles its IAM role must trust",
        tags: ["organization"],
        response: { 200: orgInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => orgInfo(config, request.orgId),
  );
};

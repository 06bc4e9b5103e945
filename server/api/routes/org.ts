// GET /api/org: the organization the caller acts for (`request.orgId`, set by access.ts from the
// session or key), whose ID is the External ID, and the platform roles its IAM role must trust.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { orgInfoSchema, type OrgInfo } from "#contracts/api.ts";
import type { Config } from "../../config.ts";
import { ERROR_RESPONSES } from "../plugins/errors.ts";

export function orgInfo(config: Config, orgId: string): OrgInfo {
  return {
    org_id: orgId,
    platform_setup_role_arn: config.platformSetupRoleArn,
    platform_load_role_arn: config.platformLoadRoleArn,
    ...(config.cloudFormationTemplateUrl ? { cloudformation_template_url: config.cloudFormationTemplateUrl } : {}),
  };
}

export const orgRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  app.get(
    "/api/org",
    {
      config: { access: "read" },
      schema: {
        summary: "The organization: its ID (the External ID) and the platform roles its IAM role must trust",
        tags: ["organization"],
        response: { 200: orgInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => orgInfo(config, request.orgId),
  );
};

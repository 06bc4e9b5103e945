import type { FastifyPluginAsync } from "fastify";
import type { OrgInfo } from "#contracts/api.ts";
import type { Config } from "../config.ts";

export function orgInfo(config: Config): OrgInfo {
  return {
    org_id: config.orgId,
    platform_setup_role_arn: config.platformSetupRoleArn,
    platform_load_role_arn: config.platformLoadRoleArn,
  };
}

export const orgRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.get("/api/org", async () => orgInfo(config));
};

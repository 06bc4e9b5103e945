// /api/members: the active organization's people, for its admins. Changing a role or removing a
// member never leaves the organization without an admin (409). Another organization's user id is
// simply not found here (404): every query is scoped to request.orgId.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listOf } from "#contracts/api.ts";
import { memberRoleInputSchema, memberSchema, type Member } from "#contracts/identity.ts";
import { ROLE_LABELS } from "#contracts/roles.ts";
import { memberDirectory, type MemberChange } from "../../auth/members.ts";
import { deleteKeysOf } from "./keys.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

const memberParamsSchema = memberSchema.pick({ user_id: true });

const notFound = (userId: string) => new HttpError(404, `No member with user id ${userId} in this organization`);

function settled(change: MemberChange, userId: string, doing: string): { before: Member; after: Member | null } {
  if (change.status === "missing") throw notFound(userId);
  if (change.status === "last_admin") {
    throw new HttpError(409, `${change.member.email} is this organization's last admin; make another member an admin before ${doing}`);
  }
  return change;
}

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["identity"];
  const directory = async () => memberDirectory(await app.storeDb());

  app.get(
    "/api/members",
    {
      config: { access: "admin" },
      schema: { summary: "The organization's members and their roles", tags, response: { 200: listOf(memberSchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ items: await (await directory()).list(request.orgId) }),
  );

  app.patch(
    "/api/members/:user_id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Change a member's role (409 for the organization's last admin); it applies from their next request",
        tags,
        params: memberParamsSchema,
        body: memberRoleInputSchema,
        response: { 200: memberSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { user_id } = request.params;
      const { role } = request.body;
      const { before, after } = settled(await (await directory()).setRole(request.orgId, user_id, role), user_id, "changing their role");
      if (before.role !== role) {
        await app.audit(request, {
          action: "role_changed",
          resource_type: "member",
          resource_id: user_id,
          resource_name: before.email,
          outcome: `${ROLE_LABELS[before.role]} → ${ROLE_LABELS[role]}`,
        });
      }
      return after!;
    },
  );

  app.delete(
    "/api/members/:user_id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Remove a member from the organization (409 for its last admin); their API keys for it are revoked",
        tags,
        params: memberParamsSchema,
        response: { 204: z.undefined().describe("Removed"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { user_id } = request.params;
      const { before } = settled(await (await directory()).remove(request.orgId, user_id), user_id, "removing them");
      // Their keys stop acting at once without this (principal.ts needs the creator's membership),
      // but would come back to life if they were invited again.
      const revoked = await deleteKeysOf(await app.auth(), await app.storeDb(), request.orgId, user_id);
      await app.audit(request, { action: "removed", resource_type: "member", resource_id: user_id, resource_name: before.email });
      // Each key revoked with them is a change of its own: recorded by id and name, never its value.
      for (const key of revoked) {
        await app.audit(request, { action: "revoked", resource_type: "api_key", resource_id: key.id, resource_name: key.name, outcome: `its creator ${before.email} was removed` });
      }
      return reply.code(204).send();
    },
  );
};

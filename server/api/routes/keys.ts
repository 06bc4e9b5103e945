// /api/keys: the organization's API keys, for its admins. A key is made by better-auth
// (auth.api.createApiKey, server-side form: it belongs to the calling user and carries
// {org_id, role} as metadata; stored hashed) and shown once. Listing reads better-auth's apikey
// table and never shows a key; revoking deletes the row, so the key answers 401 from then on.
// Last use is better-auth's lastRequest, which its verify (principal.ts) sets on every use.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listOf } from "#contracts/api.ts";
import { apiKeyInputSchema, apiKeySchema, createdApiKeySchema, type ApiKey } from "#contracts/identity.ts";
import { lesserRole, ROLE_LABELS } from "#contracts/roles.ts";
import type { Kysely } from "kysely";
import type { Auth } from "../../auth/auth.ts";
import { isoOf } from "../../auth/members.ts";
import { keyMetadataOf, type KeyMetadata } from "../../auth/principal.ts";
import type { StoreDb } from "../../store/dialect.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

interface KeyRow {
  id: string;
  name: string | null;
  start: string | null;
  referenceId: string;
  metadata: unknown;
  createdAt: Date | string;
  lastRequest: Date | string | null;
}

type OrgKey = KeyRow & { meta: KeyMetadata };

/**
 * The organization's keys, read with the store's Kysely handle: better-auth's adapter caps
 * findMany at 100 rows. The organization is inside the metadata (JSON text), so rows are filtered
 * here rather than in SQL; key counts are small.
 */
async function orgKeys(s: StoreDb, orgId: string): Promise<OrgKey[]> {
  // Kysely<any>: better-auth's table, not in our schema's row types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = s.db as unknown as Kysely<any>;
  const rows = (await db
    .selectFrom("apikey")
    .select(["id", "name", "start", "referenceId", "metadata", "createdAt", "lastRequest"])
    .orderBy("createdAt")
    .orderBy("id")
    .execute()) as KeyRow[];
  return rows.flatMap((row) => {
    const meta = keyMetadataOf(row.metadata);
    return meta?.org_id === orgId ? [{ ...row, meta }] : [];
  });
}

async function emailsOf(auth: Auth, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const { adapter } = await auth.$context;
  const users = await adapter.findMany<{ id: string; email: string }>({ model: "user", where: [{ field: "id", operator: "in", value: [...new Set(userIds)] }] });
  return new Map(users.map((u) => [u.id, u.email]));
}

function toApiKey(row: OrgKey, emails: Map<string, string>): ApiKey {
  return {
    id: row.id,
    name: row.name ?? "",
    role: row.meta.role,
    start: row.start,
    created_by: emails.get(row.referenceId) ?? "",
    created_at: isoOf(row.createdAt),
    last_used_at: row.lastRequest ? isoOf(row.lastRequest) : null,
  };
}

/**
 * Deletes a (removed) member's keys for one organization; their keys for other organizations stay.
 * Returns the keys deleted, by id and name, for the audit log.
 */
export async function deleteKeysOf(auth: Auth, s: StoreDb, orgId: string, userId: string): Promise<{ id: string; name: string | null }[]> {
  const { adapter } = await auth.$context;
  const deleted: { id: string; name: string | null }[] = [];
  for (const key of (await orgKeys(s, orgId)).filter((k) => k.referenceId === userId)) {
    await adapter.delete({ model: "apikey", where: [{ field: "id", value: key.id }] });
    deleted.push({ id: key.id, name: key.name });
  }
  return deleted;
}

const keyParamsSchema = apiKeySchema.pick({ id: true });

export const keyRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["identity"];
  const notFound = (id: string) => new HttpError(404, `No API key with id ${id} in this organization`);

  app.get(
    "/api/keys",
    {
      config: { access: "admin" },
      schema: { summary: "The organization's API keys with their last use (never the keys themselves)", tags, response: { 200: listOf(apiKeySchema), ...ERROR_RESPONSES } },
    },
    async (request) => {
      const auth = await app.auth();
      const keys = await orgKeys(await app.storeDb(), request.orgId);
      const emails = await emailsOf(auth, keys.map((k) => k.referenceId));
      return { items: keys.map((k) => toApiKey(k, emails)) };
    },
  );

  app.post(
    "/api/keys",
    {
      config: { access: "admin" },
      schema: {
        summary: "Create an API key for this organization with a role (at most your own); the answer carries the key, shown this once",
        tags,
        body: apiKeyInputSchema,
        response: { 201: createdApiKeySchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { name, role } = request.body;
      const principal = request.principal!;
      // Only admins reach this route today; the rule holds whatever the route's level becomes.
      if (lesserRole(role, request.role) !== role) {
        const message = `Your role is ${ROLE_LABELS[request.role]}; a key you make can have at most that role`;
        throw new HttpError(403, message, { role: message });
      }
      const auth = await app.auth();
      const metadata: KeyMetadata = { org_id: request.orgId, role };
      // No headers: the server-side form, which takes the owner as userId (an API key caller has no session).
      const made = await auth.api.createApiKey({ body: { userId: principal.user.id, name, metadata } });
      await app.audit(request, { action: "created", resource_type: "api_key", resource_id: made.id, resource_name: name, outcome: ROLE_LABELS[role] });
      const listed = toApiKey({ ...made, meta: metadata } as OrgKey, new Map([[principal.user.id, principal.user.email]]));
      return reply.code(201).send({ ...listed, key: made.key });
    },
  );

  app.delete(
    "/api/keys/:id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Revoke an API key: it stops working at once",
        tags,
        params: keyParamsSchema,
        response: { 204: z.undefined().describe("Revoked"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const auth = await app.auth();
      const { adapter } = await auth.$context;
      const row = await adapter.findOne<KeyRow>({ model: "apikey", where: [{ field: "id", value: id }] });
      if (!row || keyMetadataOf(row.metadata)?.org_id !== request.orgId) throw notFound(id);
      await adapter.delete({ model: "apikey", where: [{ field: "id", value: id }] });
      await app.audit(request, { action: "revoked", resource_type: "api_key", resource_id: id, resource_name: row.name });
      return reply.code(204).send();
    },
  );
};

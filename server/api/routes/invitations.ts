// /api/invitations: admins invite people by email with a role and get the link once
// (`<origin>/invite/<secret id>`; nobody emails it). The link's holder previews it and accepts it
// (public routes: the link is the secret). A new person sets a name and password: the account is
// made by better-auth's sign-up on an instance that allows it (sign-up is off on the served one),
// then they are signed in and better-auth's accept-invitation adds the membership. Someone whose
// account exists must be signed in as the invited email; then only the membership is added.
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listOf } from "#contracts/api.ts";
import {
  acceptInvitationBodySchema,
  createdInvitationSchema,
  IDENTITY_MESSAGES,
  invitationInputSchema,
  invitationPreviewSchema,
  invitationSchema,
} from "#contracts/identity.ts";
import { sessionSchema } from "#contracts/session.ts";
import { ROLE_LABELS, type Role } from "#contracts/roles.ts";
import { createAuth, type Auth } from "../../auth/auth.ts";
import { invitationBook, isOpen, toInvitation, type InvitationRow } from "../../auth/invitations.ts";
import { memberDirectory } from "../../auth/members.ts";
import { createAuthenticate } from "../../auth/principal.ts";
import type { Config } from "../../config.ts";
import { headersOf } from "../plugins/access.ts";
import { sessionOf, signInAndSetCookie } from "./auth.ts";
import { ERROR_RESPONSES, HttpError, invalidFields } from "../plugins/errors.ts";

export interface InvitationRoutesOptions {
  config: Config;
}

const handleParamsSchema = invitationSchema.pick({ id: true });
const linkParamsSchema = z.object({ id: z.string().min(1).max(200) });

const GONE = "This invitation link is not valid: it was cancelled, already used, or has expired; ask an admin for a new one";

/** better-auth's refusals (APIError: statusCode and body.message) as our error sentence. */
function refusal(error: unknown): never {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const message = (error as { body?: { message?: unknown } } | null)?.body?.message;
  if (typeof status === "number" && status >= 400 && status < 500) {
    throw new HttpError(status === 401 ? 401 : 409, typeof message === "string" && message ? message : GONE);
  }
  throw error;
}

export const invitationRoutes: FastifyPluginAsyncZod<InvitationRoutesOptions> = async (app, { config }) => {
  const tags = ["identity"];
  const book = async () => invitationBook(await app.auth(), await app.storeDb());
  /** Only ever used for signUpEmail, server-side; never behind an HTTP handler. */
  let signUp: Promise<Auth> | undefined;
  const signUpAuth = () => (signUp ??= app.storeDb().then((db) => createAuth(config, db, { logger: app.log, allowSignUp: true })));
  const origin = (request: FastifyRequest) => config.publicOrigin ?? `${request.protocol}://${request.host}`;

  async function openInvitation(id: string): Promise<InvitationRow> {
    const row = await (await book()).byId(id);
    if (!row || !isOpen(row)) throw new HttpError(404, GONE);
    return row;
  }

  app.post(
    "/api/invitations",
    {
      config: { access: "admin" },
      schema: {
        summary: "Invite someone by email with a role; the answer carries the link, shown this once (a new invitation for the same email cancels the earlier link)",
        tags,
        body: invitationInputSchema,
        response: { 201: createdInvitationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { email, role } = request.body;
      const member = await memberDirectory(await app.storeDb()).findByEmail(request.orgId, email);
      if (member) {
        const message = `${email} is already a member of this organization`;
        throw new HttpError(409, message, { email: message });
      }
      const principal = request.principal!;
      const row = await (await book()).create(request.orgId, email, role, principal.user.id);
      const invitation = toInvitation(row, principal.user.email);
      await app.audit(request, { action: "invited", resource_type: "invitation", resource_id: invitation.id, resource_name: email, outcome: ROLE_LABELS[role] });
      return reply.code(201).send({ ...invitation, url: `${origin(request)}/invite/${encodeURIComponent(row.id)}` });
    },
  );

  app.get(
    "/api/invitations",
    {
      config: { access: "admin" },
      schema: { summary: "The organization's pending invitations (without their links)", tags, response: { 200: listOf(invitationSchema), ...ERROR_RESPONSES } },
    },
    async (request) => {
      const b = await book();
      const rows = await b.open(request.orgId);
      const emails = await b.emailsOf(rows.map((r) => r.inviterId));
      return { items: rows.map((row) => toInvitation(row, emails.get(row.inviterId) ?? "")) };
    },
  );

  app.delete(
    "/api/invitations/:id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Cancel a pending invitation by its handle (the `id` in the list): its link stops working",
        tags,
        params: handleParamsSchema,
        response: { 204: z.undefined().describe("Cancelled"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const b = await book();
      const row = await b.byHandle(request.orgId, request.params.id);
      if (!row) throw new HttpError(404, `No pending invitation with id ${request.params.id} in this organization`);
      await b.cancel(row.id);
      await app.audit(request, { action: "revoked", resource_type: "invitation", resource_id: request.params.id, resource_name: row.email });
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/invitations/:id",
    {
      config: { access: "public" },
      schema: {
        summary: "What an invitation link invites to (the path carries the link's secret id); 404 once cancelled, used or expired",
        tags,
        params: linkParamsSchema,
        response: { 200: invitationPreviewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const row = await openInvitation(request.params.id);
      const b = await book();
      const organization_name = await b.organizationName(row.organizationId);
      if (organization_name === null) throw new HttpError(404, GONE);
      return { organization_name, email: row.email, role: row.role as Role, account_exists: (await b.userByEmail(row.email)) !== null };
    },
  );

  app.post(
    "/api/invitations/:id/accept",
    {
      config: { access: "public" },
      schema: {
        summary:
          "Accept an invitation: a new person sends their name and password and is signed in; someone with an account signs in as the invited email first and sends {}",
        tags,
        params: linkParamsSchema,
        body: acceptInvitationBodySchema,
        response: { 200: sessionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = await openInvitation(id);
      const auth = await app.auth();
      const authenticate = createAuthenticate(auth);
      const existing = await (await book()).userByEmail(row.email);
      let headers: Headers;
      if (existing) {
        const principal = await authenticate(headersOf(request));
        if (!principal || principal.via.kind !== "session") {
          throw new HttpError(401, `${row.email} already has an account here: sign in as ${row.email}, then open the invitation link again`);
        }
        if (principal.user.id !== existing.id) {
          throw new HttpError(403, `This invitation is for ${row.email}, and you are signed in as ${principal.user.email}: sign out and sign in as ${row.email}`);
        }
        headers = headersOf(request);
      } else {
        const { name, password } = request.body;
        const missing = {
          ...(name === undefined ? { name: IDENTITY_MESSAGES.personNameRequired } : {}),
          ...(password === undefined ? { password: IDENTITY_MESSAGES.passwordShort } : {}),
        };
        if (name === undefined || password === undefined) throw invalidFields(missing);
        await (await signUpAuth()).api.signUpEmail({ body: { email: row.email, password, name } }).catch(refusal);
        const cookies = await signInAndSetCookie(auth, reply, row.email, password);
        headers = new Headers({ cookie: cookies.map((c) => c.split(";")[0]).join("; ") });
      }
      // better-auth's accept: marks the invitation accepted only while it is still pending (so a
      // link works once, even for two clicks at once), adds the member, makes the org active.
      await auth.api.acceptInvitation({ body: { invitationId: id }, headers }).catch(refusal);
      const principal = await authenticate(headers);
      if (!principal) throw new Error("accepting an invitation: the session disappeared");
      await app.audit(
        request,
        { action: "joined", resource_type: "member", resource_id: principal.user.id, resource_name: principal.user.email, outcome: ROLE_LABELS[row.role as Role] },
        { orgId: row.organizationId, principal },
      );
      return sessionOf(principal);
    },
  );
};

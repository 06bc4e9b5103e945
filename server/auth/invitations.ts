// Invitations in better-auth's organization plugin's table. The invitation's id is the secret in
// its link (`/invite/<id>`): better-auth generates it (32 characters from [a-zA-Z0-9] by
// crypto.getRandomValues with rejection sampling: about 190 bits), and anyone holding it may
// accept. So it is handed out once, in the answer to the admin who invites; lists, cancelling and
// the audit log use a handle derived from it by SHA-256, from which the link cannot be recovered.
//
// Why not the plugin's invite-member and cancel-invitation endpoints: they act only with the
// caller's own session (an admin's API key has none) and check the plugin's roles (owner, admin,
// member), which cannot hold our operator and viewer. Creation still goes through better-auth's
// adapter, so the id is the library's; accepting goes through the plugin (auth.api.acceptInvitation).
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Invitation } from "#contracts/identity.ts";
import { isRole, type Role } from "#contracts/roles.ts";
import type { StoreDb } from "../store/dialect.ts";
import type { Auth } from "./auth.ts";
import { isoOf } from "./members.ts";
import { INVITATION_EXPIRES_IN_SECONDS } from "./options.ts";

export interface InvitationRow {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  status: string;
  inviterId: string;
  expiresAt: Date | string;
  createdAt: Date | string;
}

/** The public handle of an invitation: lists, cancelling and the audit log name it by this. */
export function invitationHandle(id: string): string {
  return createHash("sha256").update(`invitation:${id}`).digest("base64url").slice(0, 22);
}

export function isOpen(row: InvitationRow, now = new Date()): boolean {
  return row.status === "pending" && new Date(row.expiresAt).getTime() > now.getTime() && isRole(row.role);
}

export function toInvitation(row: InvitationRow, inviterEmail: string): Invitation {
  return {
    id: invitationHandle(row.id),
    email: row.email,
    role: row.role as Role,
    invited_by: inviterEmail,
    expires_at: isoOf(row.expiresAt),
  };
}

export function invitationBook(auth: Auth, s: StoreDb) {
  // Kysely<any>: better-auth's tables, not in our schema's row types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = s.db as unknown as Kysely<any>;
  const adapter = async () => (await auth.$context).adapter;

  /** The organization's open invitations, oldest first (read with Kysely: the adapter caps lists at 100). */
  async function open(orgId: string): Promise<InvitationRow[]> {
    const rows = (await db.selectFrom("invitation").selectAll().where("organizationId", "=", orgId).where("status", "=", "pending").orderBy("createdAt").execute()) as InvitationRow[];
    return rows.filter((row) => isOpen(row));
  }

  async function setStatus(id: string, status: "canceled"): Promise<void> {
    await (await adapter()).update({ model: "invitation", where: [{ field: "id", value: id }], update: { status } });
  }

  return {
    open,
    /** The invitation behind a link, whatever its state; null when unknown. */
    async byId(id: string): Promise<InvitationRow | null> {
      return (await adapter()).findOne<InvitationRow>({ model: "invitation", where: [{ field: "id", value: id }] });
    },
    async byHandle(orgId: string, handle: string): Promise<InvitationRow | null> {
      return (await open(orgId)).find((row) => invitationHandle(row.id) === handle) ?? null;
    },
    /** A new pending invitation; earlier open ones for the same email are cancelled (their links die). */
    async create(orgId: string, email: string, role: Role, inviterId: string): Promise<InvitationRow> {
      for (const row of (await open(orgId)).filter((r) => r.email === email)) await setStatus(row.id, "canceled");
      const now = new Date();
      return (await adapter()).create<Omit<InvitationRow, "id">, InvitationRow>({
        model: "invitation",
        data: {
          organizationId: orgId,
          email,
          role,
          status: "pending",
          inviterId,
          expiresAt: new Date(now.getTime() + INVITATION_EXPIRES_IN_SECONDS * 1000),
          createdAt: now,
        },
      });
    },
    cancel: (id: string) => setStatus(id, "canceled"),
    async organizationName(orgId: string): Promise<string | null> {
      const org = await (await adapter()).findOne<{ name: string }>({ model: "organization", where: [{ field: "id", value: orgId }] });
      return org?.name ?? null;
    },
    async userByEmail(email: string): Promise<{ id: string; email: string } | null> {
      return (await adapter()).findOne<{ id: string; email: string }>({ model: "user", where: [{ field: "email", value: email.toLowerCase() }] });
    },
    async emailsOf(userIds: string[]): Promise<Map<string, string>> {
      if (userIds.length === 0) return new Map();
      const users = (await db.selectFrom("user").select(["id", "email"]).where("id", "in", [...new Set(userIds)]).execute()) as { id: string; email: string }[];
      return new Map(users.map((u) => [u.id, u.email]));
    },
  };
}

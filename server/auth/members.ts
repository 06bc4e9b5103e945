// An organization's members, read and changed in better-auth's own tables (member, user) through
// the store's Kysely handle. Why not the organization plugin's update-member-role and
// remove-member endpoints: they act only with the caller's own session (an admin's API key has
// none) and check the plugin's role model (owner/admin/member) instead of ours; and the "last
// admin" rule must be decided in the same transaction as the change, with the admins' rows locked
// on PostgreSQL, which better-auth's adapter cannot express. Access is checked by the routes.
import type { Kysely } from "kysely";
import type { Member } from "#contracts/identity.ts";
import { isRole, type Role } from "#contracts/roles.ts";
import type { StoreDb } from "../store/dialect.ts";

export type MemberChange = { status: "missing" } | { status: "last_admin"; member: Member } | { status: "done"; before: Member; after: Member | null };

interface Row {
  id: string;
  userId: string;
  role: string;
  createdAt: Date | string | number;
  email: string;
  name: string;
}

/** better-auth stores dates as Date (PostgreSQL) or text/number (SQLite). */
export function isoOf(value: Date | string | number): string {
  return new Date(value).toISOString();
}

function toMember(row: Row): Member {
  return { user_id: row.userId, email: row.email, name: row.name, role: (isRole(row.role) ? row.role : "viewer") as Role, joined_at: isoOf(row.createdAt) };
}

// Kysely<any>: better-auth's tables are its own, not in our schema's row types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function membersQuery(db: AnyDb, orgId: string) {
  return db
    .selectFrom("member")
    .innerJoin("user", "user.id", "member.userId")
    .select(["member.id as id", "member.userId as userId", "member.role as role", "member.createdAt as createdAt", "user.email as email", "user.name as name"])
    .where("member.organizationId", "=", orgId);
}

export function memberDirectory(s: StoreDb) {
  const db = s.db as unknown as AnyDb;

  /**
   * Runs a change of one member in a transaction that first locks the organization's admins
   * (PostgreSQL: FOR UPDATE, so two admins demoting each other at once cannot both succeed;
   * SQLite: BEGIN IMMEDIATE already makes writers take turns).
   */
  async function change(orgId: string, userId: string, role: Role | null): Promise<MemberChange> {
    return db.transaction().execute(async (trx) => {
      const admins = trx.selectFrom("member").select(["userId"]).where("organizationId", "=", orgId).where("role", "=", "admin");
      const adminIds = (await (s.dialect === "postgres" ? admins.forUpdate() : admins).execute()).map((r) => r.userId as string);
      const row = (await membersQuery(trx, orgId).where("member.userId", "=", userId).executeTakeFirst()) as Row | undefined;
      if (!row) return { status: "missing" };
      const before = toMember(row);
      const losesAdmin = before.role === "admin" && role !== "admin";
      if (losesAdmin && adminIds.filter((id) => id !== userId).length === 0) return { status: "last_admin", member: before };
      if (role === null) {
        await trx.deleteFrom("member").where("id", "=", row.id).execute();
        return { status: "done", before, after: null };
      }
      await trx.updateTable("member").set({ role }).where("id", "=", row.id).execute();
      return { status: "done", before, after: { ...before, role } };
    });
  }

  return {
    async list(orgId: string): Promise<Member[]> {
      const rows = (await membersQuery(db, orgId).orderBy("member.createdAt").orderBy("member.id").execute()) as Row[];
      return rows.map(toMember);
    },
    async find(orgId: string, userId: string): Promise<Member | null> {
      const row = (await membersQuery(db, orgId).where("member.userId", "=", userId).executeTakeFirst()) as Row | undefined;
      return row ? toMember(row) : null;
    },
    async findByEmail(orgId: string, email: string): Promise<Member | null> {
      const row = (await membersQuery(db, orgId).where("user.email", "=", email.toLowerCase()).executeTakeFirst()) as Row | undefined;
      return row ? toMember(row) : null;
    },
    setRole: (orgId: string, userId: string, role: Role) => change(orgId, userId, role),
    remove: (orgId: string, userId: string) => change(orgId, userId, null),
  };
}

export type MemberDirectory = ReturnType<typeof memberDirectory>;

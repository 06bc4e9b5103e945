// The warehouse port of the store: an organization's Databend warehouses, each scoped to its
// organization like every other record (another organization's id is simply not found). The
// password arrives here already sealed (server/warehouses/secret-box.ts) and leaves sealed; this
// file never sees it in clear. One default per organization is kept by a partial unique index
// (migration 10); moving the default is one transaction.
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { StoreDb } from "./dialect.ts";
import type { WarehousesTable } from "./schema.ts";
import type { TaskRef } from "./types.ts";

/** A warehouse as stored: the contract's fields, its organization and the sealed password. */
export interface StoredWarehouse {
  id: string;
  org_id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  password_enc: string;
  database: string;
  tls: boolean;
  is_default: boolean;
  managed: boolean;
  created_at: string;
  updated_at: string;
}

export interface WarehouseFields {
  name: string;
  host: string;
  port: number;
  user: string;
  database: string;
  tls: boolean;
  is_default: boolean;
}

/** The id is chosen by the caller, so the password can be sealed bound to it before the insert. */
export interface NewWarehouse extends WarehouseFields {
  id: string;
  password_enc: string;
  managed: boolean;
}

export type WarehouseDeleteResult =
  | { status: "deleted" | "missing" }
  | { status: "in_use"; tasks: TaskRef[] }
  /** The default while the organization has others: another must become the default first. */
  | { status: "default" };

export class DuplicateWarehouseNameError extends Error {
  readonly existingName: string;
  constructor(existingName: string) {
    super(`A warehouse named ${existingName} already exists`);
    this.existingName = existingName;
  }
}

/** Another writer made the organization's default at the same moment (the partial unique index said so). */
export class DefaultTakenError extends Error {
  constructor() {
    super("Another request made this organization's default warehouse at the same moment; try again");
    this.name = "DefaultTakenError";
  }
}

export interface WarehouseStore {
  /** The organization's warehouses, the default first, then by creation. */
  listWarehouses(orgId: string): Promise<StoredWarehouse[]>;
  getWarehouse(orgId: string, id: string): Promise<StoredWarehouse | null>;
  defaultWarehouse(orgId: string): Promise<StoredWarehouse | null>;
  /**
   * The organization's first warehouse is its default whatever it asks; a later one asking to be the
   * default takes it over. Throws DuplicateWarehouseNameError; a race for "first" loses with the
   * unique index's violation, which callers read as "someone else made the default" (isUniqueViolation).
   */
  createWarehouse(orgId: string, warehouse: NewWarehouse): Promise<StoredWarehouse>;
  /** Null when no such id in the org. `password_enc` undefined keeps the stored one. */
  updateWarehouse(orgId: string, id: string, fields: Partial<WarehouseFields> & { password_enc?: string }): Promise<StoredWarehouse | null>;
  deleteWarehouse(orgId: string, id: string): Promise<WarehouseDeleteResult>;
  /** Tasks of the organization saved without a warehouse (before migration 10) take this one. */
  assignTasksWithoutWarehouse(orgId: string, warehouseId: string): Promise<number>;
  /** Every organization's warehouses with a password (re-sealing with a new key at start). */
  listSealedPasswords(): Promise<{ id: string; org_id: string; password_enc: string }[]>;
  /** Replaces a sealed password only if it is still `previous` (another process may have re-sealed it). */
  resealPassword(orgId: string, id: string, previous: string, next: string): Promise<boolean>;
}

export function toStoredWarehouse(row: Selectable<WarehousesTable>): StoredWarehouse {
  return {
    id: row.id,
    org_id: row.org_id,
    name: row.name,
    host: row.host,
    port: Number(row.port),
    user: row.user,
    password_enc: row.password_enc,
    database: row.database,
    tls: Number(row.tls) === 1,
    is_default: Number(row.is_default) === 1,
    managed: Number(row.managed) === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function newWarehouseId(): string {
  return `wh-${randomUUID()}`;
}

export function warehouseStore(s: StoreDb, now: () => Date): WarehouseStore {
  const { db } = s;
  const getRow = (orgId: string, id: string) =>
    db.selectFrom("warehouses").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();

  const byName = (orgId: string, name: string) =>
    db
      .selectFrom("warehouses")
      .select("name")
      .where("org_id", "=", orgId)
      .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
      .executeTakeFirst();

  const usedBy = (orgId: string, id: string): Promise<TaskRef[]> =>
    db.selectFrom("tasks").select(["id", "name"]).where("org_id", "=", orgId).where("warehouse_id", "=", id).orderBy("name").execute();

  /** A unique violation on the name becomes DuplicateWarehouseNameError; on the default, DefaultTakenError. */
  const duplicate = async (error: unknown, orgId: string, name: string | undefined): Promise<never> => {
    if (!s.isUniqueViolation(error)) throw error;
    const taken = name === undefined ? undefined : await byName(orgId, name);
    if (taken) throw new DuplicateWarehouseNameError(taken.name);
    throw new DefaultTakenError();
  };

  return {
    async listWarehouses(orgId) {
      const rows = await db
        .selectFrom("warehouses")
        .selectAll()
        .where("org_id", "=", orgId)
        .orderBy("is_default", "desc")
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toStoredWarehouse);
    },

    async getWarehouse(orgId, id) {
      const row = await getRow(orgId, id);
      return row ? toStoredWarehouse(row) : null;
    },

    async defaultWarehouse(orgId) {
      const row = await db.selectFrom("warehouses").selectAll().where("org_id", "=", orgId).where("is_default", "=", 1).executeTakeFirst();
      return row ? toStoredWarehouse(row) : null;
    },

    async createWarehouse(orgId, w) {
      const taken = await byName(orgId, w.name);
      if (taken) throw new DuplicateWarehouseNameError(taken.name);
      const at = now().toISOString();
      await db
        .transaction()
        .execute(async (tx) => {
          const any = await tx.selectFrom("warehouses").select("id").where("org_id", "=", orgId).limit(1).executeTakeFirst();
          const isDefault = !any || w.is_default;
          if (isDefault && any) await tx.updateTable("warehouses").set({ is_default: 0 }).where("org_id", "=", orgId).where("is_default", "=", 1).execute();
          await tx
            .insertInto("warehouses")
            .values({
              id: w.id, org_id: orgId, name: w.name, host: w.host, port: w.port, user: w.user, password_enc: w.password_enc,
              database: w.database, tls: w.tls ? 1 : 0, is_default: isDefault ? 1 : 0, managed: w.managed ? 1 : 0,
              created_at: at, updated_at: at,
            })
            .execute();
        })
        .catch((error) => duplicate(error, orgId, w.name));
      return toStoredWarehouse((await getRow(orgId, w.id))!);
    },

    async updateWarehouse(orgId, id, fields) {
      const { is_default: makeDefault, tls, ...rest } = fields;
      const changed = await db
        .transaction()
        .execute(async (tx) => {
          const current = await tx.selectFrom("warehouses").select(["id", "is_default"]).where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
          if (!current) return false;
          // The default moves only to a warehouse; it cannot be taken away and leave none.
          if (makeDefault === true && Number(current.is_default) !== 1) {
            await tx.updateTable("warehouses").set({ is_default: 0 }).where("org_id", "=", orgId).where("is_default", "=", 1).execute();
          }
          await tx
            .updateTable("warehouses")
            .set({
              ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
              ...(tls === undefined ? {} : { tls: tls ? 1 : 0 }),
              ...(makeDefault === true ? { is_default: 1 } : {}),
              updated_at: now().toISOString(),
            })
            .where("org_id", "=", orgId)
            .where("id", "=", id)
            .execute();
          return true;
        })
        .catch((error) => duplicate(error, orgId, fields.name));
      return changed ? toStoredWarehouse((await getRow(orgId, id))!) : null;
    },

    async deleteWarehouse(orgId, id) {
      const row = await getRow(orgId, id);
      if (!row) return { status: "missing" };
      const tasks = await usedBy(orgId, id);
      if (tasks.length > 0) return { status: "in_use", tasks };
      if (Number(row.is_default) === 1) {
        const others = await db.selectFrom("warehouses").select("id").where("org_id", "=", orgId).where("id", "<>", id).limit(1).executeTakeFirst();
        if (others) return { status: "default" };
      }
      await db.deleteFrom("warehouses").where("org_id", "=", orgId).where("id", "=", id).execute();
      // A task saved meanwhile naming it is told on its next start or load (its warehouse is gone).
      return { status: "deleted" };
    },

    async assignTasksWithoutWarehouse(orgId, warehouseId) {
      const result = await db.updateTable("tasks").set({ warehouse_id: warehouseId }).where("org_id", "=", orgId).where("warehouse_id", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listSealedPasswords() {
      return db.selectFrom("warehouses").select(["id", "org_id", "password_enc"]).where("password_enc", "<>", "").execute();
    },

    async resealPassword(orgId, id, previous, next) {
      const result = await db
        .updateTable("warehouses")
        .set({ password_enc: next })
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .where("password_enc", "=", previous)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

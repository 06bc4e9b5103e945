// An organization's warehouse connections as the API and the worker use them: the stored record
// with its password sealed (secret-box.ts), the DSN databend-driver opens, and the one bootstrap:
// DATABEND_DSN is the first organization's default warehouse, so today's scripts keep working.
// "First" is ORG_ID when it is set (seeding and first-run setup give the first organization that
// id), else the organization better-auth created first. Later organizations get theirs from the
// provisioner (dev warehouse tenants, provisioner.ts) or from an admin (Organization → Warehouses).
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { WarehouseConnection, WarehouseConnectionInput, WarehouseConnectionUpdate } from "#contracts/warehouse-connection.ts";
import type { StoreDb } from "../store/dialect.ts";
import { DefaultTakenError, DuplicateWarehouseNameError, newWarehouseId, type StoredWarehouse, type WarehouseStore } from "../store/warehouses.ts";
import type { SecretBox } from "./secret-box.ts";

/** A warehouse ready to be opened: its record and the DSN (with the password: never log it). */
export interface ResolvedWarehouse {
  record: StoredWarehouse;
  dsn: string;
  password: string;
}

export interface Bootstrap {
  /** DATABEND_DSN. */
  dsn: string;
  /** The organization DATABEND_DSN belongs to, or undefined while there is none. */
  firstOrgId(): Promise<string | undefined>;
}

/** The name the DATABEND_DSN warehouse gets (an admin may rename it). */
export const BOOTSTRAP_NAME = "Default warehouse";

/** The DATABEND_DSN warehouse's id: one per organization, known without a marker column. */
export function bootstrapId(orgId: string): string {
  return `wh-dsn-${createHash("sha256").update(orgId).digest("hex").slice(0, 16)}`;
}

/** What sealing binds a password to: its organization and record, so it opens nowhere else. */
const bindingOf = (orgId: string, id: string) => `${orgId}/${id}`;

/** The fields of a connection as a databend-driver DSN (TLS: https, the driver's default; else sslmode=disable). */
export function dsnOf(c: { host: string; port: number; user: string; database: string; tls: boolean }, password: string): string {
  const host = c.host.includes(":") && !c.host.startsWith("[") ? `[${c.host}]` : c.host;
  const auth = `${encodeURIComponent(c.user)}:${encodeURIComponent(password)}`;
  return `databend://${auth}@${host}:${c.port}/${encodeURIComponent(c.database)}${c.tls ? "" : "?sslmode=disable"}`;
}

/** A DSN's connection fields, or undefined when it is not a databend:// URL with a host. */
export function connectionOfDsn(dsn: string): (Omit<WarehouseConnectionInput, "name" | "is_default"> & { password: string }) | undefined {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return undefined;
  }
  if (!/^databend(\+http)?:$/.test(url.protocol) || !url.hostname) return undefined;
  const tls = url.searchParams.get("sslmode") !== "disable";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "default";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : tls ? 443 : 8000,
    user: decodeURIComponent(url.username) || "root",
    password: decodeURIComponent(url.password),
    database,
    tls,
  };
}

/** The contract's view of a record: never the password, only whether one is set. */
export function publicWarehouse(w: StoredWarehouse): WarehouseConnection {
  return {
    id: w.id,
    name: w.name,
    host: w.host,
    port: w.port,
    user: w.user,
    database: w.database,
    tls: w.tls,
    is_default: w.is_default,
    has_password: w.password_enc !== "",
    managed: w.managed,
    created_at: w.created_at,
    updated_at: w.updated_at,
  };
}

/** ORG_ID, else the organization better-auth made first (its own table, read through the store's handle). */
export function firstOrganization(store: StoreDb, orgId: string | undefined): () => Promise<string | undefined> {
  return async () => {
    if (orgId) return orgId;
    const { rows } = await sql<{ id: string }>`select id from organization order by "createdAt" asc, id asc limit 1`.execute(store.db);
    return rows[0]?.id;
  };
}

export class WarehouseConnections {
  private readonly store: WarehouseStore;
  private readonly box: SecretBox;
  private readonly bootstrap: Bootstrap | undefined;

  constructor(options: { store: WarehouseStore; box: SecretBox; bootstrap?: Bootstrap | undefined }) {
    this.store = options.store;
    this.box = options.box;
    this.bootstrap = options.bootstrap;
  }

  /** The organization's warehouses, the default first (made from DATABEND_DSN for the first organization). */
  async list(orgId: string): Promise<StoredWarehouse[]> {
    await this.defaultOf(orgId);
    return this.store.listWarehouses(orgId);
  }

  async get(orgId: string, id: string): Promise<StoredWarehouse | null> {
    return this.store.getWarehouse(orgId, id);
  }

  /**
   * The organization's default; for the first organization without one, made from DATABEND_DSN. That
   * warehouse is managed by the variable: once per process it is brought in line with DATABEND_DSN,
   * so an operator who changes the variable and restarts is followed, as before warehouses existed.
   */
  async defaultOf(orgId: string): Promise<StoredWarehouse | null> {
    const first = this.bootstrap ? (await this.bootstrap.firstOrgId()) === orgId : false;
    if (first) await (this.synced ??= this.syncWithDsn(orgId).catch(() => undefined));
    const found = await this.store.defaultWarehouse(orgId);
    if (found || !first) return found;
    const fields = connectionOfDsn(this.bootstrap!.dsn);
    if (!fields) return null;
    try {
      const made = await this.create(orgId, { ...fields, name: BOOTSTRAP_NAME, is_default: true }, { managed: true, id: bootstrapId(orgId) });
      return made;
    } catch (error) {
      // Another process made it first (one default per organization is a unique index).
      if (error instanceof DefaultTakenError || error instanceof DuplicateWarehouseNameError) return this.store.defaultWarehouse(orgId);
      throw error;
    }
  }

  /** The warehouse `id` of the organization, or its default when `id` is absent; null when there is none. */
  async resolve(orgId: string, id?: string | null): Promise<ResolvedWarehouse | null> {
    if (id && id === bootstrapId(orgId)) await this.defaultOf(orgId); // brings it in line with DATABEND_DSN first
    const record = id ? await this.store.getWarehouse(orgId, id) : await this.defaultOf(orgId);
    return record ? this.open(record) : null;
  }

  /** Set once this process has compared the DATABEND_DSN warehouse with the variable. */
  private synced: Promise<unknown> | undefined;

  /** Updates the DATABEND_DSN warehouse where the variable now says otherwise (its connection fields only). */
  private async syncWithDsn(orgId: string): Promise<void> {
    const fields = this.bootstrap && connectionOfDsn(this.bootstrap.dsn);
    const record = fields ? await this.store.getWarehouse(orgId, bootstrapId(orgId)) : null;
    if (!fields || !record) return;
    const { password, ...connection } = fields;
    const same =
      record.host === connection.host && record.port === connection.port && record.user === connection.user &&
      record.database === connection.database && record.tls === connection.tls;
    let samePassword: boolean;
    try {
      samePassword = this.open(record).password === password;
    } catch {
      samePassword = false; // sealed with a key this process lacks: DATABEND_DSN's password replaces it
    }
    if (same && samePassword) return;
    await this.store.updateWarehouse(orgId, record.id, {
      ...connection,
      ...(samePassword ? {} : { password_enc: this.box.seal(password, bindingOf(orgId, record.id)) }),
    });
  }

  /** The DSN of a record (opens its password; throws SecretBoxError with a sentence when it cannot). */
  open(record: StoredWarehouse): ResolvedWarehouse {
    const password = this.box.open(record.password_enc, bindingOf(record.org_id, record.id));
    return { record, dsn: dsnOf(record, password), password };
  }

  async create(orgId: string, input: WarehouseConnectionInput, options: { managed: boolean; id?: string }): Promise<StoredWarehouse> {
    const id = options.id ?? newWarehouseId();
    const made = await this.store.createWarehouse(orgId, {
      id,
      name: input.name,
      host: input.host,
      port: input.port,
      user: input.user,
      database: input.database,
      tls: input.tls,
      is_default: input.is_default,
      managed: options.managed,
      password_enc: this.box.seal(input.password, bindingOf(orgId, id)),
    });
    // Tasks saved before the organization had a warehouse load into its first one.
    if (made.is_default) await this.store.assignTasksWithoutWarehouse(orgId, made.id);
    return made;
  }

  /** A password left out is kept (re-sealed with the current key if an old one sealed it). */
  async update(orgId: string, id: string, patch: WarehouseConnectionUpdate): Promise<StoredWarehouse | null> {
    const current = await this.store.getWarehouse(orgId, id);
    if (!current) return null;
    const { password, ...fields } = patch;
    let password_enc: string | undefined;
    if (password !== undefined) password_enc = this.box.seal(password, bindingOf(orgId, id));
    else if (this.box.isStale(current.password_enc)) password_enc = this.box.seal(this.box.open(current.password_enc, bindingOf(orgId, id)), bindingOf(orgId, id));
    return this.store.updateWarehouse(orgId, id, { ...fields, ...(password_enc === undefined ? {} : { password_enc }) });
  }

  /**
   * Re-seals every password sealed by an old key with the current one (at start, after a key
   * rotation); one that no key opens is left as it is and counted, so start-up never fails on it.
   */
  async resealAll(): Promise<{ resealed: number; unopenable: number }> {
    let resealed = 0;
    let unopenable = 0;
    for (const row of await this.store.listSealedPasswords()) {
      if (!this.box.isStale(row.password_enc)) continue;
      const binding = bindingOf(row.org_id, row.id);
      let plain: string;
      try {
        plain = this.box.open(row.password_enc, binding);
      } catch {
        unopenable++;
        continue;
      }
      if (await this.store.resealPassword(row.org_id, row.id, row.password_enc, this.box.seal(plain, binding))) resealed++;
    }
    return { resealed, unopenable };
  }
}

// The connections service over a real SQLite store and real better-auth organizations: which
// organization DATABEND_DSN belongs to, DSNs both ways, and key rotation of sealed passwords.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createAuth } from "../auth/auth.ts";
import { loadConfig } from "../config.ts";
import { openStore, type Stores } from "../store/open.ts";
import { BOOTSTRAP_NAME, WarehouseConnections, bootstrapId, connectionOfDsn, dsnOf, firstOrganization } from "./connections.ts";
import { createSecretBox } from "./secret-box.ts";
import { ensureAuthTables } from "../auth/tables.ts";

let dir: string;
let stores: Stores;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "connections-"));
  stores = await openStore(dir);
});
afterAll(async () => {
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

const DSN = "databend://root:@127.0.0.1:8000/default?sslmode=disable";

describe("warehouse connections", () => {
  it("DSNs: fields to a databend-driver DSN and back (TLS is the driver's default; sslmode=disable otherwise)", () => {
    const c = { host: "db.example.com", port: 443, user: "u@x", database: "my db", tls: true };
    expect(dsnOf(c, "p:w/d")).toBe("databend://u%40x:p%3Aw%2Fd@db.example.com:443/my%20db");
    expect(connectionOfDsn(dsnOf(c, "p:w/d"))).toEqual({ ...c, password: "p:w/d" });
    expect(connectionOfDsn(DSN)).toEqual({ host: "127.0.0.1", port: 8000, user: "root", password: "", database: "default", tls: false });
    expect(dsnOf({ host: "::1", port: 8000, user: "root", database: "default", tls: false }, "")).toBe("databend://root:@[::1]:8000/default?sslmode=disable");
    expect(connectionOfDsn("postgres://x@y/z")).toBeUndefined();
  });

  it("without ORG_ID, DATABEND_DSN belongs to the organization better-auth made first; others get none", async () => {
    await ensureAuthTables(stores.db);
    const auth = createAuth(loadConfig({ DATA_DIR: dir }), stores.db, { allowSignUp: true });
    const { user } = await auth.api.signUpEmail({ body: { email: "a@example.com", password: "a long enough password", name: "a" } });
    const first = (await auth.api.createOrganization({ body: { name: "first", slug: "first-x", userId: user.id } }))!;
    await new Promise((r) => setTimeout(r, 5));
    const second = (await auth.api.createOrganization({ body: { name: "second", slug: "second-x", userId: user.id } }))!;
    const connections = new WarehouseConnections({
      store: stores.warehouses,
      box: createSecretBox(randomBytes(32)),
      bootstrap: { dsn: DSN, firstOrgId: firstOrganization(stores.db, undefined) },
    });
    expect(await connections.defaultOf(second.id)).toBeNull();
    const made = await connections.defaultOf(first.id);
    expect(made).toMatchObject({ id: bootstrapId(first.id), name: BOOTSTRAP_NAME, host: "127.0.0.1", port: 8000, is_default: true, managed: true });
    // Asked again (or by another process), the same one.
    expect((await connections.defaultOf(first.id))?.id).toBe(made!.id);
    // A process started with another DATABEND_DSN brings the record in line (once), password included.
    const box = createSecretBox(randomBytes(32));
    const moved = new WarehouseConnections({
      store: stores.warehouses,
      box,
      bootstrap: { dsn: "databend://loader:n3w@db.internal:8001/sales?sslmode=disable", firstOrgId: firstOrganization(stores.db, undefined) },
    });
    const resolved = (await moved.resolve(first.id))!;
    expect(resolved.record).toMatchObject({ id: made!.id, host: "db.internal", port: 8001, user: "loader", database: "sales" });
    expect(resolved.password).toBe("n3w");
    expect(await firstOrganization(stores.db, "from-env")()).toBe("from-env");
  });

  it("rotation: an old key's passwords open, are sealed again with the new key at start and on write", async () => {
    // A store of its own: resealAll goes through every organization's warehouses.
    const own = mkdtempSync(path.join(tmpdir(), "connections-rotation-"));
    const stores = await openStore(own);
    onTestFinished(async () => {
      await stores.close();
      rmSync(own, { recursive: true, force: true });
    });
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = new WarehouseConnections({ store: stores.warehouses, box: createSecretBox(oldKey) });
    const input = { name: "rotating", host: "h.example.com", port: 8000, user: "u", password: "first secret", database: "default", tls: false, is_default: false };
    const one = await before.create("org-rot", input, { managed: false });
    const two = await before.create("org-rot", { ...input, name: "rotating 2", password: "second secret" }, { managed: false });
    const after = new WarehouseConnections({ store: stores.warehouses, box: createSecretBox(newKey, [oldKey]) });
    // A write re-seals what it keeps.
    const renamed = (await after.update("org-rot", two.id, { name: "rotating two" }))!;
    expect(renamed.password_enc.split(":")[1]).toBe(createSecretBox(newKey).currentKeyId);
    expect(after.open(renamed).password).toBe("second secret");
    // At start, the rest.
    expect(await after.resealAll()).toEqual({ resealed: 1, unopenable: 0 });
    const onlyNew = new WarehouseConnections({ store: stores.warehouses, box: createSecretBox(newKey) });
    expect(onlyNew.open((await stores.warehouses.getWarehouse("org-rot", one.id))!).password).toBe("first secret");
    expect(onlyNew.open((await stores.warehouses.getWarehouse("org-rot", one.id))!).dsn).toBe("databend://u:first%20secret@h.example.com:8000/default?sslmode=disable");
    // A key nobody has any more: counted, start-up goes on.
    const lost = new WarehouseConnections({ store: stores.warehouses, box: createSecretBox(randomBytes(32)) });
    expect(await lost.resealAll()).toEqual({ resealed: 0, unopenable: 2 });
  });
});

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KEY_FILE, SecretBoxError, createSecretBox, keyFileIn, parseKey, secretKeysFromEnv } from "./secret-box.ts";
import { randomBytes } from "node:crypto";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("secret box (AES-256-GCM)", () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const password = "s3cret-password-ü";

  it("seals to a text that names its key and holds no plaintext; opens only bound to the same record", () => {
    const box = createSecretBox(k1);
    const sealed = box.seal(password, "org-a/wh-1");
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain(password);
    expect(box.seal(password, "org-a/wh-1")).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, "org-a/wh-1")).toBe(password);
    expect(() => box.open(sealed, "org-b/wh-1")).toThrow(SecretBoxError);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(() => box.open(tampered, "org-a/wh-1")).toThrow(/does not open/);
    expect(box.seal("", "x")).toBe("");
    expect(box.open("", "x")).toBe("");
  });

  it("rotation: the new key seals, the old one still opens, and old values are stale", () => {
    const before = createSecretBox(k1);
    const sealed = before.seal(password, "o/w");
    const after = createSecretBox(k2, [k1]);
    expect(after.isStale(sealed)).toBe(true);
    expect(after.open(sealed, "o/w")).toBe(password);
    expect(after.isStale(after.seal(password, "o/w"))).toBe(false);
    const withoutOld = createSecretBox(k2);
    expect(() => withoutOld.open(sealed, "o/w")).toThrow(new RegExp(`key ${before.currentKeyId}.*WAREHOUSE_SECRET_KEY`));
  });

  it("keys from the environment: base64 of 32 bytes, or an error naming the variable", () => {
    expect(() => parseKey("c2hvcnQ=", "WAREHOUSE_SECRET_KEY")).toThrow(/WAREHOUSE_SECRET_KEY must be 32 random bytes.*5 bytes/);
    const keys = secretKeysFromEnv({ WAREHOUSE_SECRET_KEY: k2.toString("base64"), WAREHOUSE_SECRET_KEYS_OLD: ` ${k1.toString("base64")} ,` });
    expect(keys.current?.equals(k2)).toBe(true);
    expect(keys.old.map((k) => k.equals(k1))).toEqual([true]);
    expect(secretKeysFromEnv({}).current).toBeUndefined();
  });

  it("without the variable: one key file in DATA_DIR, mode 0600, the same key on every read", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "secret-box-"));
    dirs.push(dir);
    const a = keyFileIn(dir);
    const b = keyFileIn(dir);
    expect(a.equals(b)).toBe(true);
    expect(statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});

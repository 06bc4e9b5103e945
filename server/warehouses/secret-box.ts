// Warehouse passwords at rest: AES-256-GCM (node:crypto) with a key from the environment, so a copy
// of the store (a backup, a leaked SQLite file) does not hand out the organizations' Databend
// passwords. A sealed value names the key that sealed it, so keys can be rotated: the current key
// (WAREHOUSE_SECRET_KEY) seals, and it or any old key (WAREHOUSE_SECRET_KEYS_OLD) opens; a value
// sealed with an old key is sealed again with the current one on its next write or at start
// (connections.ts, resealAll). Each value is bound to its warehouse (org id and record id as GCM's
// additional data), so a sealed password copied onto another record does not open.
//
// Without WAREHOUSE_SECRET_KEY (the embedded run) a key is generated once into
// DATA_DIR/warehouse-secret.key with mode 0600; every process on this machine sharing DATA_DIR
// reads the same file. Processes on other hosts need the variable (docs/configuration.md).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export const KEY_FILE = "warehouse-secret.key";
const FORMAT = "v1";
const IV_BYTES = 12;

export interface SecretBox {
  /** The id of the key that seals (a hash prefix of the key, never the key). */
  readonly currentKeyId: string;
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url); "" stays "" (no password). */
  seal(plaintext: string, boundTo: string): string;
  /** The plaintext; throws SecretBoxError (naming the key id, never a secret) when it cannot. */
  open(sealed: string, boundTo: string): string;
  /** Whether a sealed value was sealed by another key than the current one. */
  isStale(sealed: string): boolean;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/** A key's id: 8 hex characters of its SHA-256, enough to tell a few keys apart. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** A base64 (or base64url) text of exactly 32 bytes, or an error naming the variable and the fix. */
export function parseKey(text: string, variable: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) {
    throw new Error(`${variable} must be 32 random bytes in base64 (openssl rand -base64 32); it decodes to ${key.length} bytes`);
  }
  return key;
}

export function createSecretBox(current: Buffer, old: readonly Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...old]) keys.set(keyId(key), key);
  const currentKeyId = keyId(current);
  return {
    currentKeyId,
    seal(plaintext, boundTo) {
      if (plaintext === "") return "";
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(Buffer.from(boundTo, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [FORMAT, currentKeyId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
    },
    open(sealed, boundTo) {
      if (sealed === "") return "";
      const [format, id, iv, tag, body] = sealed.split(":");
      if (format !== FORMAT || !id || iv === undefined || tag === undefined || body === undefined) {
        throw new SecretBoxError("A stored warehouse password is not in a format this version reads; enter the password again on Organization → Warehouses");
      }
      const key = keys.get(id);
      if (!key) {
        throw new SecretBoxError(
          `A stored warehouse password was encrypted with key ${id}, which this process does not have: set WAREHOUSE_SECRET_KEY ` +
            "(or WAREHOUSE_SECRET_KEYS_OLD) to the same values in every API and worker process, or enter the password again",
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(boundTo, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretBoxError(`A stored warehouse password does not open with key ${id} (altered, or copied from another record); enter the password again`);
      }
    },
    isStale(sealed) {
      return sealed !== "" && sealed.split(":")[1] !== currentKeyId;
    },
  };
}

/** The keys from the environment (server/config.ts validates them at start). */
export interface SecretKeys {
  /** WAREHOUSE_SECRET_KEY; undefined: the key file in DATA_DIR. */
  current: Buffer | undefined;
  /** WAREHOUSE_SECRET_KEYS_OLD: previous keys, still accepted for opening. */
  old: Buffer[];
}

export function secretKeysFromEnv(env: NodeJS.ProcessEnv): SecretKeys {
  const old = (env.WAREHOUSE_SECRET_KEYS_OLD ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .map((t) => parseKey(t, "Each key of WAREHOUSE_SECRET_KEYS_OLD"));
  return { current: env.WAREHOUSE_SECRET_KEY ? parseKey(env.WAREHOUSE_SECRET_KEY, "WAREHOUSE_SECRET_KEY") : undefined, old };
}

/** The box: WAREHOUSE_SECRET_KEY seals; without it, the key in DATA_DIR/warehouse-secret.key (made on first use, mode 0600). */
export function secretBoxFor(config: { warehouseSecretKeys: SecretKeys; dataDir: string }): SecretBox {
  const { current, old } = config.warehouseSecretKeys;
  return createSecretBox(current ?? keyFileIn(config.dataDir), old);
}

/**
 * The key in DATA_DIR, created once: written whole to a temporary file, then linked into place, so a
 * second process starting at the same moment either wins the link or reads the winner's whole key.
 */
export function keyFileIn(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temporary, randomBytes(32).toString("base64") + "\n", { mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  return parseKey(readFileSync(file, "utf8"), file);
}

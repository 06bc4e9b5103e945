// Dev-warehouse tenants for new organizations (WAREHOUSE_PROVISIONER_URL, set by `npm start` to
// the dev warehouse's POST /v1/dev/tenants): the API asks the front to map a new user to a tenant
// named after the organization's id, then stores that user as the organization's managed default
// warehouse. The API never imports sandbox code; this is plain HTTP, as the contract
// (notes/api-contract.md) describes: basic auth root with an empty password, a JSON body, 201 (new)
// or 200 (the same user already maps to the same tenant: password replaced).
import { randomBytes } from "node:crypto";
import type { WarehouseConnectionInput } from "#contracts/warehouse-connection.ts";

export interface ProvisionedTenant {
  /** The connection to store (managed, the organization's default). */
  connection: WarehouseConnectionInput;
}

export class ProvisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProvisionError";
  }
}

/** A user name the front accepts and nobody guesses: org_ and 16 hex characters. */
export const tenantUser = () => `org_${randomBytes(8).toString("hex")}`;
/** 32 random bytes, base64url: 43 characters. */
export const tenantPassword = () => randomBytes(32).toString("base64url");

export async function provisionTenant(url: string, orgId: string, timeoutMs = 10_000): Promise<ProvisionedTenant> {
  const user = tenantUser();
  const password = tenantPassword();
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from("root:").toString("base64")}` },
      body: JSON.stringify({ tenant: orgId, user, password }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ProvisionError(`the dev warehouse at ${new URL(url).host} could not be reached (${(error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : "connection failed"})`);
  }
  if (res.status !== 201 && res.status !== 200) {
    // The front's error body names its code and message; never the password (it is ours, and not echoed).
    const text = (await res.text().catch(() => "")).replaceAll(password, "***").slice(0, 300);
    throw new ProvisionError(`the dev warehouse answered ${res.status} to the tenant request${text ? `: ${text}` : ""}`);
  }
  const target = new URL(url);
  const tls = target.protocol === "https:";
  return {
    connection: {
      name: "Dev warehouse tenant",
      host: target.hostname.replace(/^\[|\]$/g, ""),
      port: target.port ? Number(target.port) : tls ? 443 : 80,
      user,
      password,
      database: "default",
      tls,
      is_default: true,
    },
  };
}

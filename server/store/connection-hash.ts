import { createHash } from "node:crypto";
import { CONNECTION_FIELDS, type ConnectionFields } from "#contracts/data-source.ts";

/** A stable hash of exactly the connection fields (not the name), in the contract's field order. */
export function connectionHash(connection: ConnectionFields): string {
  const canonical = JSON.stringify(CONNECTION_FIELDS.map((field) => [field, connection[field] ?? ""]));
  return createHash("sha256").update(canonical).digest("hex");
}

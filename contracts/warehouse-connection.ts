// An organization's Databend warehouses (Organization → Warehouses, /api/org/warehouses): where its
// tasks load and what its wizard browses. Each organization has its own (in Databend Cloud, a
// tenant of its own); one is its default, used by a task or a /api/warehouse route that names none.
// The password is write-only: it goes in with a create or an update and never comes out.
import { z } from "./zod.ts";
import { displayNameSchema } from "./display-name.ts";

export const WAREHOUSE_CONNECTION_MESSAGES = {
  nameRequired: "Enter a name for the warehouse",
  nameTooLong: "Keep the name to 128 characters or fewer",
  hostRequired: "Enter the host name of the Databend warehouse, for example tenant.gw.aws-us-east-2.default.databend.com",
  hostInvalid: "Enter a host name or IP address only, without scheme, port or path (for example databend.example.com)",
  portInvalid: "Enter a port from 1 to 65535 (Databend's HTTP port is 8000; Databend Cloud uses 443)",
  userRequired: "Enter the Databend user the product signs in as",
  userInvalid: "The user name cannot contain a colon, @, / or spaces",
  passwordTooLong: "Keep the password to 1024 characters or fewer",
  databaseInvalid: "Enter a database name without backticks, slashes or control characters",
} as const;

const M = WAREHOUSE_CONNECTION_MESSAGES;

/** A DNS name or an IPv4/IPv6 literal: no scheme, port, path or credentials. */
const hostSchema = z
  .string()
  .trim()
  .min(1, M.hostRequired)
  .max(253, M.hostInvalid)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/, M.hostInvalid);

const portSchema = z.coerce.number({ error: M.portInvalid }).int(M.portInvalid).min(1, M.portInvalid).max(65535, M.portInvalid);

const userSchema = z
  .string()
  .trim()
  .min(1, M.userRequired)
  .max(128, M.userInvalid)
  .regex(/^[^:@/\s]+$/, M.userInvalid);

/** The database the connection opens (Databend's `default` unless said). */
const databaseSchema = z
  .string()
  .trim()
  .min(1, M.databaseInvalid)
  .max(255, M.databaseInvalid)
  .regex(/^[^`/\p{Cc}]+$/u, M.databaseInvalid);

/** The fields of a connection, each with its rule and no default (an update must tell "left out" from "set"). */
const connectionFields = {
  name: displayNameSchema("warehouse", { required: M.nameRequired, tooLong: M.nameTooLong }),
  host: hostSchema,
  port: portSchema,
  user: userSchema,
  password: z.string().max(1024, M.passwordTooLong),
  database: databaseSchema,
  /** HTTPS to the warehouse (Databend Cloud: true; a local databend-query: false). */
  tls: z.boolean(),
  /** Make this the organization's default (the first warehouse always is). */
  is_default: z.boolean(),
};

/** Create: everything but the password is required; an empty password is allowed (a fresh Databend's root has none). */
export const warehouseConnectionInputSchema = z.strictObject({
  ...connectionFields,
  port: connectionFields.port.default(8000),
  password: connectionFields.password.default(""),
  database: connectionFields.database.default("default"),
  tls: connectionFields.tls.default(false),
  is_default: connectionFields.is_default.default(false),
});
export type WarehouseConnectionFormValues = z.input<typeof warehouseConnectionInputSchema>;
export type WarehouseConnectionInput = z.output<typeof warehouseConnectionInputSchema>;

/**
 * Update: any subset; a field left out keeps its stored value (no defaults here, or a rename would
 * reset the port and TLS), and a password left out keeps the stored one (it is never sent back).
 */
export const warehouseConnectionUpdateSchema = z.strictObject(connectionFields).partial();
export type WarehouseConnectionUpdate = z.output<typeof warehouseConnectionUpdateSchema>;

/** What the API answers: never the password, only whether one is set. */
export const warehouseConnectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  database: z.string(),
  tls: z.boolean(),
  is_default: z.boolean(),
  has_password: z.boolean(),
  /** Provisioned by the product (the dev warehouse's tenant of this organization); not editable. */
  managed: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WarehouseConnection = z.infer<typeof warehouseConnectionSchema>;

export const warehouseConnectionListSchema = z.object({ items: z.array(warehouseConnectionSchema) });

/**
 * Test connection: one outcome in words. `status` says which step failed, so the console can point
 * at the field to change: unreachable (host/port/TLS), tls, auth (user/password), database (no such
 * database or no privilege on it), ok.
 */
export const WAREHOUSE_TEST_STATUSES = ["ok", "unreachable", "tls", "auth", "database", "error"] as const;
export const warehouseTestResultSchema = z.object({
  ok: z.boolean(),
  status: z.enum(WAREHOUSE_TEST_STATUSES),
  /** One sentence: what happened and what to change. */
  message: z.string(),
  /** Databend's version when it answered. */
  version: z.string().optional(),
  /** Databend's own text behind a failure (scrubbed of the password). */
  detail: z.string().optional(),
});
export type WarehouseTestResult = z.infer<typeof warehouseTestResultSchema>;

/** `?warehouse=<id>` on /api/warehouse/... routes and the preview: left out, the organization's default. */
export const warehouseSelectorSchema = z.object({ warehouse: z.string().trim().min(1).max(64).optional() });

/** Rows of a table, as the preview shows them (GET /api/warehouse/databases/:db/tables/:table/rows). */
export const WAREHOUSE_ROWS_MAX = 100;
export const warehouseRowsQuerySchema = warehouseSelectorSchema.extend({
  limit: z.coerce.number().int().min(1).max(WAREHOUSE_ROWS_MAX).default(20),
});
export const warehouseRowsSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Values as strings as Databend's HTTP protocol gives them (null for NULL), each cut to a bounded length. */
  rows: z.array(z.array(z.string().nullable())),
  /** True when more rows exist or a value or the answer was cut to stay within bounds. */
  truncated: z.boolean(),
});
export type WarehouseRows = z.infer<typeof warehouseRowsSchema>;

/** POST /api/organizations: any signed-in person makes one and becomes its admin (unless ALLOW_ORG_CREATION=false). */
export const organizationInputSchema = z.strictObject({
  name: displayNameSchema("organization", { required: "Enter a name for the organization", tooLong: "Keep the name to 128 characters or fewer" }),
});
export type OrganizationInput = z.output<typeof organizationInputSchema>;
export const createdOrganizationSchema = z.object({ id: z.string(), name: z.string() });

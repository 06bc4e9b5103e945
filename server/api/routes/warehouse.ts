// /api/warehouse: what a Databend warehouse of the caller's own organization holds, for the task
// wizard's Target step: databases (Databend's own left out), the tables and views of one (a view is
// marked: it cannot be a target), the columns of one table, a new table, and a table's rows.
// `?warehouse=<id>` picks one of the organization's warehouses (left out: its default); an unknown
// id or another organization's is 404 (services.ts). Bounded by DATABEND_CHECK_TIMEOUT_MS and
// WAREHOUSE_LIST_LIMIT items. Path names follow a task target's rules.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  createdTableSchema,
  newTableSchema,
  warehouseColumnsSchema,
  warehouseDatabaseParamsSchema,
  warehouseDatabasesSchema,
  warehouseTableParamsSchema,
  warehouseTablesSchema,
} from "#contracts/warehouse.ts";
import { warehouseRowsQuerySchema, warehouseRowsSchema, warehouseSelectorSchema } from "#contracts/warehouse-connection.ts";
import type { BrowseResult } from "../../databend/browse.ts";
import { readRows } from "../../databend/rows.ts";
import { askDatabend, type DatabendFailure } from "../../databend/target-check.ts";
import type { WarehouseAccess } from "../../databend/warehouse-access.ts";
import { DATABEND_ERROR_CODES } from "../../databend/errors.ts";
import type { AuditFacts } from "./audit.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

/** How messages name a warehouse: its name and where it is, never its user's password. */
export const warehouseLabel = (w: Pick<WarehouseAccess, "name" | "address">) => `warehouse ${w.name} (${w.address})`;

/** The audit row of a table the API made (here, or with a task: ./task-new-table.ts). */
export function tableCreatedFacts(w: Pick<WarehouseAccess, "name">, db: string, table: string, columns: number): AuditFacts {
  return {
    action: "created",
    resource_type: "table",
    resource_id: `${db}.${table}`,
    resource_name: `${db}.${table}`,
    outcome: `${columns} ${columns === 1 ? "column" : "columns"} in warehouse ${w.name}`,
  };
}

/** The items of an answer, or the HttpError that says, in one sentence, why there are none. */
function answer<T>(w: WarehouseAccess, result: BrowseResult<T>, what: string, target: { db: string; table?: string }) {
  if (result.status === "ok") return { items: result.items, truncated: result.truncated };
  return refuse(w, result, what, target);
}

/** The HttpError for a question Databend did not answer with items. */
export function refuse(w: WarehouseAccess, result: DatabendFailure, what: string, target: { db: string; table?: string }, doing = "list"): never {
  const where = warehouseLabel(w);
  switch (result.status) {
    case "missing_database":
      throw new HttpError(404, `Databend has no database ${target.db}; choose one of its databases, or create it first`);
    case "missing_table":
      throw new HttpError(404, `Databend has no table ${target.table ?? ""} in database ${target.db}; choose one of its tables, or create it first`);
    case "denied":
      throw new HttpError(403, `The Databend user ${w.user} of the ${where} may not read ${what}; grant that user access to it, then try again`);
    case "unreachable": {
      const why = result.timedOut ? `did not answer within ${Math.round(w.browser.timeoutMs / 100) / 10} s` : "could not be reached";
      throw new HttpError(
        503,
        `Could not ${doing} ${what}: Databend at ${w.address} ${why}. Try again once Databend answers.`,
        undefined,
        result.timedOut ? undefined : w.scrub(result.detail),
      );
    }
    case "error": {
      const name = result.code === null ? undefined : DATABEND_ERROR_CODES[result.code]?.name;
      const login = result.code === 1051 || result.code === 5100;
      throw new HttpError(
        503,
        `Could not ${doing} ${what}: the ${where} answered with an error` +
          `${result.code === null ? "" : ` (${result.code}${name ? ` ${name}` : ""})`}. ` +
          (login
            ? "Correct its user and password on Organization → Warehouses (Test connection says what is wrong), then try again."
            : "Try again; if it persists, run Test connection on Organization → Warehouses."),
        undefined,
        w.scrub(result.detail),
      );
    }
  }
}

export const warehouseRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["warehouse"];
  const access = (request: { orgId: string; query: { warehouse?: string | undefined } }) =>
    app.warehouses.access(request.orgId, request.query.warehouse, "warehouse");

  app.get(
    "/api/warehouse/databases",
    {
      config: { access: "read" },
      schema: {
        summary: "List the databases of one of the organization's warehouses (?warehouse=, default: its default; Databend's own left out)",
        tags,
        querystring: warehouseSelectorSchema,
        response: { 200: warehouseDatabasesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const w = await access(request);
      return answer(w, await w.browser.databases(), "the databases", { db: "" });
    },
  );

  app.get(
    "/api/warehouse/databases/:db/tables",
    {
      config: { access: "read" },
      schema: {
        summary: "List the tables and views of a Databend database (views cannot be load targets)",
        tags,
        params: warehouseDatabaseParamsSchema,
        querystring: warehouseSelectorSchema,
        response: { 200: warehouseTablesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { db } = request.params;
      const w = await access(request);
      return answer(w, await w.browser.tables(db), `the tables of database ${db}`, { db });
    },
  );

  app.get(
    "/api/warehouse/databases/:db/tables/:table/columns",
    {
      config: { access: "read" },
      schema: {
        summary: "List the columns of a Databend table or view, in order",
        tags,
        params: warehouseTableParamsSchema,
        querystring: warehouseSelectorSchema,
        response: { 200: warehouseColumnsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { db, table } = request.params;
      const w = await access(request);
      return answer(w, await w.browser.columns(db, table), `the columns of ${db}.${table}`, { db, table });
    },
  );

  app.post(
    "/api/warehouse/databases/:db/tables",
    {
      config: { access: "operate" },
      schema: {
        summary: "Create a table in a Databend database from columns (names, whitelisted types, nullability); 409 when it exists",
        tags,
        params: warehouseDatabaseParamsSchema,
        querystring: warehouseSelectorSchema,
        body: newTableSchema,
        response: { 201: createdTableSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { db } = request.params;
      const table = request.body;
      const w = await access(request);
      const result = await w.browser.createTable(db, table);
      switch (result.status) {
        case "created":
          await app.audit(request, tableCreatedFacts(w, db, table.name, result.columns.length));
          return reply.code(201).send({ database: db, name: table.name, columns: result.columns });
        case "exists":
          throw new HttpError(409, `Databend already has a table ${table.name} in database ${db}; choose it as the target, or another name`, {
            name: `A table named ${table.name} already exists in ${db}`,
          });
        case "unreachable":
          if (result.timedOut) {
            throw new HttpError(
              503,
              `Databend at ${w.address} did not answer within ${Math.round(w.browser.timeoutMs / 100) / 10} s; the table may still be created. ` +
                "List the database's tables before trying again.",
            );
          }
          return refuse(w, result, `table ${table.name}`, { db }, "create");
        case "denied":
          throw new HttpError(403, `The Databend user ${w.user} of the ${warehouseLabel(w)} may not create tables in ${db}; grant that user CREATE on the database, then try again`);
        default:
          return refuse(w, result, `table ${table.name}`, { db }, "create");
      }
    },
  );

  app.get(
    "/api/warehouse/databases/:db/tables/:table/rows",
    {
      config: { access: "read" },
      schema: {
        summary: "Read the first rows of a table (at most 100, values as text cut to 1,000 characters, the answer bounded to about 256 KB)",
        tags,
        params: warehouseTableParamsSchema,
        querystring: warehouseRowsQuerySchema,
        response: { 200: warehouseRowsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { db, table } = request.params;
      const w = await access(request);
      const result = await askDatabend(() => readRows(w.reader, db, table, request.query.limit).then((rows) => ({ status: "ok" as const, rows })), w.browser.timeoutMs, w.scrub);
      if (result.status === "ok") return result.rows;
      return refuse(w, result, `the rows of ${db}.${table}`, { db, table }, "read");
    },
  );
};

// /api/warehouse: what Databend holds, for the task wizard's Target step: databases (Databend's
// own left out), the tables and views of one (a view is marked: it cannot be a target), and the
// columns of one table. Read-only, asked of Databend through app.warehouseBrowser, bounded by
// DATABEND_CHECK_TIMEOUT_MS and WAREHOUSE_LIST_LIMIT items. Path names follow a task target's rules.
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
import type { BrowseResult, WarehouseBrowser } from "../databend/browse.ts";
import type { DatabendFailure } from "../databend/target-check.ts";
import { DATABEND_ERROR_CODES } from "../databend/errors.ts";
import { ERROR_RESPONSES, HttpError } from "./errors.ts";

/** The items of an answer, or the HttpError that says, in one sentence, why there are none. */
function answer<T>(browser: WarehouseBrowser, result: BrowseResult<T>, what: string, target: { db: string; table?: string }) {
  if (result.status === "ok") return { items: result.items, truncated: result.truncated };
  return refuse(browser, result, what, target);
}

/** The HttpError for a question Databend did not answer with items. */
function refuse(browser: WarehouseBrowser, result: DatabendFailure, what: string, target: { db: string; table?: string }, doing = "list"): never {
  switch (result.status) {
    case "missing_database":
      throw new HttpError(404, `Databend has no database ${target.db}; choose one of its databases, or create it first`);
    case "missing_table":
      throw new HttpError(404, `Databend has no table ${target.table ?? ""} in database ${target.db}; choose one of its tables, or create it first`);
    case "denied":
      throw new HttpError(
        403,
        `The Databend user ${browser.user || "of DATABEND_DSN"} may not read ${what}; grant that user access to it, then try again`,
      );
    case "unreachable": {
      const why = result.timedOut ? `did not answer within ${Math.round(browser.timeoutMs / 100) / 10} s` : "could not be reached";
      throw new HttpError(
        503,
        `Could not ${doing} ${what}: Databend at ${browser.address} ${why}. Try again once Databend answers.`,
        undefined,
        result.timedOut ? undefined : result.detail,
      );
    }
    case "error": {
      const name = result.code === null ? undefined : DATABEND_ERROR_CODES[result.code]?.name;
      const login = result.code === 1051 || result.code === 5100;
      throw new HttpError(
        503,
        `Could not ${doing} ${what}: Databend at ${browser.address} answered with an error` +
          `${result.code === null ? "" : ` (${result.code}${name ? ` ${name}` : ""})`}. ` +
          (login ? "Correct the user and password in DATABEND_DSN, then try again." : "Try again; if it persists, check the warehouse and DATABEND_DSN."),
        undefined,
        result.detail,
      );
    }
  }
}

export const warehouseRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["warehouse"];

  app.get(
    "/api/warehouse/databases",
    {
      config: { access: "read" },
      schema: {
        summary: "List Databend's databases (its own system databases left out)",
        tags,
        response: { 200: warehouseDatabasesSchema, ...ERROR_RESPONSES },
      },
    },
    async () => answer(app.warehouseBrowser, await app.warehouseBrowser.databases(), "the databases", { db: "" }),
  );

  app.get(
    "/api/warehouse/databases/:db/tables",
    {
      config: { access: "read" },
      schema: {
        summary: "List the tables and views of a Databend database (views cannot be load targets)",
        tags,
        params: warehouseDatabaseParamsSchema,
        response: { 200: warehouseTablesSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { db } = request.params;
      return answer(app.warehouseBrowser, await app.warehouseBrowser.tables(db), `the tables of database ${db}`, { db });
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
        response: { 200: warehouseColumnsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { db, table } = request.params;
      return answer(app.warehouseBrowser, await app.warehouseBrowser.columns(db, table), `the columns of ${db}.${table}`, { db, table });
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
        body: newTableSchema,
        response: { 201: createdTableSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { db } = request.params;
      const table = request.body;
      const browser = app.warehouseBrowser;
      const result = await browser.createTable(db, table);
      switch (result.status) {
        case "created":
          return reply.code(201).send({ database: db, name: table.name, columns: result.columns });
        case "exists":
          throw new HttpError(409, `Databend already has a table ${table.name} in database ${db}; choose it as the target, or another name`, {
            name: `A table named ${table.name} already exists in ${db}`,
          });
        case "unreachable":
          if (result.timedOut) {
            throw new HttpError(
              503,
              `Databend at ${browser.address} did not answer within ${Math.round(browser.timeoutMs / 100) / 10} s; the table may still be created. ` +
                "List the database's tables before trying again.",
            );
          }
          return refuse(browser, result, `table ${table.name}`, { db }, "create");
        case "denied":
          throw new HttpError(403, `The Databend user ${browser.user || "of DATABEND_DSN"} may not create tables in ${db}; grant that user CREATE on the database, then try again`);
        default:
          return refuse(browser, result, `table ${table.name}`, { db }, "create");
      }
    },
  );
};

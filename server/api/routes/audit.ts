// The audit log over HTTP. `app.audit(request, event)` records what a route just did, as the
// request's caller (request.principal: user, and session or API key by id and name) in the
// request's organization; GET /api/audit lists an organization's events to its admins.
//
// Routes record after their change succeeded, with names and ids only: never a key's value, a
// password, or a queue URL (whose query string could carry credentials).
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "#contracts/zod.ts";
import { AUDIT_CSV_MAX_ROWS, auditFilterSchema, auditPageSchema, auditQuerySchema, type AuditEvent, type AuditFilter } from "#contracts/audit.ts";
import { csvRows } from "./csv.ts";
import type { Principal } from "../../auth/principal.ts";
import type { AuditEntry } from "../../store/audit.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

export type AuditFacts = Pick<AuditEvent, "action" | "resource_type"> &
  Partial<Pick<AuditEvent, "resource_id" | "resource_name" | "outcome">>;

/** On public routes (accepting an invitation) nobody is signed in yet: the route says who acted, for which organization. */
export interface AuditAs {
  orgId: string;
  principal: Principal;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Records an event; never throws (a failure is logged at error level). */
    audit(request: FastifyRequest, facts: AuditFacts, as?: AuditAs): Promise<void>;
  }
}

export function actorOf(principal: Principal): AuditEntry["actor"] {
  const { via } = principal;
  return {
    user_id: principal.user.id,
    email: principal.user.email,
    via: via.kind,
    key_id: via.kind === "api_key" ? via.keyId : null,
    key_name: via.kind === "api_key" ? via.keyName : null,
  };
}

export const auditPlugin = fp(
  async (app) => {
    app.decorate("audit", async (request: FastifyRequest, facts: AuditFacts, as?: AuditAs) => {
      const principal = as?.principal ?? request.principal;
      const orgId = as?.orgId ?? request.orgId;
      const entry: AuditEntry = {
        action: facts.action,
        resource_type: facts.resource_type,
        resource_id: facts.resource_id ?? null,
        resource_name: facts.resource_name ?? null,
        outcome: facts.outcome ?? null,
        actor: principal ? actorOf(principal) : { user_id: "", email: "", via: "session", key_id: null, key_name: null },
      };
      try {
        if (!principal || !orgId) throw new Error("no caller or organization to record the event for");
        await app.stores.audit.record(orgId, entry);
      } catch (error) {
        // Logged, not thrown: the change it describes has already been made (events are recorded
        // after success), so failing the request would tell the caller their action failed when it
        // did not, and a retry would repeat it (a second create, a second start). The error-level
        // line carries the whole event, so the log itself still holds what happened.
        request.log.error({ err: error, audit_event: { org_id: orgId, ...entry } }, "audit event not recorded");
      }
    });
  },
  { name: "audit", dependencies: ["stores"] },
);

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/audit",
    {
      config: { access: "admin" },
      schema: {
        summary: "The organization's audit log, newest first, paged with `before` (the last id of the previous page), filtered by who (email or key name, part), action, resource_type, record (exact id or part of the name) and from/to (ISO 8601 instants)",
        tags: ["identity"],
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      checkRange(request.query);
      const page = await app.stores.audit.list(request.orgId, request.query);
      if (!page) throw new HttpError(400, `No audit event with id ${request.query.before} in this organization`, { before: "Not an event of this organization's log" });
      return page;
    },
  );

  app.get(
    "/api/audit.csv",
    {
      config: { access: "admin" },
      schema: {
        summary: `The audit log's events that match the filters, newest first, as CSV (at most ${AUDIT_CSV_MAX_ROWS.toLocaleString("en")} rows; a last row says when more matched)`,
        tags: ["identity"],
        querystring: auditFilterSchema,
        response: {
          200: { description: "CSV with a header row; CRLF line ends; cells that begin like a formula are prefixed with '", content: { "text/csv": { schema: z.string() } } },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      checkRange(request.query);
      const events: AuditEvent[] = [];
      let before: string | undefined;
      // Read in pages of the store's own paging, so the export is bounded in memory and rows.
      while (events.length < AUDIT_CSV_MAX_ROWS) {
        const page = await app.stores.audit.list(request.orgId, { ...request.query, limit: Math.min(200, AUDIT_CSV_MAX_ROWS - events.length), before });
        if (!page) break;
        events.push(...page.items);
        if (!page.next_before) break;
        before = page.next_before;
      }
      const more = before !== undefined && events.length >= AUDIT_CSV_MAX_ROWS;
      const rows = [AUDIT_CSV_HEADER, ...events.map(auditCsvRow)];
      if (more) rows.push([`More than ${AUDIT_CSV_MAX_ROWS} events matched; narrow the time range to export the rest`]);
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="audit-log-${stamp}Z.csv"`)
        .header("cache-control", "no-store")
        .send(csvRows(rows));
    },
  );
};

function checkRange(filter: AuditFilter): void {
  if (filter.from && filter.to && Date.parse(filter.from) >= Date.parse(filter.to)) {
    throw new HttpError(400, "The time range is empty: `from` must be before `to`", { to: "Must be after from" });
  }
}

const AUDIT_CSV_HEADER = ["time_utc", "actor_email", "via", "api_key_id", "api_key_name", "action", "resource_type", "resource_id", "resource_name", "outcome"];

function auditCsvRow(event: AuditEvent): (string | null)[] {
  const { actor } = event;
  return [event.at, actor.email, actor.via, actor.key_id, actor.key_name, event.action, event.resource_type, event.resource_id, event.resource_name, event.outcome];
}

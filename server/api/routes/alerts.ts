// /api/alerts/...: an organization's alert rules, webhook destinations, incidents and delivery log
// (Organization → Alerts; contract and route list in contracts/alerts.ts). Anyone who reads sees
// them; admins change them, every change audited by id and name only. A destination's secret is
// answered by create and rotate-secret alone; its URL by nothing (url_hint). A URL is checked
// against the SSRF rule when saved (server/alerts/safe-post.ts) and again, on the address actually
// connected to, at every delivery. Send test makes this server POST to a URL an admin chose, so it
// is rate-limited per client like Test Connectivity. (About 300 lines: the 14 routes of one page and
// the checks they share, kept together so the access and audit of each can be read side by side.)
import rateLimit from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ALERT_LIMITS,
  alertDeliveryPageSchema,
  alertDeliveryQuerySchema,
  alertDestinationInputSchema,
  alertDestinationListSchema,
  alertDestinationSchema,
  alertDestinationUpdateSchema,
  alertDestinationWithSecretSchema,
  alertIncidentPageSchema,
  alertIncidentQuerySchema,
  alertRuleInputSchema,
  alertRuleListSchema,
  alertRuleSchema,
  alertRuleUpdateSchema,
  alertTestResultSchema,
  type AlertRule,
} from "#contracts/alerts.ts";
import type { Config } from "../../config.ts";
import { loadAlertConfig, type AlertConfig } from "../../alerts/config.ts";
import { AlertDestinations, publicDestination } from "../../alerts/destinations.ts";
import { alertBody } from "../../alerts/messages.ts";
import { urlProblem } from "../../alerts/safe-post.ts";
import { AlertSender } from "../../alerts/sender.ts";
import { DuplicateAlertNameError } from "../../store/alert-config.ts";
import type { AlertStore } from "../../store/open.ts";
import { secretBoxFor } from "../../warehouses/secret-box.ts";
import { clientIdentity } from "../plugins/client-identity.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";
import { DEFAULT_TEST_RATE_LIMIT } from "./data-sources-test.ts";

const paramsSchema = z.object({ id: z.string().min(1).max(64) });

export const alertRoutes: FastifyPluginAsyncZod<{ config: Config; alerts?: AlertConfig | undefined }> = async (app, options) => {
  const tags = ["alerts"];
  const settings = options.alerts ?? loadAlertConfig();
  const store = (): AlertStore => {
    if (!app.stores.alerts) throw new Error("the alerts routes need the whole store (openStore()) handed to buildApp");
    return app.stores.alerts;
  };
  let destinations: AlertDestinations | undefined;
  const sealed = () => (destinations ??= new AlertDestinations(store(), secretBoxFor(options.config)));
  await app.register(rateLimit, { global: false });

  const ruleMissing = (id: string) => new HttpError(404, `No alert rule with id ${id} in your organization`);
  const destinationMissing = (id: string) => new HttpError(404, `No alert destination with id ${id} in your organization`);
  const duplicate = (error: unknown): never => {
    if (error instanceof DuplicateAlertNameError) {
      throw new HttpError(409, error.message, { name: `${error.message}; choose another name` });
    }
    throw error;
  };
  const checkUrl = (url: string | undefined) => {
    const problem = url === undefined ? null : urlProblem(url, settings.allowPrivate);
    if (problem) throw new HttpError(400, problem, { url: problem });
  };
  /** Tasks and destinations a rule names must be the organization's own. */
  const checkReferences = async (orgId: string, rule: { task_ids?: string[] | null | undefined; destination_ids?: string[] | undefined }) => {
    if (rule.task_ids) {
      const own = new Set((await app.stores.tasks.list(orgId)).map((t) => t.id));
      const missing = rule.task_ids.filter((id) => !own.has(id));
      if (missing.length > 0) {
        const message = `No task with id ${missing[0]} in your organization; choose the organization's tasks`;
        throw new HttpError(400, message, { task_ids: message });
      }
    }
    if (rule.destination_ids && rule.destination_ids.length > 0) {
      const own = new Set((await store().listDestinations(orgId)).map((d) => d.id));
      const missing = rule.destination_ids.filter((id) => !own.has(id));
      if (missing.length > 0) {
        const message = `No alert destination with id ${missing[0]} in your organization; add it under destinations first`;
        throw new HttpError(400, message, { destination_ids: message });
      }
    }
  };
  const rulesOf = (orgId: string): Promise<AlertRule[]> => store().listRules(orgId);

  // ---- rules ----
  app.get(
    "/api/alerts/rules",
    { config: { access: "read" }, schema: { summary: "The organization's alert rules", tags, response: { 200: alertRuleListSchema, ...ERROR_RESPONSES } } },
    async (request) => ({ items: await rulesOf(request.orgId) }),
  );

  app.post(
    "/api/alerts/rules",
    {
      config: { access: "admin" },
      schema: { summary: "Add an alert rule", tags, body: alertRuleInputSchema, response: { 201: alertRuleSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      if ((await rulesOf(request.orgId)).length >= ALERT_LIMITS.rulesPerOrg) {
        throw new HttpError(409, `The organization has ${ALERT_LIMITS.rulesPerOrg} alert rules, the most it may have; delete one first`);
      }
      await checkReferences(request.orgId, request.body);
      const rule = await store().createRule(request.orgId, request.body).catch(duplicate);
      await app.audit(request, { action: "created", resource_type: "alert_rule", resource_id: rule.id, resource_name: rule.name });
      return reply.code(201).send(rule);
    },
  );

  app.get(
    "/api/alerts/rules/:id",
    { config: { access: "read" }, schema: { summary: "One alert rule", tags, params: paramsSchema, response: { 200: alertRuleSchema, ...ERROR_RESPONSES } } },
    async (request) => (await store().getRule(request.orgId, request.params.id)) ?? Promise.reject(ruleMissing(request.params.id)),
  );

  app.put(
    "/api/alerts/rules/:id",
    {
      config: { access: "admin" },
      schema: { summary: "Change an alert rule (fields left out are kept)", tags, params: paramsSchema, body: alertRuleUpdateSchema, response: { 200: alertRuleSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      await checkReferences(request.orgId, request.body);
      const rule = await store().updateRule(request.orgId, request.params.id, request.body).catch(duplicate);
      if (!rule) throw ruleMissing(request.params.id);
      await app.audit(request, { action: "edited", resource_type: "alert_rule", resource_id: rule.id, resource_name: rule.name });
      return rule;
    },
  );

  app.delete(
    "/api/alerts/rules/:id",
    { config: { access: "admin" }, schema: { summary: "Delete an alert rule (its open incidents close without a resolved)", tags, params: paramsSchema, response: { 204: z.undefined().describe("Deleted"), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const rule = await store().getRule(request.orgId, request.params.id);
      if (!rule || !(await store().deleteRule(request.orgId, rule.id))) throw ruleMissing(request.params.id);
      await app.audit(request, { action: "deleted", resource_type: "alert_rule", resource_id: rule.id, resource_name: rule.name });
      return reply.code(204).send();
    },
  );

  // ---- destinations ----
  app.get(
    "/api/alerts/destinations",
    {
      config: { access: "read" },
      schema: { summary: "The organization's alert destinations (never a URL or secret)", tags, response: { 200: alertDestinationListSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const rules = await rulesOf(request.orgId);
      return { items: (await store().listDestinations(request.orgId)).map((d) => publicDestination(d, rules)) };
    },
  );

  app.post(
    "/api/alerts/destinations",
    {
      config: { access: "admin" },
      schema: {
        summary: "Add a webhook destination; the answer carries its signing secret, shown this once",
        tags,
        body: alertDestinationInputSchema,
        response: { 201: alertDestinationWithSecretSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      checkUrl(request.body.url);
      if ((await store().listDestinations(request.orgId)).length >= ALERT_LIMITS.destinationsPerOrg) {
        throw new HttpError(409, `The organization has ${ALERT_LIMITS.destinationsPerOrg} alert destinations, the most it may have; delete one first`);
      }
      const made = await sealed().create(request.orgId, request.body).catch(duplicate);
      await app.audit(request, { action: "created", resource_type: "alert_destination", resource_id: made.destination.id, resource_name: made.destination.name });
      return reply.code(201).send({ destination: publicDestination(made.destination, []), secret: made.secret });
    },
  );

  app.get(
    "/api/alerts/destinations/:id",
    { config: { access: "read" }, schema: { summary: "One alert destination", tags, params: paramsSchema, response: { 200: alertDestinationSchema, ...ERROR_RESPONSES } } },
    async (request) => {
      const found = await store().getDestination(request.orgId, request.params.id);
      if (!found) throw destinationMissing(request.params.id);
      return publicDestination(found, await rulesOf(request.orgId));
    },
  );

  app.put(
    "/api/alerts/destinations/:id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Change a destination (a URL left out is kept)",
        tags,
        params: paramsSchema,
        body: alertDestinationUpdateSchema,
        response: { 200: alertDestinationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      checkUrl(request.body.url);
      const updated = await sealed().update(request.orgId, request.params.id, request.body).catch(duplicate);
      if (!updated) throw destinationMissing(request.params.id);
      await app.audit(request, { action: "edited", resource_type: "alert_destination", resource_id: updated.id, resource_name: updated.name });
      return publicDestination(updated, await rulesOf(request.orgId));
    },
  );

  app.delete(
    "/api/alerts/destinations/:id",
    { config: { access: "admin" }, schema: { summary: "Delete a destination no rule sends to", tags, params: paramsSchema, response: { 204: z.undefined().describe("Deleted"), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const found = await store().getDestination(request.orgId, request.params.id);
      if (!found) throw destinationMissing(request.params.id);
      const users = (await rulesOf(request.orgId)).filter((r) => r.destination_ids.includes(found.id));
      if (users.length > 0) {
        throw new HttpError(409, `Alert rule ${users.map((r) => `"${r.name}"`).join(", ")} sends to this destination; remove it from ${users.length === 1 ? "that rule" : "those rules"} first`);
      }
      await store().deleteDestination(request.orgId, found.id);
      await app.audit(request, { action: "deleted", resource_type: "alert_destination", resource_id: found.id, resource_name: found.name });
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/alerts/destinations/:id/rotate-secret",
    {
      config: { access: "admin" },
      schema: {
        summary: "Replace a destination's signing secret (the old one stops at once); the answer carries the new one, shown this once",
        tags,
        params: paramsSchema,
        response: { 200: alertDestinationWithSecretSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const rotated = await sealed().rotate(request.orgId, request.params.id, new Date());
      if (!rotated) throw destinationMissing(request.params.id);
      await app.audit(request, { action: "secret_rotated", resource_type: "alert_destination", resource_id: rotated.destination.id, resource_name: rotated.destination.name });
      return { destination: publicDestination(rotated.destination, await rulesOf(request.orgId)), secret: rotated.secret };
    },
  );

  app.post(
    "/api/alerts/destinations/:id/test",
    {
      config: {
        access: "admin",
        rateLimit: {
          max: DEFAULT_TEST_RATE_LIMIT.max,
          timeWindow: DEFAULT_TEST_RATE_LIMIT.timeWindowMs,
          hook: "preHandler" as const,
          keyGenerator: (request: FastifyRequest) => `alert-test:${request.orgId}:${clientIdentity(request)}`,
          errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number; max: number }) =>
            new HttpError(429, `Too many test alerts: you may send ${context.max} per minute; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`),
        },
      },
      schema: { summary: "Send test: deliver a test event now (one attempt) and answer its outcome", tags, params: paramsSchema, response: { 200: alertTestResultSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const found = await store().getDestination(request.orgId, request.params.id);
      if (!found) throw destinationMissing(request.params.id);
      const sender = new AlertSender(store(), sealed(), {
        holder: `api-test-${process.pid}`,
        allowPrivate: settings.allowPrivate,
        timeoutMs: settings.timeoutMs,
        retryBaseMs: settings.retryBaseMs,
        retryMaxMs: settings.retryMaxMs,
      });
      const delivery = await sender.sendTest(request.orgId, found.id, found.name, (format) => alertBody(format, "test", null, request.orgId, new Date()), found.format);
      if (!delivery) throw new Error("the test delivery vanished");
      await app.audit(request, {
        action: "tested",
        resource_type: "alert_destination",
        resource_id: found.id,
        resource_name: found.name,
        outcome: delivery.status === "delivered" ? `delivered: HTTP ${delivery.response_status}` : `failed: ${delivery.response_status === null ? "no answer" : `HTTP ${delivery.response_status}`}`,
      });
      return { ok: delivery.status === "delivered", delivery };
    },
  );

  // ---- what happened ----
  app.get(
    "/api/alerts/deliveries",
    {
      config: { access: "read" },
      schema: { summary: "The delivery log, newest first", tags, querystring: alertDeliveryQuerySchema, response: { 200: alertDeliveryPageSchema, ...ERROR_RESPONSES } },
    },
    async (request) => store().listDeliveries(request.orgId, request.query),
  );

  app.get(
    "/api/alerts/incidents",
    {
      config: { access: "read" },
      schema: { summary: "Incidents, newest first", tags, querystring: alertIncidentQuerySchema, response: { 200: alertIncidentPageSchema, ...ERROR_RESPONSES } },
    },
    async (request) => store().listIncidents(request.orgId, request.query),
  );
};

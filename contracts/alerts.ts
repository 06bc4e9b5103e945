// Alerts (Organization → Alerts, /api/alerts/...): rules that watch an organization's tasks, the
// webhook destinations an alert goes to, the incidents the worker's evaluator opens and resolves,
// and the log of every delivery. One incident sends one "alert" and, once its condition has stayed
// clear for the rule's quiet period, one "resolved". A destination's signing secret (`whsec_...`,
// Standard Webhooks) is shown once, in the create and rotate answers, and never again; its URL is
// write-only too (a Slack incoming-webhook URL is itself a credential), answered only as a hint.
//
// Routes (reads: any role; writes: admins; every write audited):
//   GET/POST /api/alerts/rules                     list {items} / create -> 201 AlertRule
//   GET/PUT/DELETE /api/alerts/rules/:id           read / update (partial) / delete -> 204
//   GET/POST /api/alerts/destinations              list {items} / create -> 201 AlertDestinationWithSecret
//   GET/PUT/DELETE /api/alerts/destinations/:id    read / update (partial) / delete -> 204 (409 while a rule sends to it)
//   POST /api/alerts/destinations/:id/rotate-secret -> AlertDestinationWithSecret (the old secret stops at once)
//   POST /api/alerts/destinations/:id/test         -> AlertTestResult (sent now, one attempt)
//   GET /api/alerts/deliveries?...                 -> {items, next_before}, newest first
//   GET /api/alerts/incidents?...                  -> {items, next_before}, newest first
// Bad input: 400 { error, fields: { <field path>: message } } as every route answers it.
// (Over 300 lines: the whole contract of one page, which its console helper builds against.)
import { z } from "./zod.ts";
import { displayNameSchema } from "./display-name.ts";

/** Bounds: a rule set is something a person reads, not a bulk store. */
export const ALERT_LIMITS = {
  rulesPerOrg: 100,
  destinationsPerOrg: 20,
  destinationsPerRule: 10,
  tasksPerRule: 100,
  urlMaxLength: 2048,
  /** Minutes a condition must hold (errors for, lag for, backlog for): up to a day. */
  forMinutesMax: 24 * 60,
  /** Quiet period: up to a day. */
  quietMinutesMax: 24 * 60,
  lagSecondsMax: 7 * 24 * 3600,
  failedFilesMax: 1_000_000,
  backlogMessagesMax: 1_000_000_000,
  /** Delivery attempts before a delivery is given up (the sender's bound). */
  deliveryAttemptsMax: 8,
  /** The longest error sentence a delivery keeps. */
  deliveryErrorMaxLength: 500,
} as const;

export const ALERT_MESSAGES = {
  ruleNameRequired: "Enter a name for the alert rule",
  destinationNameRequired: "Enter a name for the destination",
  nameTooLong: "Keep the name to 128 characters or fewer",
  kindChoice: "Choose what the rule watches: task_failed, task_errors_for, lag_p95_above, failed_files_above or backlog_above",
  forMinutes: `For: a whole number of minutes from 1 to ${24 * 60}`,
  lagSeconds: `Lag p95 above: a whole number of seconds from 1 to ${7 * 24 * 3600}`,
  failedFiles: "Failed files above: a whole number from 0 to 1000000",
  backlogMessages: "Backlog above: a whole number of messages from 0 to 1000000000",
  quietMinutes: `Quiet period: a whole number of minutes from 0 to ${24 * 60}`,
  taskIds: "Choose at least one task (at most 100), or watch all tasks",
  taskId: "A task id is 1 to 64 characters",
  destinationIds: "Choose at most 10 destinations",
  destinationId: "A destination id is 1 to 64 characters",
  urlRequired: "Enter the webhook URL, for example https://hooks.example.com/databend",
  urlTooLong: "Keep the URL to 2048 characters or fewer",
  urlInvalid: "Enter an absolute https:// URL without user name, password or #fragment",
  formatChoice: "Choose the body format: standard (signed JSON, Standard Webhooks) or slack (Slack incoming webhook)",
} as const;

const M = ALERT_MESSAGES;

const idSchema = (message: string) => z.string({ error: message }).trim().min(1, message).max(64, message);
const wholeIn = (min: number, max: number, message: string) =>
  z.number({ error: message }).int(message).min(min, message).max(max, message);

export const ALERT_RULE_KINDS = ["task_failed", "task_errors_for", "lag_p95_above", "failed_files_above", "backlog_above"] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** Words for each kind, as the console and the alert text say them. */
export const ALERT_RULE_KIND_LABELS: Record<AlertRuleKind, string> = {
  task_failed: "Task failed",
  task_errors_for: "Task has had errors for N minutes",
  lag_p95_above: "Lag p95 above N seconds for M minutes",
  failed_files_above: "Failed files above N",
  backlog_above: "Backlog above N messages for M minutes",
};

const forMinutes = wholeIn(1, ALERT_LIMITS.forMinutesMax, M.forMinutes);

/**
 * What a rule watches, per task:
 * - task_failed: the task's status is `failed`.
 * - task_errors_for: every run of the task that ended in the last `for_minutes` recorded errors, and
 *   runs ended throughout that window (the first erroring run is at least `for_minutes` old).
 * - lag_p95_above: the p95 of event -> committed lag over the runs that ended in each of the last
 *   `for_minutes` minutes stayed above `threshold_seconds` (the runs' lag sketches merged).
 * - failed_files_above: the task's failed (quarantined, not dismissed) files number more than
 *   `threshold_files`.
 * - backlog_above: the queue's visible messages (SQS's ApproximateNumberOfMessages) stayed above
 *   `threshold_messages` for `for_minutes` (sampled by the evaluator through the task's role).
 */
export const alertConditionSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("task_failed") }),
    z.strictObject({ kind: z.literal("task_errors_for"), for_minutes: forMinutes }),
    z.strictObject({
      kind: z.literal("lag_p95_above"),
      threshold_seconds: wholeIn(1, ALERT_LIMITS.lagSecondsMax, M.lagSeconds),
      for_minutes: forMinutes,
    }),
    z.strictObject({ kind: z.literal("failed_files_above"), threshold_files: wholeIn(0, ALERT_LIMITS.failedFilesMax, M.failedFiles) }),
    z.strictObject({
      kind: z.literal("backlog_above"),
      threshold_messages: wholeIn(0, ALERT_LIMITS.backlogMessagesMax, M.backlogMessages),
      for_minutes: forMinutes,
    }),
  ],
  { error: M.kindChoice },
);
export type AlertCondition = z.output<typeof alertConditionSchema>;

const ruleFields = {
  name: displayNameSchema("alert rule", { required: M.ruleNameRequired, tooLong: M.nameTooLong }),
  condition: alertConditionSchema,
  /** The tasks watched: null for all of the organization's tasks (including ones made later). */
  task_ids: z.array(idSchema(M.taskId), { error: M.taskIds }).min(1, M.taskIds).max(ALERT_LIMITS.tasksPerRule, M.taskIds).nullable(),
  /**
   * Minutes the condition must stay clear before an incident resolves (and its "resolved" is sent);
   * a return within them continues the same incident, so a flapping task alerts once.
   */
  quiet_minutes: wholeIn(0, ALERT_LIMITS.quietMinutesMax, M.quietMinutes),
  enabled: z.boolean(),
  /** Where the rule's alerts go (the organization's destinations); none: incidents only. */
  destination_ids: z.array(idSchema(M.destinationId), { error: M.destinationIds }).max(ALERT_LIMITS.destinationsPerRule, M.destinationIds),
};

/** POST /api/alerts/rules. */
export const alertRuleInputSchema = z.strictObject({
  ...ruleFields,
  task_ids: ruleFields.task_ids.default(null),
  quiet_minutes: ruleFields.quiet_minutes.default(10),
  enabled: ruleFields.enabled.default(true),
  destination_ids: ruleFields.destination_ids.default([]),
});
export type AlertRuleFormValues = z.input<typeof alertRuleInputSchema>;
export type AlertRuleInput = z.output<typeof alertRuleInputSchema>;

/** PUT /api/alerts/rules/:id: any subset; a field left out keeps its value (a condition is replaced whole). */
export const alertRuleUpdateSchema = z.strictObject(ruleFields).partial();
export type AlertRuleUpdate = z.output<typeof alertRuleUpdateSchema>;

export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  condition: alertConditionSchema,
  task_ids: z.array(z.string()).nullable(),
  quiet_minutes: z.number(),
  enabled: z.boolean(),
  destination_ids: z.array(z.string()),
  /** Incidents of this rule open now. */
  open_incidents: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;
export const alertRuleListSchema = z.object({ items: z.array(alertRuleSchema) });

export const DESTINATION_FORMATS = ["standard", "slack"] as const;
export type DestinationFormat = (typeof DESTINATION_FORMATS)[number];
export const DESTINATION_FORMAT_LABELS: Record<DestinationFormat, string> = {
  standard: "Standard Webhooks (signed JSON)",
  slack: "Slack incoming webhook",
};

/**
 * An absolute http(s) URL without credentials or fragment. Whether http:// and private addresses are
 * allowed is the deployment's choice (ALERT_WEBHOOK_ALLOW_PRIVATE), so the API checks that, and the
 * sender checks the address it actually connects to.
 */
export const webhookUrlSchema = z
  .string({ error: M.urlRequired })
  .trim()
  .min(1, M.urlRequired)
  .max(ALERT_LIMITS.urlMaxLength, M.urlTooLong)
  // No DOM or Node URL here (contracts import only zod): scheme, an authority without user info,
  // then an optional path and query, no fragment. The server parses it with URL again.
  .regex(/^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?][^#\s]*)?$/i, M.urlInvalid);

const destinationFields = {
  name: displayNameSchema("destination", { required: M.destinationNameRequired, tooLong: M.nameTooLong }),
  url: webhookUrlSchema,
  format: z.enum(DESTINATION_FORMATS, { error: M.formatChoice }),
};

/** POST /api/alerts/destinations. */
export const alertDestinationInputSchema = z.strictObject({ ...destinationFields, format: destinationFields.format.default("standard") });
export type AlertDestinationFormValues = z.input<typeof alertDestinationInputSchema>;
export type AlertDestinationInput = z.output<typeof alertDestinationInputSchema>;

/** PUT /api/alerts/destinations/:id: any subset; a URL left out keeps the stored one (it is never sent back). */
export const alertDestinationUpdateSchema = z.strictObject(destinationFields).partial();
export type AlertDestinationUpdate = z.output<typeof alertDestinationUpdateSchema>;

/** A destination as every answer but create/rotate gives it: no secret, the URL only as a hint. */
export const alertDestinationSchema = z.object({
  id: z.string(),
  name: z.string(),
  format: z.enum(DESTINATION_FORMATS),
  /** Scheme, host, port and the path's first segment, e.g. `https://hooks.slack.com/services/…`. */
  url_hint: z.string(),
  /** When the signing secret was made (created or last rotated). */
  secret_created_at: z.string(),
  /** Rules that send to it. */
  rule_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AlertDestination = z.infer<typeof alertDestinationSchema>;
export const alertDestinationListSchema = z.object({ items: z.array(alertDestinationSchema) });

/** The one time a secret is answered: POST /api/alerts/destinations and POST .../:id/rotate-secret. */
export const alertDestinationWithSecretSchema = z.object({
  destination: alertDestinationSchema,
  /** `whsec_` + base64: give it to a Standard Webhooks library to verify (`new Webhook(secret).verify(body, headers)`). */
  secret: z.string(),
});
export type AlertDestinationWithSecret = z.infer<typeof alertDestinationWithSecretSchema>;

export const DELIVERY_EVENT_TYPES = ["alert", "resolved", "test"] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];
/** pending: waiting for its (next) attempt; delivered: a 2xx answer; failed: given up after its attempts or refused. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const alertDeliverySchema = z.object({
  id: z.string(),
  destination_id: z.string(),
  /** Null once the destination is deleted. */
  destination_name: z.string().nullable(),
  event_type: z.enum(DELIVERY_EVENT_TYPES),
  /** Null for a test. */
  incident_id: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  /** The HTTP status of the last attempt's answer; null when none came (refused, timeout, connection error). */
  response_status: z.number().nullable(),
  /** Why the last attempt did not deliver, in one sentence; null when it did. */
  error: z.string().nullable(),
  created_at: z.string(),
  last_attempt_at: z.string().nullable(),
  /** When it is tried again (pending only). */
  next_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

/** GET /api/alerts/deliveries?limit=&before=&destination_id=&incident_id=&event_type=&status=: newest first. */
export const alertDeliveryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page. */
  before: z.string().max(100).optional(),
  destination_id: z.string().trim().min(1).max(64).optional(),
  incident_id: z.string().trim().min(1).max(64).optional(),
  event_type: z.enum(DELIVERY_EVENT_TYPES).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});
export type AlertDeliveryQuery = z.output<typeof alertDeliveryQuerySchema>;
export const alertDeliveryPageSchema = z.object({ items: z.array(alertDeliverySchema), next_before: z.string().nullable() });

/** POST /api/alerts/destinations/:id/test: sent now (one attempt, not retried), and its outcome. */
export const alertTestResultSchema = z.object({
  ok: z.boolean(),
  delivery: alertDeliverySchema,
});
export type AlertTestResult = z.infer<typeof alertTestResultSchema>;

export const alertIncidentSchema = z.object({
  id: z.string(),
  rule_id: z.string(),
  /** The rule's name when the incident opened (kept when the rule is renamed or deleted). */
  rule_name: z.string(),
  kind: z.enum(ALERT_RULE_KINDS),
  task_id: z.string(),
  /** Null once the task is deleted. */
  task_name: z.string().nullable(),
  /** What was seen when it opened, in one sentence (e.g. "Lag p95 was 312 s over the last 5 minutes (above 60 s)"). */
  summary: z.string(),
  opened_at: z.string(),
  /** Null while open. */
  resolved_at: z.string().nullable(),
});
export type AlertIncident = z.infer<typeof alertIncidentSchema>;

/** GET /api/alerts/incidents?state=&rule_id=&task_id=&limit=&before=: newest first. */
export const alertIncidentQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(100).optional(),
  state: z.enum(["open", "resolved"]).optional(),
  rule_id: z.string().trim().min(1).max(64).optional(),
  task_id: z.string().trim().min(1).max(64).optional(),
});
export type AlertIncidentQuery = z.output<typeof alertIncidentQuerySchema>;
export const alertIncidentPageSchema = z.object({ items: z.array(alertIncidentSchema), next_before: z.string().nullable() });

/**
 * The JSON body a `standard` destination receives (the shape Standard Webhooks recommends: type,
 * timestamp, data), signed in the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
 * `webhook-id` is the delivery's id, the same on every retry, so a receiver can drop a repeat.
 */
export const WEBHOOK_EVENT_TYPES = ["alert.opened", "alert.resolved", "alert.test"] as const;
export const alertWebhookPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: z.string(),
  data: z.object({
    org_id: z.string(),
    /** Null for a test. */
    incident: alertIncidentSchema.nullable(),
    /** One line a person reads, the same text a Slack destination shows. */
    text: z.string(),
  }),
});
export type AlertWebhookPayload = z.infer<typeof alertWebhookPayloadSchema>;

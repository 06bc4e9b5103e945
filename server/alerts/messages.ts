// What an alert says and how it is put on the wire, per destination format:
// - standard: the JSON payload of contracts/alerts.ts ({ type, timestamp, data }, the shape the
//   Standard Webhooks specification recommends), signed by the `standardwebhooks` library (the
//   specification's reference implementation): `webhook-id` (the delivery's id, stable across
//   retries), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
//   `id.timestamp.body` under the destination's secret). Spec: https://www.standardwebhooks.com/
//   and github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md.
// - slack: a body Slack's incoming webhooks accept: `text` (the notification's fallback, in Slack's
//   mrkdwn) plus `blocks` with one mrkdwn section, the two fields Slack's own webhook client sends
//   (docs.slack.dev, node-slack-sdk reference: @slack/webhook IncomingWebhookSendArguments).
//   Slack ignores the signature headers; they are sent anyway, so a relay in between can verify.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { ALERT_RULE_KIND_LABELS, type AlertIncident, type AlertWebhookPayload, type DeliveryEventType, type DestinationFormat } from "#contracts/alerts.ts";

/** A new destination secret: `whsec_` + 32 random bytes in base64, the form Standard Webhooks libraries take. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

const WEBHOOK_TYPES: Record<DeliveryEventType, AlertWebhookPayload["type"]> = { alert: "alert.opened", resolved: "alert.resolved", test: "alert.test" };

/** One line a person reads. */
export function alertText(event: DeliveryEventType, incident: AlertIncident | null, orgId: string): string {
  if (event === "test" || !incident) return `Test alert from the SQS (S3) ingestion console for organization ${orgId}: this destination receives alerts.`;
  const task = incident.task_name ?? incident.task_id;
  return event === "alert"
    ? `Alert "${incident.rule_name}" (${ALERT_RULE_KIND_LABELS[incident.kind]}) opened for task ${task}: ${incident.summary}`
    : `Resolved: alert "${incident.rule_name}" for task ${task} (opened ${incident.opened_at}).`;
}

/** The body a destination of `format` receives (built when the delivery is queued, stored in the outbox). */
export function alertBody(format: DestinationFormat, event: DeliveryEventType, incident: AlertIncident | null, orgId: string, at: Date): string {
  const text = alertText(event, incident, orgId);
  if (format === "slack") {
    return JSON.stringify({ text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] });
  }
  const payload: AlertWebhookPayload = { type: WEBHOOK_TYPES[event], timestamp: at.toISOString(), data: { org_id: orgId, incident, text } };
  return JSON.stringify(payload);
}

/** The three Standard Webhooks headers for one attempt of delivery `id`. */
export function signedHeaders(secret: string, id: string, body: string, at: Date): Record<string, string> {
  const signature = new Webhook(secret).sign(id, at, body);
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}

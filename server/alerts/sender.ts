// Sends queued alert deliveries: claims due rows from the outbox (an atomic claim by the database's
// clock, so several workers may send side by side and a row goes to one of them), signs each body
// afresh per attempt (Standard Webhooks timestamps are checked for freshness by receivers), POSTs it
// through safe-post.ts, and records the outcome: a 2xx delivers; a timeout, connection error, 408,
// 429 or 5xx is tried again after the worker's backoff (server/worker/backoff.ts) up to
// ALERT_LIMITS.deliveryAttemptsMax attempts; any other answer, a refused address or a deleted
// destination fails at once (trying again would not change it). Never logs a URL or a secret.
import type { Logger } from "pino";
import { ALERT_LIMITS } from "#contracts/alerts.ts";
import type { AlertStore } from "../store/open.ts";
import type { ClaimedDelivery, AttemptOutcome } from "../store/alert-deliveries.ts";
import { backoff } from "../worker/backoff.ts";
import type { AlertDestinations } from "./destinations.ts";
import { signedHeaders } from "./messages.ts";
import { safePost, type PostResult } from "./safe-post.ts";

export interface SenderOptions {
  holder: string;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Backoff of retries, ms: first wait, and the longest. */
  retryBaseMs: number;
  retryMaxMs: number;
  log?: Logger;
}

/** How long a claim on a row lasts: the POST's timeout and a margin, so a live sender never loses one. */
const claimMs = (timeoutMs: number) => timeoutMs + 30_000;

function judge(result: PostResult, attempts: number, options: SenderOptions, retryable: boolean): AttemptOutcome {
  const error = result.error === null ? null : result.error.slice(0, ALERT_LIMITS.deliveryErrorMaxLength);
  if (result.error === null) return { status: "delivered", response_status: result.status, error: null };
  const transient = result.status === null ? !result.refused : result.status === 408 || result.status === 429 || result.status >= 500;
  if (retryable && transient && attempts < ALERT_LIMITS.deliveryAttemptsMax) {
    return { status: "retry", response_status: result.status, error, retryInMs: backoff(attempts, options.retryBaseMs, options.retryMaxMs) };
  }
  return { status: "failed", response_status: result.status, error };
}

export class AlertSender {
  private readonly store: AlertStore;
  private readonly destinations: AlertDestinations;
  private readonly options: SenderOptions;
  constructor(store: AlertStore, destinations: AlertDestinations, options: SenderOptions) {
    this.store = store;
    this.destinations = destinations;
    this.options = options;
  }

  /** One attempt of a claimed row, recorded; `retryable` false for a test (one attempt, now). */
  async attempt(row: ClaimedDelivery, retryable = true): Promise<AttemptOutcome> {
    const attempts = row.attempts + 1;
    const destination = await this.store.getDestination(row.org_id, row.destination_id);
    let outcome: AttemptOutcome;
    if (!destination) {
      outcome = { status: "failed", response_status: null, error: "The destination was deleted before this delivery was sent" };
    } else {
      const opened = this.destinations.open(destination);
      if (!opened.ok) {
        outcome = { status: "failed", response_status: null, error: opened.error };
      } else {
        const at = new Date();
        const result = await safePost(opened.url, row.payload, signedHeaders(opened.secret, row.id, row.payload, at), {
          allowPrivate: this.options.allowPrivate,
          timeoutMs: this.options.timeoutMs,
        });
        outcome = judge(result, attempts, this.options, retryable);
      }
    }
    await this.store.recordAttempt(row.id, this.options.holder, outcome);
    this.options.log?.[outcome.status === "delivered" ? "info" : "warn"](
      { delivery: row.id, org: row.org_id, destination: row.destination_id, event: row.event_type, attempt: attempts, status: outcome.status, response_status: outcome.response_status },
      "alert delivery attempt",
    );
    return outcome;
  }

  /** Sends what is due (at most `limit` rows, a few at a time); returns how many were attempted. */
  async sendDue(limit = 20): Promise<number> {
    const rows = await this.store.claimDue(this.options.holder, limit, claimMs(this.options.timeoutMs));
    const queue = [...rows];
    const lanes = Array.from({ length: Math.min(4, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) await this.attempt(row);
    });
    await Promise.all(lanes);
    return rows.length;
  }

  /** Send test: queue one test delivery, claim exactly it, attempt it once now. */
  async sendTest(orgId: string, destinationId: string, destinationName: string, body: (format: "standard" | "slack") => string, format: "standard" | "slack") {
    const [id] = await this.store.queue(orgId, [{ destination_id: destinationId, destination_name: destinationName, event_type: "test", payload: () => body(format) }]);
    const [row] = await this.store.claimDue(this.options.holder, 1, claimMs(this.options.timeoutMs), id);
    if (row) await this.attempt(row, false);
    return this.store.getDelivery(orgId, id!);
  }
}

// Alert settings from the environment, read by the API (URL checks, Send test) and the worker
// (evaluator, sender) alike; documented in docs/alerts.md.
import { envBoolean, envNumber } from "../env-values.ts";

export interface AlertConfig {
  /** ALERT_WEBHOOK_ALLOW_PRIVATE: http:// and private/loopback/link-local targets allowed (embedded run, tests). */
  allowPrivate: boolean;
  /** ALERTS_INTERVAL_MS: how often a worker evaluates (when it holds the lease) and sends what is due. */
  intervalMs: number;
  /** ALERT_DELIVERY_TIMEOUT_MS: one POST's bound. */
  timeoutMs: number;
  /** ALERT_RETRY_BASE_MS, ALERT_RETRY_MAX_MS: backoff of a delivery's retries. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export function loadAlertConfig(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  const retryBaseMs = envNumber(env, "ALERT_RETRY_BASE_MS", 10_000, { min: 10, integer: true });
  return {
    allowPrivate: envBoolean(env, "ALERT_WEBHOOK_ALLOW_PRIVATE", false),
    intervalMs: envNumber(env, "ALERTS_INTERVAL_MS", 15_000, { min: 100, integer: true }),
    timeoutMs: envNumber(env, "ALERT_DELIVERY_TIMEOUT_MS", 10_000, { min: 100, integer: true }),
    retryBaseMs,
    retryMaxMs: envNumber(env, "ALERT_RETRY_MAX_MS", 15 * 60_000, { min: retryBaseMs, integer: true }),
  };
}

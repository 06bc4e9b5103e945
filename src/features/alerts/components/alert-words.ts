// What the alerts page says about a rule, a delivery and a destination, in words a person reads:
// the condition with its numbers and units, the tasks it watches, the quiet period, an event.
import type { AlertCondition, AlertRuleKind, DeliveryEventType, DeliveryStatus } from "#contracts/alerts.ts";
import type { BadgeStatus } from "../../../lib/status-badge.tsx";
import { countOf } from "../../../lib/format.ts";

/** "Lag p95 above 300 s for 10 min": the rule's condition with its own numbers. */
export function conditionWords(condition: AlertCondition): string {
  switch (condition.kind) {
    case "task_failed":
      return "A task failed";
    case "task_errors_for":
      return `A task has had errors for ${condition.for_minutes} min`;
    case "lag_p95_above":
      return `Lag p95 above ${condition.threshold_seconds} s for ${condition.for_minutes} min`;
    case "failed_files_above":
      return `Failed files above ${countOf(condition.threshold_files, "file")}`;
    case "backlog_above":
      return `Backlog above ${countOf(condition.threshold_messages, "message")} for ${condition.for_minutes} min`;
  }
}

/** A new condition of `kind` with sensible starting numbers (the form resets to these on a change of kind). */
export function conditionOf(kind: AlertRuleKind): AlertCondition {
  switch (kind) {
    case "task_failed":
      return { kind };
    case "task_errors_for":
      return { kind, for_minutes: 15 };
    case "lag_p95_above":
      return { kind, threshold_seconds: 300, for_minutes: 10 };
    case "failed_files_above":
      return { kind, threshold_files: 0 };
    case "backlog_above":
      return { kind, threshold_messages: 1000, for_minutes: 15 };
  }
}

export function quietWords(minutes: number): string {
  return minutes === 0 ? "None" : `${minutes} min`;
}

export const EVENT_LABELS: Record<DeliveryEventType, string> = { alert: "Alert", resolved: "Resolved", test: "Test" };

export const DELIVERY_STATUS: Record<DeliveryStatus, { status: BadgeStatus; text: string }> = {
  pending: { status: "pending", text: "Sending" },
  delivered: { status: "pass", text: "Delivered" },
  failed: { status: "fail", text: "Failed" },
};

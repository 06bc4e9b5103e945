// One evaluation of every enabled alert rule against its tasks. For each (rule, task) the condition
// is judged now (holds, clear, or unknown when its input cannot be had), and the stored state moves:
// - holds: remember since when (database clock); once it has held for the rule's "for" minutes
//   (none for task_failed and failed_files_above; lag_p95_above judges its window instead), open an
//   incident, which queues one "alert" per destination in the same transaction; an open incident
//   whose condition holds again forgets its clearing;
// - clear: forget the holding; an open incident starts (or goes on) clearing, and once clear for
//   the rule's quiet minutes it resolves, queueing one "resolved" per destination;
// - unknown: nothing moves.
// The store makes opening and resolving once-only (alert-incidents.ts), so even two evaluators at
// once cannot alert an incident twice; the lease (scheduler.ts) keeps it to one per tick anyway.
import type { AlertCondition, AlertIncident } from "#contracts/alerts.ts";
import type { StoredDestination, StoredRule } from "../store/alert-config.ts";
import type { AlertState, QueuedDelivery, RunFacts, TaskFacts } from "../store/alert-incidents.ts";
import { mergeSketches, sketchPercentiles } from "../store/lag-sketch.ts";
import type { AlertStore } from "../store/open.ts";
import { alertBody } from "./messages.ts";

/** Failed (quarantined, not dismissed) files per task (issue 20 §1), or null when that cannot be had now. */
export type FailedFileCounter = (orgId: string, taskIds: readonly string[]) => Promise<Map<string, number> | null>;
/** A task queue's visible messages, or null when it cannot be read now. */
export type BacklogSampler = (orgId: string, taskId: string) => Promise<number | null>;

export interface EvaluatorInputs {
  failedFiles?: FailedFileCounter | undefined;
  backlog?: BacklogSampler | undefined;
}

/** The most rules one tick looks at (ALERT_LIMITS bounds each organization; this bounds the tick). */
const RULES_PER_TICK = 2_000;
/** Runs read per rule for a lag window. */
const LAG_RUNS = 5_000;

type Verdict = { holds: true; summary: string } | { holds: false } | null;

const MINUTE = 60_000;

function holdFor(condition: AlertCondition): number {
  return condition.kind === "task_errors_for" || condition.kind === "backlog_above" ? condition.for_minutes * MINUTE : 0;
}

export interface EvaluationCounts {
  rules: number;
  opened: number;
  resolved: number;
}

export class AlertEvaluator {
  private readonly store: AlertStore;
  private readonly inputs: EvaluatorInputs;
  constructor(store: AlertStore, inputs: EvaluatorInputs = {}) {
    this.store = store;
    this.inputs = inputs;
  }

  async evaluate(): Promise<EvaluationCounts> {
    const counts: EvaluationCounts = { rules: 0, opened: 0, resolved: 0 };
    const rules = await this.store.enabledRules(RULES_PER_TICK);
    const tasksByOrg = new Map<string, TaskFacts[]>();
    const destinationsByOrg = new Map<string, StoredDestination[]>();
    for (const rule of rules) {
      if (!tasksByOrg.has(rule.org_id)) tasksByOrg.set(rule.org_id, await this.store.tasksOf(rule.org_id));
      if (!destinationsByOrg.has(rule.org_id)) destinationsByOrg.set(rule.org_id, await this.store.listDestinations(rule.org_id));
      const all = tasksByOrg.get(rule.org_id)!;
      const tasks = rule.task_ids === null ? all : all.filter((t) => rule.task_ids!.includes(t.id));
      const destinations = destinationsByOrg.get(rule.org_id)!.filter((d) => rule.destination_ids.includes(d.id));
      const verdicts = await this.judge(rule, tasks);
      const nowMs = await this.store.dbNowMs();
      const states = await this.store.states(rule.id);
      const open = await this.store.openIncidents(rule.id);
      // A task that left the scope (or was deleted) with an incident open is judged clear.
      for (const taskId of open.keys()) if (!verdicts.has(taskId)) verdicts.set(taskId, { holds: false });
      for (const [taskId, verdict] of verdicts) {
        if (verdict === null) continue;
        const task = tasks.find((t) => t.id === taskId);
        const before: AlertState = states.get(taskId) ?? { holding_since_ms: null, clear_since_ms: null };
        const incident = open.get(taskId);
        const next: AlertState = { ...before };
        if (verdict.holds) {
          next.holding_since_ms = before.holding_since_ms ?? nowMs;
          next.clear_since_ms = null;
          if (!incident && nowMs - next.holding_since_ms >= holdFor(rule.condition)) {
            const opened = await this.store.openIncident(
              { org_id: rule.org_id, rule_id: rule.id, rule_name: rule.name, kind: rule.condition.kind, task_id: taskId, task_name: task?.name ?? null, summary: verdict.summary.slice(0, 500) },
              queued(destinations, "alert", rule.org_id),
            );
            if (opened) counts.opened++;
          }
        } else {
          next.holding_since_ms = null;
          if (incident) {
            next.clear_since_ms = before.clear_since_ms ?? nowMs;
            if (nowMs - next.clear_since_ms >= rule.quiet_minutes * MINUTE) {
              if (await this.store.resolveIncident(rule.org_id, incident.id, queued(destinations, "resolved", rule.org_id))) counts.resolved++;
              next.clear_since_ms = null;
            }
          } else {
            next.clear_since_ms = null;
          }
        }
        if (next.holding_since_ms !== before.holding_since_ms || next.clear_since_ms !== before.clear_since_ms) {
          await this.store.setState(rule.org_id, rule.id, taskId, next);
        }
      }
      counts.rules++;
    }
    return counts;
  }

  /** The verdict per task in scope (null: unknown now). */
  private async judge(rule: StoredRule, tasks: readonly TaskFacts[]): Promise<Map<string, Verdict>> {
    const c = rule.condition;
    const out = new Map<string, Verdict>();
    const ids = tasks.map((t) => t.id);
    switch (c.kind) {
      case "task_failed":
        for (const t of tasks) out.set(t.id, t.status === "failed" ? { holds: true, summary: `The task failed${t.status_reason ? `: ${t.status_reason}` : ""}` } : { holds: false });
        break;
      case "task_errors_for": {
        const latest = await this.store.latestRuns(ids);
        for (const t of tasks) {
          const run = latest.get(t.id);
          out.set(t.id, run?.has_errors ? { holds: true, summary: `Every run for ${c.for_minutes} min recorded errors (the last ended ${run.ended_at})` } : { holds: false });
        }
        break;
      }
      case "lag_p95_above": {
        const since = new Date(Date.now() - c.for_minutes * MINUTE).toISOString();
        const runs = await this.store.runsSince(ids, since, LAG_RUNS);
        for (const t of tasks) {
          const p95 = lagP95(runs.filter((r) => r.task_id === t.id));
          out.set(
            t.id,
            p95 !== null && p95 > c.threshold_seconds * 1000
              ? { holds: true, summary: `Lag p95 was ${Math.round(p95 / 1000)} s over the last ${c.for_minutes} min (above ${c.threshold_seconds} s)` }
              : { holds: false },
          );
        }
        break;
      }
      case "failed_files_above": {
        const counts = this.inputs.failedFiles ? await this.inputs.failedFiles(rule.org_id, ids) : null;
        if (!counts) {
          for (const t of tasks) out.set(t.id, null);
          break;
        }
        for (const t of tasks) {
          const n = counts.get(t.id) ?? 0;
          out.set(t.id, n > c.threshold_files ? { holds: true, summary: `${n} failed files (above ${c.threshold_files})` } : { holds: false });
        }
        break;
      }
      case "backlog_above":
        for (const t of tasks) {
          const visible = this.inputs.backlog ? await this.inputs.backlog(rule.org_id, t.id) : null;
          out.set(
            t.id,
            visible === null ? null : visible > c.threshold_messages ? { holds: true, summary: `${visible} messages waiting in the queue for ${c.for_minutes} min (above ${c.threshold_messages})` } : { holds: false },
          );
        }
        break;
    }
    return out;
  }
}

/** p95 of event -> committed lag over these runs' objects (their sketches merged), ms; null when none recorded lag. */
function lagP95(runs: readonly RunFacts[]): number | null {
  const withLag = runs.filter((r) => r.lag_sketch && r.lag_max_ms !== null);
  if (withLag.length === 0) return null;
  const max = Math.max(...withLag.map((r) => r.lag_max_ms!));
  return sketchPercentiles(mergeSketches(withLag.map((r) => r.lag_sketch!)), max)?.p95_ms ?? null;
}

function queued(destinations: readonly StoredDestination[], event: "alert" | "resolved", orgId: string): QueuedDelivery[] {
  return destinations.map((d) => ({
    destination_id: d.id,
    destination_name: d.name,
    event_type: event,
    payload: (incident: AlertIncident) => alertBody(d.format, event, incident, orgId, new Date()),
  }));
}

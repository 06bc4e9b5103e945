// The alerts' loop in each worker process: every ALERTS_INTERVAL_MS it tries to take the "alerts"
// lease (one atomic statement timed by the database's clock, alert-incidents.ts claimLease); the
// holder evaluates the rules, the others do not, so one evaluation runs per tick across all workers.
// The lease outlives a few ticks, so a holder that dies hands over once it expires; the state the
// evaluator works from is in the store, so the next holder goes on where it stopped. Every worker
// sends due deliveries (the outbox's claim keeps each row to one sender).
import type { Logger } from "pino";
import { errorText } from "../error-text.ts";
import type { AlertStore } from "../store/open.ts";
import type { AlertEvaluator } from "./evaluator.ts";
import type { AlertSender } from "./sender.ts";

export const ALERTS_LEASE = "alerts";
/** Finished deliveries and resolved incidents are kept this long (the delivery log's horizon). */
export const ALERT_HISTORY_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;

export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastPrune = 0;
  private readonly deps: { store: AlertStore; evaluator: AlertEvaluator; sender: AlertSender; holder: string; intervalMs: number; log: Logger };
  constructor(deps: AlertScheduler["deps"]) {
    this.deps = deps;
  }

  /**
   * The lease lasts three ticks and 5 s: the holder renews it every tick, a dead holder's passes on
   * soon after. Should a tick outlast it, a second evaluator may run once beside the first; that
   * costs work, not a second alert (the store opens and resolves an incident once).
   */
  private get leaseMs(): number {
    return this.deps.intervalMs * 3 + 5_000;
  }

  start(): void {
    const tick = () => {
      if (this.stopped || this.running) return;
      this.running = this.tick().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs);
  }

  /** One tick; exposed for tests. */
  async tick(): Promise<void> {
    const { store, evaluator, sender, holder, log } = this.deps;
    try {
      if (await store.claimLease(ALERTS_LEASE, holder, this.leaseMs)) {
        const counts = await evaluator.evaluate();
        if (counts.opened > 0 || counts.resolved > 0) log.info({ ...counts }, "alert rules evaluated");
        if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
          this.lastPrune = Date.now();
          await store.pruneAlertHistory(new Date(Date.now() - ALERT_HISTORY_DAYS * 24 * 3600_000));
        }
      }
    } catch (error) {
      log.error({ err: errorText(error) }, "alert evaluation failed; trying again next tick");
    }
    try {
      await sender.sendDue();
    } catch (error) {
      log.error({ err: errorText(error) }, "sending alert deliveries failed; trying again next tick");
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.deps.store.releaseLease(ALERTS_LEASE, this.deps.holder).catch(() => {});
  }
}

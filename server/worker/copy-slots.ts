// The cap on load transactions (a COPY with its receipts) in flight per warehouse in this worker
// process, whatever task or batch they come from (WORKER_COPY_CONCURRENCY, default 1).
//
// Why a cap, and why 1 by default: every load transaction of a task writes the same three tables
// (the target, the receipts, the fences). Two such transactions that overlap can only both commit
// where the engine merges them; 1.2.453 refuses the second COMMIT outright (2009
// TableVersionMismatched on any two transactions writing one table), so there an overlap is a
// COPY thrown away and done again. Batches still overlap everything else: while one batch's
// transaction runs, the next one is parsed, claimed and fenced, and the previous one's run is
// recorded and its messages deleted (task-runner.ts, WORKER_LOAD_CONCURRENCY batches in flight).
// bench/worker.ts measures what a second slot buys (BENCH: WORKER_COPY_CONCURRENCY=2).
//
// The slots are per process: workers on several hosts each take their own (their transactions are
// kept apart by the claims and fences, not by this cap, which is about throughput only).
import pLimit, { type LimitFunction } from "p-limit";
import type { Warehouse } from "../databend/client.ts";

const slots = new WeakMap<Warehouse, LimitFunction>();

/** Runs `load` when one of the warehouse's `concurrency` slots is free (FIFO). */
export function inCopySlot<T>(warehouse: Warehouse, concurrency: number, load: () => Promise<T>): Promise<T> {
  let limit = slots.get(warehouse);
  if (!limit || limit.concurrency !== concurrency) {
    limit = limit ?? pLimit(concurrency);
    limit.concurrency = concurrency;
    slots.set(warehouse, limit);
  }
  return limit(load);
}

/** Load transactions waiting for a slot of this warehouse (for metrics and tests). */
export function copySlotsWaiting(warehouse: Warehouse): number {
  return slots.get(warehouse)?.pendingCount ?? 0;
}

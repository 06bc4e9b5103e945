// The cap on load transactions (a COPY with its receipts and fence update)
// in flight per warehouse in this worker process, whatever task, batch or backfill they come from
// (WORKER_COPY_CONCURRENCY, default 1).
//
// Why a cap, and why 1 by default: every load transaction writes the same tables (the target, and
// the warehouse's one receipts and fences tables, shared by its tasks). Two such transactions
// that overlap can only both commit where the engine merges them: 1.2.453 refuses the second
// COMMIT outright (2009 TableVersionMismatched on any two transactions writing one table), and
// 1.2.895 refuses it when they share a block of fence rows (4001; a task's fence slot rows share
// one), or when a fence INSERT ran beside the other's fence UPDATE (seen in bench/worker.ts). Each refusal throws a whole COPY away. What comes
// before the slot (resolving versions, claims) overlaps another batch's transaction when
// WORKER_LOAD_CONCURRENCY is above 1. docs/benchmarks.md has what a second slot bought.
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


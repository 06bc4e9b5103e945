// The per-warehouse cap on load transactions (copy-slots.ts). The warehouses here are plain
// objects: the cap keys on the Warehouse instance and never calls it (the real transactions under
// the cap are exercised by the worker suites, tests/worker-*.test.ts).
import { describe, expect, it } from "vitest";
import type { Warehouse } from "../databend/client.ts";
import { inCopySlot } from "./copy-slots.ts";

/** Runs `count` loads through the cap at once; each holds its slot until released; reports the most seen at once. */
async function overlapOf(jobs: { warehouse: Warehouse; cap: number }[]): Promise<{ most: number; mostPer: Map<Warehouse, number> }> {
  let now = 0;
  let most = 0;
  const per = new Map<Warehouse, number>();
  const mostPer = new Map<Warehouse, number>();
  const gates: (() => void)[] = [];
  const runs = jobs.map(({ warehouse, cap }) =>
    inCopySlot(warehouse, cap, async () => {
      now++;
      per.set(warehouse, (per.get(warehouse) ?? 0) + 1);
      most = Math.max(most, now);
      mostPer.set(warehouse, Math.max(mostPer.get(warehouse) ?? 0, per.get(warehouse)!));
      await new Promise<void>((resolve) => gates.push(resolve));
      now--;
      per.set(warehouse, per.get(warehouse)! - 1);
    }),
  );
  // Release whoever holds a slot until all have run (each release lets a waiting load in).
  let released = 0;
  while (released < jobs.length) {
    await new Promise((r) => setImmediate(r));
    const gate = gates.shift();
    if (gate) {
      gate();
      released++;
    }
  }
  await Promise.all(runs);
  return { most, mostPer };
}

describe("copy slots: load transactions in flight per warehouse", () => {
  it("one slot: six loads on one warehouse run one at a time, in the order they asked", async () => {
    const warehouse = {} as Warehouse;
    const order: number[] = [];
    const runs = [0, 1, 2, 3, 4, 5].map((i) => inCopySlot(warehouse, 1, async () => void order.push(i)));
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    const { most } = await overlapOf(Array.from({ length: 6 }, () => ({ warehouse, cap: 1 })));
    expect(most).toBe(1);
  });

  it("two slots allow two at once, never three; another warehouse has slots of its own", async () => {
    const a = {} as Warehouse;
    const b = {} as Warehouse;
    const { mostPer } = await overlapOf([...Array.from({ length: 5 }, () => ({ warehouse: a, cap: 2 })), ...Array.from({ length: 3 }, () => ({ warehouse: b, cap: 1 }))]);
    expect(mostPer.get(a)).toBe(2);
    expect(mostPer.get(b)).toBe(1);
  });

  it("a load that throws frees its slot, and the error reaches its caller", async () => {
    const warehouse = {} as Warehouse;
    await expect(inCopySlot(warehouse, 1, async () => Promise.reject(new Error("COPY failed")))).rejects.toThrow("COPY failed");
    await expect(inCopySlot(warehouse, 1, async () => "next")).resolves.toBe("next");
  });
});

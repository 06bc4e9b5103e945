import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Batcher } from "./batcher.ts";

describe("Batcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function make(maxItems: number, lingerMs: number, room = { free: true }) {
    const batches: number[][] = [];
    const batcher = new Batcher<number>({
      maxItems,
      lingerMs,
      hasRoom: () => room.free,
      onBatch: (items) => batches.push(items),
    });
    return { batcher, batches, room };
  }

  it("closes a batch when the linger time of its first item passes", () => {
    const { batcher, batches } = make(100, 1000);
    batcher.add(1);
    vi.advanceTimersByTime(500);
    batcher.add(2);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(batches).toEqual([[1, 2]]);
    batcher.add(3);
    vi.advanceTimersByTime(999);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("closes a batch at the size limit without waiting", () => {
    const { batcher, batches } = make(3, 1000);
    for (let i = 0; i < 7; i++) batcher.add(i);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5]]);
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("lets a batch grow while the consumer is busy, then hands it out at once", () => {
    const { batcher, batches, room } = make(5, 100);
    room.free = false;
    batcher.add(1);
    vi.advanceTimersByTime(100);
    batcher.add(2);
    batcher.add(3);
    expect(batches).toEqual([]);
    room.free = true;
    batcher.poke();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("never hands out more than maxItems, even after a backlog", () => {
    const { batcher, batches, room } = make(2, 100);
    room.free = false;
    for (let i = 0; i < 5; i++) batcher.add(i);
    expect(batcher.full).toBe(true);
    room.free = true;
    batcher.poke();
    expect(batches).toEqual([[0, 1], [2, 3]]);
    vi.advanceTimersByTime(100);
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("takeAll empties the buffer (used when stopping)", () => {
    const { batcher, batches } = make(10, 100);
    batcher.add(1);
    batcher.add(2);
    expect(batcher.takeAll()).toEqual([1, 2]);
    vi.advanceTimersByTime(200);
    expect(batches).toEqual([]);
  });
});

describe("Batcher with a clock that runs behind the timer", () => {
  it("re-arms when the linger timer fires before the linger is over", () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const batches: number[][] = [];
      const batcher = new Batcher<number>({
        maxItems: 10,
        lingerMs: 300,
        hasRoom: () => true,
        onBatch: (items) => batches.push(items),
        now: () => clock,
      });
      batcher.add(1);
      clock = 299; // the timer fires at 300 ms while the wall clock reads 299
      vi.advanceTimersByTime(300);
      expect(batches).toEqual([]);
      clock = 300;
      vi.advanceTimersByTime(1);
      expect(batches).toEqual([[1]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

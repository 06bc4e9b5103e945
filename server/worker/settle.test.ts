import { describe, expect, it } from "vitest";
import { Acknowledger } from "./settle.ts";
import type { BatchEntryFailure, MessageQueue, QueueMessage } from "./queue.ts";

/** An in-memory stand-in for the SQS calls the acknowledger makes (the real queue is exercised in tests/worker*.test.ts). */
class RecordingQueue implements MessageQueue {
  deletes: string[][] = [];
  changes: { id: string; seconds: number }[][] = [];
  failDeletes = new Set<string>();
  async receive(): Promise<QueueMessage[]> {
    return [];
  }
  async deleteBatch(entries: { id: string; receiptHandle: string }[]): Promise<BatchEntryFailure[]> {
    expect(entries.length).toBeLessThanOrEqual(10);
    this.deletes.push(entries.map((e) => e.id));
    return entries.filter((e) => this.failDeletes.has(e.id)).map((e) => ({ id: e.id, code: "ReceiptHandleIsInvalid", message: "expired" }));
  }
  async changeVisibilityBatch(entries: { id: string; receiptHandle: string; visibilitySeconds: number }[]) {
    expect(entries.length).toBeLessThanOrEqual(10);
    this.changes.push(entries.map((e) => ({ id: e.id, seconds: e.visibilitySeconds })));
    return [];
  }
}

const msg = (id: string, receiveCount = 1): QueueMessage => ({ messageId: id, receiptHandle: `rh-${id}`, body: "{}", receiveCount, sentAt: 0 });

function make(now = { t: 0 }) {
  const queue = new RecordingQueue();
  const errors: string[] = [];
  let deleted = 0;
  const ack = new Acknowledger(queue, {
    visibilitySeconds: 60,
    backoffBaseSeconds: 5,
    backoffMaxSeconds: 300,
    onDeleted: (n) => (deleted += n),
    onQueueError: (what) => errors.push(what),
    now: () => now.t,
  });
  return { queue, ack, errors, now, deleted: () => deleted };
}

describe("Acknowledger", () => {
  it("holds a batch's deletes until released (the batch records its run first); other deletes and visibility changes go out", async () => {
    const { ack, queue, deleted } = make();
    for (const id of ["a", "b", "c"]) ack.track(msg(id), 1);
    const release = ack.holdDeletes(["a", "b"]);
    const second = ack.holdDeletes(["a"]);
    ack.resolve("a");
    ack.fail("b");
    ack.resolve("c");
    await ack.flush();
    expect(queue.deletes).toEqual([["c"]]);
    expect(queue.changes.flat().map((c) => c.id)).toEqual(["b"]);
    release();
    release(); // releasing twice counts once
    await ack.flush();
    expect(queue.deletes).toEqual([["c"]]);
    second();
    await ack.flush();
    expect(queue.deletes).toEqual([["c"], ["a"]]);
    expect(deleted()).toBe(2);
  });

  it("drops held deletes when the batch could not record its run: the messages come back by visibility timeout", async () => {
    const { ack, queue, deleted } = make();
    for (const id of ["a", "b"]) ack.track(msg(id), 1);
    const release = ack.holdDeletes(["a"]);
    ack.resolve("a");
    ack.resolve("b");
    release({ drop: true });
    await ack.flush();
    expect(queue.deletes).toEqual([["b"]]);
    expect(deleted()).toBe(1);
  });

  it("deletes a message only when every record is resolved", async () => {
    const { ack, queue, deleted } = make();
    ack.track(msg("a"), 3);
    ack.resolve("a", 2);
    await ack.flush();
    expect(queue.deletes).toEqual([]);
    ack.resolve("a");
    await ack.flush();
    expect(queue.deletes).toEqual([["a"]]);
    expect(deleted()).toBe(1);
    expect(ack.size).toBe(0);
  });

  it("deletes at once a message with nothing to load (test event, skipped records)", async () => {
    const { ack, queue } = make();
    ack.track(msg("t"), 0);
    await ack.flush();
    expect(queue.deletes).toEqual([["t"]]);
  });

  it("keeps a message with a failed record and pushes its visibility back with backoff", async () => {
    const { ack, queue } = make();
    ack.track(msg("a", 3), 2);
    ack.resolve("a");
    ack.fail("a");
    await ack.flush();
    expect(queue.deletes).toEqual([]);
    expect(queue.changes).toEqual([[{ id: "a", seconds: 20 }]]);
  });

  it("defers a message held by another worker without counting a failure", async () => {
    const { ack, queue } = make();
    ack.track(msg("a"), 1);
    ack.defer("a", 15);
    await ack.flush();
    expect(queue.changes).toEqual([[{ id: "a", seconds: 15 }]]);
    expect(ack.settled).toEqual({ deleted: 0, retried: 0, deferred: 1 });
  });

  it("sends deletes in batches of at most 10", async () => {
    const { ack, queue, deleted } = make();
    for (let i = 0; i < 25; i++) ack.track(msg(`m${i}`), 1);
    for (let i = 0; i < 25; i++) ack.resolve(`m${i}`);
    await ack.flush();
    expect(queue.deletes.map((d) => d.length).sort()).toEqual([10, 10, 5]);
    expect(deleted()).toBe(25);
  });

  it("reports a failed delete instead of hiding it", async () => {
    const { ack, queue, errors, deleted } = make();
    queue.failDeletes.add("a");
    ack.track(msg("a"), 1);
    ack.track(msg("b"), 1);
    ack.resolve("a");
    ack.resolve("b");
    await ack.flush();
    expect(errors).toEqual(["delete a"]);
    expect(deleted()).toBe(1);
  });

  it("extends visibility of messages close to their timeout (heartbeat)", async () => {
    const now = { t: 0 };
    const { ack, queue } = make(now);
    ack.track(msg("old"), 1);
    now.t = 20_000;
    ack.track(msg("new"), 1);
    now.t = 31_000; // "old" is visible again at 60 s: within half a timeout
    expect(await ack.heartbeat()).toBe(1);
    expect(queue.changes).toEqual([[{ id: "old", seconds: 60 }]]);
    expect(await ack.heartbeat()).toBe(0);
  });

  it("keeps extending a settled message whose delete waits for its batch's record (else SQS hands it out again)", async () => {
    const now = { t: 0 };
    const { ack, queue } = make(now);
    ack.track(msg("skip"), 1);
    const release = ack.holdDeletes(["skip"]);
    ack.resolve("skip"); // settled at once (a TestEvent), its delete held while the batch loads
    await ack.flush();
    now.t = 31_000;
    expect(await ack.heartbeat()).toBe(1);
    expect(queue.changes).toEqual([[{ id: "skip", seconds: 60 }]]);
    release();
    await ack.flush();
    expect(queue.deletes).toEqual([["skip"]]);
    now.t = 62_000;
    expect(await ack.heartbeat()).toBe(0);
  });

  it("releases a message back to the queue at once when asked, and forgets abandoned ones", async () => {
    const { ack, queue } = make();
    ack.track(msg("a"), 1);
    ack.track(msg("b"), 1);
    ack.release("a");
    ack.abandon("b");
    ack.resolve("b");
    await ack.flush();
    expect(queue.changes).toEqual([[{ id: "a", seconds: 0 }]]);
    expect(queue.deletes).toEqual([]);
  });

  it("keeps the newer receipt handle when the same message arrives twice", async () => {
    const { ack, queue } = make();
    expect(ack.track(msg("a"), 1)).toBe(true);
    expect(ack.track({ ...msg("a"), receiptHandle: "rh-newer" }, 1)).toBe(false);
    ack.resolve("a");
    await ack.flush();
    expect(queue.deletes).toEqual([["a"]]);
  });
});

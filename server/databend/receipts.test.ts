// The fence slot of a key is part of the on-disk contract between worker versions: two workers
// racing one key must update the same slot row, whichever release each runs. These values are
// pinned so a change to slotOf fails here instead of silently unfencing a rolling deploy.
import { describe, expect, it } from "vitest";
import { FENCE_SLOTS, fenceUpdate, slotOf } from "./receipts.ts";

describe("fence slots", () => {
  it("a key's slot is the first two bytes of its SHA-256 modulo 256, fixed for good", () => {
    expect(FENCE_SLOTS).toBe(256);
    expect(slotOf("in/a.csv")).toBe(123);
    expect(slotOf("logs/2026/12/08/x.json")).toBe(195);
    expect(slotOf("ü/é.csv")).toBe(40);
  });

  it("the UPDATE names each slot of a batch's keys once, for this task and bucket only", () => {
    const sql = fenceUpdate("task-1", "bucket-1", [{ key: "in/a.csv", etag: "e1" }, { key: "in/a.csv", etag: "e2" }, { key: "ü/é.csv", etag: "e3" }], "w1");
    expect(sql).toContain("task_id = 'task-1' AND bucket = 'bucket-1' AND slot IN (40, 123)");
  });
});

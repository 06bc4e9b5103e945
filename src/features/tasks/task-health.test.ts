// taskHealth: the one definition of a task's health, at its edges (the stall bound, a missing or
// unreadable heartbeat, an error on a task that is not running).
import { describe, expect, it } from "vitest";
import { makeTask } from "../../../tests/support/fixtures.ts";
import { NEEDS_ATTENTION, STALLED_AFTER_MS, taskHealth } from "./task-health.ts";

const NOW = Date.parse("2026-01-05T12:00:00.000Z");
const running = (heartbeatAgoMs: number | null, lastError: string | null = null) =>
  makeTask({
    desired_state: "running",
    status: "running",
    heartbeat_at: heartbeatAgoMs === null ? null : new Date(NOW - heartbeatAgoMs).toISOString(),
    last_error: lastError,
  });

describe("taskHealth", () => {
  it("calls a running task stalled only once its heartbeat is older than the bound", () => {
    expect(taskHealth(running(STALLED_AFTER_MS), NOW)).toBe("running");
    expect(taskHealth(running(STALLED_AFTER_MS + 1), NOW)).toBe("stalled");
    // No heartbeat yet, or one it cannot read, is no evidence of a stall.
    expect(taskHealth(running(null), NOW)).toBe("running");
    expect(taskHealth({ ...running(0), heartbeat_at: "not a time" }, NOW)).toBe("running");
  });

  it("puts a stall before a standing error, and an error only on a running task", () => {
    expect(taskHealth(running(1_000, "bad value"), NOW)).toBe("erroring");
    expect(taskHealth(running(STALLED_AFTER_MS + 1, "bad value"), NOW)).toBe("stalled");
    expect(taskHealth(makeTask({ last_error: "old" }), NOW)).toBe("stopped");
    expect(taskHealth(makeTask({ status: "failed", status_reason: "x", last_error: "x" }), NOW)).toBe("failed");
    expect(taskHealth(makeTask({ desired_state: "running", status: "stopped", last_error: "old" }), NOW)).toBe("starting");
    expect(taskHealth(makeTask({ desired_state: "stopped", status: "running", last_error: "old" }), NOW)).toBe("stopping");
  });

  it("needs attention exactly when failed, stalled or erroring", () => {
    expect([...NEEDS_ATTENTION].sort()).toEqual(["erroring", "failed", "stalled"]);
  });
});

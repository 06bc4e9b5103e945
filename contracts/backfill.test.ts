import { describe, expect, it } from "vitest";
import { BACKFILL_MESSAGES, backfillInputSchema } from "./backfill.ts";
import { TASK_MESSAGES, taskInputSchema } from "./task.ts";

describe("backfill input", () => {
  it("takes no since, a date (midnight UTC) or a date-time with a zone, normalized to UTC", () => {
    expect(backfillInputSchema.parse({})).toEqual({});
    expect(backfillInputSchema.parse({ since: "2024-05-01" })).toEqual({ since: "2024-05-01T00:00:00.000Z" });
    expect(backfillInputSchema.parse({ since: "2024-05-01T10:00:00+02:00" })).toEqual({ since: "2024-05-01T08:00:00.000Z" });
  });

  it("refuses other text, a date-time without a zone and the future, with the reason", () => {
    for (const since of ["yesterday", "2024-05-01T10:00:00", "2024-13-01", ""]) {
      expect(backfillInputSchema.safeParse({ since }).error?.issues[0]?.message, since).toBe(BACKFILL_MESSAGES.sinceFormat);
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(backfillInputSchema.safeParse({ since: future }).error?.issues[0]?.message).toBe(BACKFILL_MESSAGES.sinceFuture);
    expect(backfillInputSchema.safeParse({ since: "2024-05-01", extra: 1 }).success).toBe(false);
  });
});

describe("reconcile_every_minutes", () => {
  const base = { name: "t", data_source_id: "ds", file_format: { type: "csv" }, target: { table: "x" } };
  it("is off by default and takes whole minutes from 5 to a week", () => {
    expect(taskInputSchema.parse(base).reconcile_every_minutes).toBeNull();
    expect(taskInputSchema.parse({ ...base, reconcile_every_minutes: 60 }).reconcile_every_minutes).toBe(60);
    expect(taskInputSchema.parse({ ...base, reconcile_every_minutes: null }).reconcile_every_minutes).toBeNull();
  });
  it("refuses anything else with one message", () => {
    for (const value of [0, 4, 10081, 7.5, "60"]) {
      expect(taskInputSchema.safeParse({ ...base, reconcile_every_minutes: value }).error?.issues[0]?.message, String(value)).toBe(TASK_MESSAGES.reconcileRange);
    }
  });
});

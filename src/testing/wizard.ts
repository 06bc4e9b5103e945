// Queries shared by the wizard's tests (create and edit).
import { screen, waitFor, within } from "@testing-library/react";
import type { PreviewResponse } from "#contracts/preview.ts";
import type { userEvent } from "@testing-library/user-event";

export type User = ReturnType<typeof userEvent.setup>;

export const input = (label: string) => screen.getByRole("textbox", { name: label }) as HTMLInputElement;

/** The inline error of a field (Mantine's `<id>-error` in aria-describedby while aria-invalid), or null. */
export function errorOf(label: string, role: "textbox" | "combobox" = "textbox"): string | null {
  const field = screen.getByRole(role, { name: label });
  if (field.getAttribute("aria-invalid") !== "true") return null;
  const id = (field.getAttribute("aria-describedby") ?? "").split(" ").find((candidate) => candidate.endsWith("-error"));
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

/** A preview of an empty scope (contracts/preview.ts), for cases that only pass through Preview. */
export const EMPTY_PREVIEW = {
  bucket: "orders-bucket",
  prefix: "incoming/",
  suffix: ".csv",
  objects: [],
  objects_truncated: false,
  sample: null,
  sample_error: null,
  empty: true,
  upload_hint: {
    message: "No object matches the prefix and suffix. Upload a test object, then Retry.",
    command: "aws s3 cp ./test.csv s3://orders-bucket/incoming/test.csv",
  },
} satisfies PreviewResponse;

export const currentStep = () =>
  screen.getByRole("heading", { level: 2, name: /^Step \d of \d: / }).textContent!.replace(/^Step \d of \d: /, "");
export const next = (user: User) => user.click(screen.getByRole("button", { name: "Next" }));

/** Picks an option of a Mantine Select (its dropdown is still transitioning in jsdom, hence `hidden`). */
export async function choose(user: User, label: string, option: RegExp | string) {
  const box = screen.getByRole("combobox", { name: label });
  await user.click(box);
  // The option of this Select's own list: several Selects (a table's column types) offer the same.
  const list = await waitFor(() => {
    const element = document.getElementById(box.getAttribute("aria-controls") ?? "");
    if (!element) throw new Error(`${label} has not opened its options`);
    return element;
  });
  await user.click(await within(list).findByRole("option", { name: option, hidden: true }));
}

/** A CSV sample of two columns (id, city) read from the newest of two objects. */
export const CSV_PREVIEW = {
  bucket: "orders-bucket",
  prefix: "incoming/",
  suffix: ".csv",
  objects: [
    { key: "incoming/2026/b.csv", size: 2048, last_modified: "2026-01-02T10:00:00.000Z" },
    { key: "incoming/2026/a.csv", size: 10, last_modified: "2026-01-01T09:00:00.000Z" },
  ],
  objects_truncated: false,
  sample: {
    key: "incoming/2026/b.csv",
    columns: [
      { name: "id", type: "BIGINT", nullable: false },
      { name: "city", type: "VARCHAR", nullable: true },
    ],
    rows: [
      [1, "Paris"],
      [2, null],
    ],
    truncated: false,
    inferred_by: "sample",
    match_by: "position",
    warnings: [],
    typed_from: [
      { key: "incoming/2026/b.csv", rows: 2 },
      { key: "incoming/2026/a.csv", rows: 1 },
    ],
    typing_left_out: [],
    disagreements: [],
  },
  sample_error: null,
  empty: false,
  upload_hint: null,
} satisfies PreviewResponse;

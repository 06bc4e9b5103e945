// Queries shared by the wizard's tests (create and edit).
import { screen } from "@testing-library/react";
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

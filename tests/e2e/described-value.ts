// Reading a figure the console shows as a `<dt>label</dt><dd>value</dd>` pair (counters, activity,
// a load's progress) the way a person reads it: the line after the label.
import type { Locator } from "playwright-core";

/** The text of a `<dt>label</dt><dd>value</dd>` pair inside `within` ("" when absent). */
export async function valueOf(within: Locator, label: string): Promise<string> {
  const text = await within.innerText();
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|\\n)${escaped}\\n+([^\\n]*)`).exec(text)?.[1]?.trim() ?? "";
}

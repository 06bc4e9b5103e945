// The Create/Edit Data Source form as an operator uses it, found by the seed's labels and button
// names only (never by class or test id), so the tests hold across a redesign that keeps them.
import type { Locator, Page } from "playwright-core";
import { CHECK_TITLES, type CheckId } from "#contracts/connectivity.ts";
import { labelled } from "./labelled.ts";
import { DATA_SOURCE_TYPE_LABEL, FIELD_LABELS, type ConnectionFields } from "#contracts/data-source.ts";

export type FormValues = Omit<ConnectionFields, "external_id"> & { name: string };

export const fieldFor = (page: Page, name: keyof typeof FIELD_LABELS): Locator => labelled(page, FIELD_LABELS[name].label);

export const button = (page: Page, name: "Create Data Source" | "Test Connectivity" | "OK"): Locator =>
  page.getByRole("button", { name, exact: true });

/** The service type choice (a link, button or radio per type), or null when the form shows at once. */
export async function typeChoice(page: Page): Promise<Locator | null> {
  const type = page
    .getByRole("link", { name: DATA_SOURCE_TYPE_LABEL })
    .or(page.getByRole("button", { name: DATA_SOURCE_TYPE_LABEL }))
    .or(page.getByRole("radio", { name: DATA_SOURCE_TYPE_LABEL }))
    .first();
  const name = fieldFor(page, "name");
  await type.or(name).first().waitFor();
  return (await name.isVisible()) ? null : type;
}

/** Chooses "Amazon SQS (S3) - IAM Role" when asked to; resolves on the form. */
export async function chooseType(page: Page): Promise<void> {
  await (await typeChoice(page))?.click();
  await fieldFor(page, "name").waitFor();
}

/** Types the values (Queue Region only when given: the form suggests it from the Queue URL). */
export async function fillForm(page: Page, values: Partial<FormValues>): Promise<void> {
  for (const key of ["name", "queue_url", "queue_region", "role_arn", "bucket", "prefix", "suffix"] as const) {
    const value = values[key];
    if (value !== undefined) await fieldFor(page, key).fill(value);
  }
}

export const checkList = (page: Page): Locator => page.getByRole("list", { name: "Connectivity checks" });
/** The check's item: the one with its title as a text of its own (others may quote it: "Skipped because …"). */
export const checkItem = (page: Page, id: CheckId): Locator =>
  checkList(page).getByRole("listitem").filter({ has: page.getByText(CHECK_TITLES[id], { exact: true }) });

/** Test Connectivity and its summary ("Test passed: …" / "Test failed: …") once the test is over. */
export async function runConnectivityTest(page: Page): Promise<string> {
  await button(page, "Test Connectivity").click();
  const summary = page.getByText(/^Test (passed|failed)/).first();
  await summary.waitFor({ timeout: 30_000 });
  return summary.innerText();
}

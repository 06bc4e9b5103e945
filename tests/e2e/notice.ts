// The success notices the console shows after create, save, delete, start and stop (Mantine
// notifications, role="alert"): one naming the thing and saying what happened.
import type { Page } from "playwright-core";

export async function expectNotice(page: Page, what: string, happened: RegExp): Promise<void> {
  try {
    await page.getByRole("alert").filter({ hasText: what }).filter({ hasText: happened }).first().waitFor();
  } catch (error) {
    const shown = await page.getByRole("alert").allInnerTexts();
    throw new Error(`no notice naming "${what}" that says ${String(happened)}; alerts shown: ${JSON.stringify(shown)}`, { cause: error });
  }
}

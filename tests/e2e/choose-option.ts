// Picks an option of a labelled select, whether a native <select> or a Mantine Select (an input
// that opens a listbox of role="option" items), the way a person does: open it, click the option.
import type { Page } from "playwright-core";
import { labelled } from "./labelled.ts";

export async function chooseOption(page: Page, label: string, option: string | RegExp): Promise<void> {
  const control = labelled(page, label);
  if ((await control.evaluate((el) => el.tagName)) === "SELECT") {
    const value = await control
      .locator("option")
      .filter({ hasText: option })
      .first()
      .getAttribute("value");
    await control.selectOption(value ?? "");
    return;
  }
  await control.click();
  await page.getByRole("option", { name: option }).click();
}

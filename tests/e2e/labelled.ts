// A form control by the name a screen reader announces for it. Mantine puts a required field's
// asterisk inside its <label> (aria-hidden), so the label's text is "Name *" while the accessible
// name is "Name": look up by role and accessible name first, by label text as a fallback.
import type { Locator, Page } from "playwright-core";

export function labelled(page: Page, label: string): Locator {
  const exact = { name: label, exact: true };
  return page
    .getByRole("textbox", exact)
    .or(page.getByRole("combobox", exact))
    .or(page.getByRole("spinbutton", exact))
    .or(page.getByLabel(label, { exact: true }));
}

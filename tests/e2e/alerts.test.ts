// Organization → Alerts in real Chromium at 1440x900 and 390x844, against the real API: an admin
// adds a webhook destination pointing at a receiver of the test's own (node:http on 127.0.0.1,
// port 0; the API runs with ALERT_WEBHOOK_ALLOW_PRIVATE so it may post to a loopback http:// URL),
// sees the signing secret once, presses Send test and the receiver gets one request that the
// `standardwebhooks` library verifies with that secret (and refuses with another); then creates a
// rule, sees the test in the delivery log; edits the destination's name and URL (to a second
// receiver of the test's own: the URL is write-only, so the form starts empty) and Send test reaches
// the new URL, signed with the same secret; filters the log by destination, event and status (kept in
// the address); disables the rule and deletes it. A viewer then reads the page with every change
// disabled and its reason. Every page and dialog
// is checked (axe, no sideways scroll, screenshot). Nothing is mocked.
import type { Locator, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertWebhookPayloadSchema } from "#contracts/alerts.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import { chooseOption } from "./choose-option.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { expectLandedOn, navigateTo } from "./navigation.ts";
import { expectNotice } from "./notice.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS } from "./viewports.ts";
import { hooksAt, startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from "./webhook-receiver.ts";

const PRIVATE_TARGETS = "ALERT_WEBHOOK_ALLOW_PRIVATE";

/** A control's accessible description: the text of what its aria-describedby names. */
function described(control: Locator): Promise<string> {
  return control.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" ")
      .trim(),
  );
}

/** The receiver's headers as the library takes them (one string per name). */
function headersOf(hook: ReceivedHook): Record<string, string> {
  return Object.fromEntries(Object.entries(hook.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
}

describe("console in Chromium: Organization → Alerts at each size", () => {
  let h: ConsoleHarness;
  let receiver: WebhookReceiver;
  /** Where an edited destination's new URL points. */
  let moved: WebhookReceiver;
  const before = process.env[PRIVATE_TARGETS];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    moved = await startWebhookReceiver();
    // Both ways the API may read it: the harness's configuration and the process environment.
    process.env[PRIVATE_TARGETS] = "true";
    h = await startConsoleHarness({ prefix: "e2e-alerts-" }, () => Promise.resolve({ env: { [PRIVATE_TARGETS]: "true" } }));
  });

  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await moved?.close();
    if (before === undefined) delete process.env[PRIVATE_TARGETS];
    else process.env[PRIVATE_TARGETS] = before;
  });

  /**
   * A log filter chosen as a person does. Not chooseOption: Mantine labels the Select's listbox by the
   * same label, so a look-up by label alone finds two elements; the combobox role is the control.
   */
  const filterBy = async (page: Page, label: string, option: string) => {
    await page.getByRole("combobox", { name: label, exact: true }).click();
    await page.getByRole("option", { name: option, exact: true }).click();
  };
  const dialog = (page: Page, name: string | RegExp) => page.getByRole("dialog", { name });
  const tableRow = (page: Page, table: string, text: string) =>
    page.getByRole("table", { name: table, exact: true }).getByRole("row").filter({ hasText: text });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}: a destination, its secret once, Send test verified, a rule, the delivery log`, async () => {
      const destination = `hook-${viewport.name}`;
      const rule = `lagging-${viewport.name}`;
      const path = `/hooks/${viewport.name}`;
      const page = await h.openPage(viewport, "/data/sources");

      await navigateTo(page, viewport, "Alerts");
      await expectLandedOn(page, "Alerts");
      await page.getByRole("table", { name: "Rules", exact: true }).waitFor();
      await checkPage(page, "org-alerts-start", viewport);

      // Add destination: a Standard Webhooks body to the test's receiver.
      await page.getByRole("button", { name: "Add destination" }).click();
      const add = dialog(page, "Add destination");
      await add.getByRole("textbox", { name: "Name" }).fill(destination);
      await add.getByRole("textbox", { name: "URL" }).fill(`${receiver.url}${path}`);
      expect(await add.getByRole("radio", { name: /Standard Webhooks/ }).isChecked()).toBe(true);
      await checkPage(page, "org-alerts-destination-form", viewport);
      await add.getByRole("button", { name: "Add destination" }).click();

      // The secret, once: copied from here or never.
      const shown = dialog(page, `Signing secret of "${destination}"`);
      const secret = (await shown.getByLabel("Signing secret", { exact: true }).innerText()).trim();
      expect(secret).toMatch(/^whsec_/);
      await shown.getByText("It will not be shown again", { exact: false }).waitFor();
      await shown.getByRole("button", { name: "Copy signing secret" }).waitFor();
      await checkPage(page, "org-alerts-secret", viewport);
      await shown.getByRole("button", { name: "Done" }).click();
      const row = tableRow(page, "Destinations", destination);
      await row.waitFor();
      expect(await page.getByText(secret).count(), "the secret is not shown again").toBe(0);

      // Send test: the outcome under the row, and a request the receiver verifies with the secret.
      await row.getByRole("button", { name: `Send test ${destination}` }).click();
      const outcome = page.getByRole("status").filter({ hasText: "Test delivered" });
      await outcome.waitFor({ timeout: 20_000 });
      expect(await outcome.innerText()).toContain("HTTP 200");
      const hooks = hooksAt(receiver, path);
      expect(hooks).toHaveLength(1);
      const payload = alertWebhookPayloadSchema.parse(new Webhook(secret).verify(hooks[0]!.body, headersOf(hooks[0]!)));
      expect(payload.type).toBe("alert.test");
      expect(payload.data.org_id).toBe("local-org");
      const other = new Webhook(`whsec_${Buffer.from("not the destination's secret").toString("base64")}`);
      expect(() => other.verify(hooks[0]!.body, headersOf(hooks[0]!)), "another secret does not verify").toThrow();
      await checkPage(page, "org-alerts-test-sent", viewport);

      // Create rule: lag p95 above 120 s for 5 min on all tasks, sent to this destination.
      await page.getByRole("button", { name: "Create rule" }).click();
      const create = dialog(page, "Create rule");
      await create.getByRole("textbox", { name: "Name" }).fill(rule);
      await chooseOption(page, "Alert when", "Lag p95 above N seconds for M minutes");
      await create.getByRole("textbox", { name: "Lag p95 above (seconds)" }).fill("120");
      await create.getByRole("textbox", { name: "For (minutes)" }).fill("5");
      await create.getByRole("checkbox", { name: new RegExp(`^${destination}`) }).check();
      await checkPage(page, "org-alerts-rule-form", viewport);
      await create.getByRole("button", { name: "Create rule" }).click();
      await expectNotice(page, rule, /Created rule/);
      const ruleRow = tableRow(page, "Rules", rule);
      await ruleRow.waitFor();
      expect(await ruleRow.innerText()).toContain("Lag p95 above 120 s for 5 min");
      expect(await ruleRow.innerText()).toContain("All tasks");
      expect(await ruleRow.innerText()).toContain(destination);

      // The delivery log holds the test (refreshed by the test itself, no reload): destination, response code, attempts.
      const delivery = tableRow(page, "Deliveries, newest first", destination);
      await delivery.first().waitFor();
      const logged = await delivery.first().innerText();
      expect(logged).toContain("Test");
      expect(logged).toContain("200");
      expect(logged).toContain("Delivered");
      await checkPage(page, "org-alerts", viewport);

      // Edit: a new name and a new URL (the receiver moved); the URL field starts empty, as the API never answers it.
      const renamed = `${destination}-moved`;
      await row.getByRole("button", { name: `Edit ${destination}` }).click();
      const edit = dialog(page, `Edit destination "${destination}"`);
      const urlField = edit.getByRole("textbox", { name: "URL" });
      expect(await urlField.inputValue()).toBe("");
      expect(await described(urlField)).toContain(`Leave it empty to keep the current URL (${receiver.url}/hooks/…)`);
      await edit.getByRole("textbox", { name: "Name" }).fill(renamed);
      await urlField.fill(`${moved.url}${path}`);
      await checkPage(page, "org-alerts-destination-edit", viewport);
      await edit.getByRole("button", { name: "Save destination" }).click();
      await expectNotice(page, renamed, /Saved destination/);
      const movedRow = tableRow(page, "Destinations", renamed);
      await expect.poll(() => movedRow.innerText()).toContain(`${moved.url}/hooks/…`);
      // The first test's outcome was the old URL's: it no longer shows under the row.
      await expect.poll(() => outcome.count()).toBe(0);
      expect(await ruleRow.innerText()).toContain(renamed);

      // Send test now reaches the new URL, signed with the same secret (an edit does not rotate it); the old receiver gets nothing more.
      await movedRow.getByRole("button", { name: `Send test ${renamed}` }).click();
      await outcome.waitFor({ timeout: 20_000 });
      const movedHooks = hooksAt(moved, path);
      expect(movedHooks).toHaveLength(1);
      expect(alertWebhookPayloadSchema.parse(new Webhook(secret).verify(movedHooks[0]!.body, headersOf(movedHooks[0]!))).type).toBe("alert.test");
      expect(hooksAt(receiver, path)).toHaveLength(1);

      // Filter the log: this destination's delivered tests are both sends, each under the name it was
      // sent with (the log keeps it: the first under the old name, the second under the new); none failed.
      const log = page.getByRole("table", { name: "Deliveries, newest first", exact: true });
      await filterBy(page, "Destination", renamed);
      await filterBy(page, "Event", "Test");
      await filterBy(page, "Status", "Delivered");
      await expect.poll(() => new URL(page.url()).searchParams.get("status")).toBe("delivered");
      expect(new URL(page.url()).searchParams.get("event_type")).toBe("test");
      const names = async () => (await log.getByRole("row").filter({ hasText: destination }).allInnerTexts()).map((text) => (text.includes(renamed) ? renamed : destination)).sort();
      await expect.poll(names).toEqual([destination, renamed]);
      await checkPage(page, "org-alerts-log-filtered", viewport);
      await filterBy(page, "Status", "Failed");
      await page.getByText("No delivery matches these filters", { exact: false }).waitFor();
      await page.getByRole("button", { name: "Clear the status filter" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.has("status")).toBe(false);
      await expect.poll(names).toEqual([destination, renamed]);

      // Disable, then delete after confirming.
      await ruleRow.getByRole("button", { name: `Disable ${rule}` }).click();
      await expect.poll(() => ruleRow.innerText()).toContain("Disabled");
      await ruleRow.getByRole("button", { name: `Delete ${rule}` }).click();
      const ask = dialog(page, `Delete rule "${rule}"?`);
      // The confirmation opens once the modals provider is ready: wait for it, named, before checking.
      await ask.waitFor();
      await checkPage(page, "org-alerts-delete-rule", viewport);
      await ask.getByRole("button", { name: "Delete" }).click();
      await expectNotice(page, rule, /Deleted/);
      await expect.poll(() => ruleRow.count()).toBe(0);
      await page.context().close();

      // A viewer (invited through the API, accepted in a browser of their own) reads the same page;
      // every change is disabled with the API's reason.
      const email = `viewer-${viewport.name}@example.com`;
      const invited = await h.apiFetch("/api/invitations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, role: "viewer" }),
      });
      expect(invited.status, await invited.clone().text()).toBe(201);
      const { url } = (await invited.json()) as { url: string };
      const viewer = await h.openPage(viewport, "/sign-in", { signedIn: false });
      const accepted = await viewer.request.post(`${h.baseUrl}/api/invitations/${url.split("/").pop()!}/accept`, {
        data: { name: `Viewer ${viewport.name}`, password: "viewer horse battery staple" },
        headers: { origin: h.baseUrl },
      });
      expect(accepted.status(), await accepted.text()).toBe(200);
      await viewer.goto(`${h.baseUrl}/org/alerts`);
      await viewer.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
      const viewerRow = tableRow(viewer, "Destinations", renamed);
      await viewerRow.waitFor();
      const reason = whyNotAllowed("viewer", "admin");
      for (const button of [viewer.getByRole("button", { name: "Create rule" }), viewer.getByRole("button", { name: "Add destination" }), viewerRow.getByRole("button", { name: `Send test ${renamed}` }), viewerRow.getByRole("button", { name: `Edit ${renamed}` })]) {
        expect(await button.getAttribute("aria-disabled")).toBe("true");
        expect(await described(button)).toBe(reason);
      }
      await checkPage(viewer, "org-alerts-viewer", viewport);
      await viewer.context().close();
    });
  }
});

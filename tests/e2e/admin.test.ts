// Real Chromium against the built console and the real API, at 1440x900 and 390x844: an admin's
// Organization pages. Members: invite someone (the link shown once), the invitee accepts it and
// signs in, the admin changes their role and removes them, and the API's refusal to remove the last
// admin is shown; a second invitation is cancelled. API keys: create one (shown once), use it, see
// its last use, revoke it (then refused). Audit log: what was just done, by whom. A member who is
// not an admin sees the API's 403 sentence. Every page and dialog is checked (axe, no sideways
// scroll, screenshot).
//
// Needs the admin routes of the API (branch admin-api) and runs after that merge. It signs in by
// itself, through better-auth's sign-in/email in the page's own browser context (so the console's
// requests carry the session cookie), with an admin seeded from ADMIN_EMAIL/ADMIN_PASSWORD/
// ADMIN_API_KEY on the harness's empty store; nothing is mocked.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whyNotAllowed } from "#contracts/roles.ts";
import { loadConfig } from "../../server/config.ts";
import { openStore, type Stores } from "../../server/store/open.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { expectLandedOn, navigateTo } from "./navigation.ts";
import { expectNotice } from "./notice.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS, type Viewport } from "./viewports.ts";

const ADMIN = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "e".repeat(45) };
const MEMBER_PASSWORD = "another horse battery staple";

describe("console in Chromium: an admin's Organization pages at each size", () => {
  let h: ConsoleHarness;
  let stores: Stores | undefined;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-admin-" }, async (dataDir) => {
      const env = { ...ADMIN, DATA_DIR: dataDir, ORG_ID: "local-org" };
      const config = loadConfig(env);
      stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
      return { stores, env };
    });
  });

  afterAll(async () => {
    await h?.close(async () => {
      await stores?.close();
    });
  });

  /** Same-origin JSON writes from the page's context: its cookie jar is the page's. */
  const post = (context: BrowserContext, path: string, data: unknown) =>
    context.request.post(`${h.baseUrl}${path}`, { data, headers: { origin: h.baseUrl } });

  async function signedInPage(viewport: Viewport, path: string): Promise<Page> {
    const page = await h.openPage(viewport, "/");
    const response = await post(page.context(), "/api/auth/sign-in/email", { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD });
    expect(response.status(), await response.text()).toBe(200);
    await page.goto(`${h.baseUrl}${path}`);
    return page;
  }

  const dialog = (page: Page, name: string | RegExp) => page.getByRole("dialog", { name });
  const tableRow = (page: Page, table: string, text: string) =>
    page.getByRole("table", { name: table, exact: true }).getByRole("row").filter({ hasText: text });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}: members, invitations, API keys, audit log`, async () => {
      const invitee = `member-${viewport.name}@example.com`;
      const keyName = `ci-${viewport.name}`;
      const page = await signedInPage(viewport, "/data/sources");

      // Members, from the navigation's Organization group.
      await navigateTo(page, viewport, "Members");
      await expectLandedOn(page, "Members");
      await tableRow(page, "Members", ADMIN.ADMIN_EMAIL).waitFor();
      expect(await tableRow(page, "Members", ADMIN.ADMIN_EMAIL).innerText()).toContain("Admin");
      await checkPage(page, "org-members", viewport);

      // Invite: the link is shown once, with its expiry; no email is sent.
      await page.getByRole("button", { name: "Invite member" }).click();
      const invite = dialog(page, "Invite member");
      await invite.getByRole("textbox", { name: /Email/ }).fill(invitee);
      await invite.getByRole("radio", { name: "Operator" }).check();
      await checkPage(page, "org-invite", viewport);
      await invite.getByRole("button", { name: "Create invitation" }).click();
      const link = dialog(page, "Invitation link");
      await link.getByText("no email is sent", { exact: false }).waitFor();
      const inviteUrl = await link.getByLabel(`Invitation link for ${invitee}`).innerText();
      expect(inviteUrl).toMatch(/^https?:\/\//);
      await checkPage(page, "org-invite-link", viewport);
      await link.getByRole("button", { name: "Done" }).click();
      await tableRow(page, "Pending invitations", invitee).waitFor();

      // The invitee opens the link in a browser of their own (signed out), sets a name and a
      // password on the invitation page, and is signed in as an Operator: the admin pages say why not.
      const member = await h.openPage(viewport, new URL(inviteUrl).pathname, { signedIn: false });
      await member.getByRole("heading", { name: "Accept invitation", level: 1 }).waitFor();
      await checkPage(member, "invite-accept", viewport);
      await member.getByRole("textbox", { name: "Name" }).fill(`Member ${viewport.name}`);
      await member.getByLabel("Password", { exact: true }).fill(MEMBER_PASSWORD);
      await member.getByRole("button", { name: /^Join / }).click();
      await member.getByRole("heading", { name: "Data Sources", level: 1 }).waitFor();
      await member.goto(`${h.baseUrl}/org/members`);
      await member.getByRole("alert").filter({ hasText: whyNotAllowed("operator", "admin") }).waitFor();
      expect(await member.getByRole("button", { name: "Invite member" }).count()).toBe(0);
      await checkPage(member, "org-members-forbidden", viewport);
      await member.context().close();

      // The admin sees the new member, changes their role, and removes them.
      await page.reload();
      const memberRow = tableRow(page, "Members", invitee);
      await memberRow.waitFor();
      expect(await memberRow.innerText()).toContain("Operator");
      await memberRow.getByRole("button", { name: `Change role of ${invitee}` }).click();
      const change = dialog(page, /^Change the role of/);
      await change.getByRole("radio", { name: "Viewer" }).check();
      await checkPage(page, "org-change-role", viewport);
      await change.getByRole("button", { name: "Save role" }).click();
      await expectNotice(page, invitee, /is now Viewer/);
      await expect.poll(() => memberRow.innerText()).toContain("Viewer");

      await memberRow.getByRole("button", { name: `Remove ${invitee}` }).click();
      await dialog(page, `Remove ${invitee} from the organization?`).getByRole("button", { name: "Remove" }).click();
      await expectNotice(page, invitee, /Removed/);
      await expect.poll(() => memberRow.count()).toBe(0);

      // The last admin cannot be removed: the API's 409 sentence is shown, the row stays.
      await tableRow(page, "Members", ADMIN.ADMIN_EMAIL).getByRole("button", { name: `Remove ${ADMIN.ADMIN_EMAIL}` }).click();
      await dialog(page, /^Remove/).getByRole("button", { name: "Remove" }).click();
      await expectNotice(page, ADMIN.ADMIN_EMAIL, /Could not remove/);
      expect(await tableRow(page, "Members", ADMIN.ADMIN_EMAIL).count()).toBe(1);

      // A second invitation, cancelled: its row goes.
      const cancelled = `cancelled-${viewport.name}@example.com`;
      await page.getByRole("button", { name: "Invite member" }).click();
      await dialog(page, "Invite member").getByRole("textbox", { name: /Email/ }).fill(cancelled);
      await dialog(page, "Invite member").getByRole("button", { name: "Create invitation" }).click();
      await dialog(page, "Invitation link").getByRole("button", { name: "Done" }).click();
      await tableRow(page, "Pending invitations", cancelled).getByRole("button", { name: `Cancel the invitation for ${cancelled}` }).click();
      await dialog(page, `Cancel the invitation for ${cancelled}?`).getByRole("button", { name: "Cancel invitation" }).click();
      await expectNotice(page, cancelled, /Cancelled/);
      await expect.poll(() => tableRow(page, "Pending invitations", cancelled).count()).toBe(0);

      // API keys: created and shown once, with a usage example.
      await navigateTo(page, viewport, "API keys");
      await expectLandedOn(page, "API keys");
      await page.getByRole("button", { name: "Create key" }).click();
      const create = dialog(page, "Create API key");
      await create.getByRole("textbox", { name: /Name/ }).fill(keyName);
      await create.getByRole("radio", { name: "Viewer" }).check();
      await create.getByRole("button", { name: "Create key" }).click();
      const shown = dialog(page, `API key "${keyName}"`);
      const key = (await shown.getByLabel("API key", { exact: true }).innerText()).trim();
      expect(await shown.getByLabel("Usage example").innerText()).toContain(`Authorization: Bearer ${key}`);
      await checkPage(page, "org-key-created", viewport);
      await shown.getByRole("button", { name: "Done" }).click();
      const keyRow = tableRow(page, "API keys", keyName);
      await keyRow.waitFor();
      expect(await keyRow.innerText()).toContain("Never");
      expect(await page.getByText(key).count(), "the key is not shown again").toBe(0);

      // The key works (a fresh request context: no cookie), and its use is listed.
      const bearer = { headers: { authorization: `Bearer ${key}` } };
      const plain = await h.browser.newContext();
      expect((await plain.request.get(`${h.baseUrl}/api/data-sources`, bearer)).status()).toBe(200);
      await page.reload();
      await keyRow.waitFor();
      await expect
        .poll(async () => (await page.reload(), await keyRow.innerText()), { timeout: 10_000, interval: 500 })
        .not.toContain("Never");
      await checkPage(page, "org-keys", viewport);

      // Revoked: refused from then on.
      await keyRow.getByRole("button", { name: `Revoke ${keyName}` }).click();
      await dialog(page, `Revoke API key "${keyName}"?`).getByRole("button", { name: "Revoke" }).click();
      await expectNotice(page, keyName, /Revoked/);
      await expect.poll(() => keyRow.count()).toBe(0);
      expect((await plain.request.get(`${h.baseUrl}/api/data-sources`, bearer)).status()).toBe(401);
      await plain.close();

      // The audit log says what was done, newest first, to the second with UTC in the title.
      await navigateTo(page, viewport, "Audit log");
      await expectLandedOn(page, "Audit log");
      const audit = page.getByRole("table", { name: "Audit log, newest first" });
      await audit.getByRole("row").filter({ hasText: "Revoked" }).filter({ hasText: keyName }).first().waitFor();
      // A member is named by email or by name (the contract leaves resource_name to the API).
      const theMember = new RegExp(`${invitee.replace(/[.]/g, "\\.")}|Member ${viewport.name}`);
      for (const [action, what] of [
        ["Invited", invitee],
        ["Changed role", theMember],
        ["Removed", theMember],
        ["Created", keyName],
      ] as const) {
        expect(await audit.getByRole("row").filter({ hasText: action }).filter({ hasText: what }).count(), `${action} ${String(what)}`).toBeGreaterThan(0);
      }
      expect(await audit.getByRole("row").nth(1).getByRole("time").getAttribute("title")).toMatch(/ UTC$/);
      await checkPage(page, "org-audit", viewport);
      await page.context().close();
    });
  }
});

// Real Chromium, the built console, the real API (seeded: the organization SSO users join exists)
// and the OIDC stand-in (oidc-provider, sandbox/oidc): single sign-on from the console to the
// provider's login and consent pages and back, signed in. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { sessionSchema } from "#contracts/session.ts";
import { startOidcStandIn, type OidcStandIn } from "../../sandbox/oidc/server.ts";
import { openStore, type Stores } from "../../server/store/open.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { DESKTOP } from "./viewports.ts";

const LABEL = "Example SSO";
const CLIENT = { OIDC_CLIENT_ID: "console", OIDC_CLIENT_SECRET: "console-secret-for-e2e" };
const ADMIN = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "y".repeat(45) };

/**
 * Starts single sign-on as the console's sign-in page does: its "Sign in with <label>" button when
 * this build has it; otherwise the same request from the page (POST /api/auth/sign-in/social, then
 * go to the provider's URL it answers). Says which it did.
 */
async function startSingleSignOn(page: Page): Promise<"button" | "page script"> {
  const button = page.getByRole("button", { name: `Sign in with ${LABEL}` });
  if ((await button.count()) > 0) {
    await button.click();
    return "button";
  }
  const url = await page.evaluate(async () => {
    const response = await fetch("/api/auth/sign-in/social", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
    });
    return ((await response.json()) as { url: string }).url;
  });
  await page.goto(url);
  return "page script";
}

const sessionFromPage = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch("/api/session");
    return { status: response.status, body: (await response.json()) as unknown };
  });

describe("console in Chromium: single sign-on through the OIDC stand-in", () => {
  let h: ConsoleHarness;
  let idp: OidcStandIn;
  let stores: Stores | undefined;

  beforeAll(async () => {
    idp = await startOidcStandIn({ port: 0 });
    h = await startConsoleHarness({ prefix: "e2e-sso-" }, async (dataDir) => {
      const env = { ...CLIENT, ...ADMIN, OIDC_ISSUER: idp.issuer, OIDC_LABEL: LABEL };
      // The organization SSO users join (ORG_ID, local-org) is the one the harness seeds.
      stores = await openStore({ dataDir });
      return { stores, env };
    });
    idp.register({ clientId: CLIENT.OIDC_CLIENT_ID, clientSecret: CLIENT.OIDC_CLIENT_SECRET, redirectUris: [`${h.baseUrl}/api/auth/callback/oidc`] });
  });

  afterAll(async () => {
    await h?.close(async () => {
      await stores?.close();
    });
    await idp?.stop();
  });

  it("a wrong password stays on the provider's page, signed out", async () => {
    const page = await h.openPage(DESKTOP, "/", { signedIn: false });
    await startSingleSignOn(page);
    await page.getByLabel("Email").fill(idp.user.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong email or password.");
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.goto(`${h.baseUrl}/`);
    expect((await sessionFromPage(page)).status).toBe(401);
    await page.context().close();
  });

  it("signs in through the provider and lands on the console as a viewer of the organization", async () => {
    const page = await h.openPage(DESKTOP, "/", { signedIn: false });
    const how = await startSingleSignOn(page);
    console.info(`single sign-on started by the ${how}`);
    await page.getByLabel("Email").fill(idp.user.email);
    await page.getByLabel("Password").fill(idp.user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(`${h.baseUrl}/**`);
    expect(new URL(page.url()).pathname).toBe("/");
    // The console itself loaded (its first heading), with the session cookie the callback set.
    await expect.poll(() => page.getByRole("heading", { level: 1 }).count()).toBeGreaterThan(0);
    const { status, body } = await sessionFromPage(page);
    expect(status).toBe(200);
    const session = sessionSchema.parse(body);
    expect(session.user.email).toBe(idp.user.email);
    expect(session.active).toEqual({ org_id: "local-org", name: "local-org", role: "viewer" });
    await page.context().close();
  });
});

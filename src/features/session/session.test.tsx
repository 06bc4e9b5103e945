// Sign-in, first-run setup, invitations, the 401 redirect, the account menu and viewers' disabled
// controls. msw stands in for the API (a component test has no server); its answers follow
// contracts/session.ts and contracts/identity.ts and better-auth's bodies.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RouteObject } from "react-router";
import { AppLayout } from "../../app/layout.tsx";
import { renderRoutes } from "../../testing/render-routes.tsx";
import { LOCAL_ORG, sessionAs, sessionHandler } from "../../testing/session.ts";
import { dataSourceRoutes } from "../data-sources/routes.tsx";
import { makeRecord, ORG } from "../../testing/data-sources.tsx";
import { sessionRoutes } from "./routes.tsx";

const server = setupServer(
  sessionHandler(),
  http.get("/api/org", () => HttpResponse.json(ORG)),
  http.get("/api/sign-in-options", () => HttpResponse.json({ setup_needed: false, sso: null })),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [makeRecord()] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const unauthorized = () => HttpResponse.json({ error: "Not signed in" }, { status: 401 });

/** The app's signed-in frame (header with the account menu) over the data-source pages, and the public pages. */
function renderApp(path: string) {
  const routes: RouteObject[] = [{ element: <AppLayout />, children: dataSourceRoutes }];
  return renderRoutes(path, routes, { publicRoutes: sessionRoutes });
}

describe("sign in", () => {
  it("signs in with email and password and goes back to `next`", async () => {
    let body: unknown;
    server.use(
      http.post("/api/auth/sign-in/email", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ redirect: false, token: "t", user: {} });
      }),
    );
    const { user, router } = renderApp("/sign-in?next=%2Fdata%2Fsources%2Fds-1%3Ftab%3Dx");
    await user.type(await screen.findByLabelText("Email"), "Ana@Example.com ");
    await user.type(screen.getByLabelText("Password"), "secret password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources/ds-1"));
    expect(router.state.location.search).toBe("?tab=x");
    expect(body).toEqual({ email: "ana@example.com", password: "secret password" });
  });

  it("refuses a `next` on another site and lands on the data sources", async () => {
    server.use(http.post("/api/auth/sign-in/email", () => HttpResponse.json({})));
    const { user, router } = renderApp("/sign-in?next=%2F%2Fevil.example%2Fx");
    await user.type(await screen.findByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "secret password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
  });

  it("says a wrong password in words, and checks the fields first", async () => {
    server.use(
      http.post("/api/auth/sign-in/email", () =>
        HttpResponse.json({ code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" }, { status: 401 }),
      ),
    );
    const { user, router } = renderApp("/sign-in");
    await user.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter an email address, like ana@example.com")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password");
    expect(router.state.location.pathname).toBe("/sign-in");
  });

  it("says how long to wait after too many attempts (429, X-Retry-After)", async () => {
    server.use(
      http.post("/api/auth/sign-in/email", () =>
        HttpResponse.json({ message: "Too many requests. Please try again later." }, { status: 429, headers: { "X-Retry-After": "42" } }),
      ),
    );
    const { user } = renderApp("/sign-in");
    await user.type(await screen.findByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "guess");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many sign-in attempts; try again in 42 seconds");
  });

  it("tells an empty console how to create its first organization", async () => {
    server.use(http.get("/api/sign-in-options", () => HttpResponse.json({ setup_needed: true, sso: null })));
    renderApp("/sign-in");
    expect(await screen.findByText("This console has no user yet")).toBeInTheDocument();
    expect(screen.getByText(/first-run link/)).toBeInTheDocument();
  });

  it("offers single sign-on and goes to the provider's address", async () => {
    let body: unknown;
    server.use(
      http.get("/api/sign-in-options", () => HttpResponse.json({ setup_needed: false, sso: { provider_id: "okta", label: "Okta" } })),
      http.post("/api/auth/sign-in/social", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ url: "https://idp.example/authorize?x=1", redirect: true });
      }),
    );
    const assigned: string[] = [];
    const original = window.location;
    Object.defineProperty(window, "location", { configurable: true, value: { ...original, assign: (url: string) => assigned.push(url) } });
    try {
      const { user } = renderApp("/sign-in?next=%2Fdata%2Fsources");
      await user.click(await screen.findByRole("button", { name: "Sign in with Okta" }));
      await waitFor(() => expect(assigned).toEqual(["https://idp.example/authorize?x=1"]));
      expect(body).toEqual({ provider: "okta", callbackURL: "/data/sources", errorCallbackURL: "/sign-in" });
    } finally {
      Object.defineProperty(window, "location", { configurable: true, value: original });
    }
  });
});

describe("single sign-on coming back with an error", () => {
  it("says why in words and keeps the code in the details", async () => {
    const { user } = renderApp("/sign-in?error=account_not_linked");
    expect(await screen.findByText(/already signs in with a password/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /show details/i }));
    expect(screen.getByText("account_not_linked")).toBeInTheDocument();
  });
});

describe("first run and invitations", () => {
  const setupNeeded = () => http.get("/api/sign-in-options", () => HttpResponse.json({ setup_needed: true, sso: null }));

  it("sets up the first organization with the token from the link", async () => {
    let body: unknown;
    server.use(
      setupNeeded(),
      http.post("/api/setup", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(sessionAs("admin"));
      }),
    );
    const { user, router } = renderApp("/setup#token=tok-123");
    await user.type(await screen.findByLabelText("Organization name"), "Acme");
    await user.type(screen.getByLabelText("Your name"), "Ana");
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText(/^Password/), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Create organization" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(body).toEqual({ token: "tok-123", organization_name: "Acme", name: "Ana", email: "ana@example.com", password: "a long enough password" });
  });

  it("says when the setup link is not valid (403) or the console is already set up (409)", async () => {
    let status = 403;
    server.use(
      setupNeeded(),
      http.post("/api/setup", () =>
        HttpResponse.json({ error: status === 403 ? "This setup link is not valid" : "This console is already set up" }, { status }),
      ),
    );
    const { user } = renderApp("/setup#token=old");
    await user.type(await screen.findByLabelText("Organization name"), "Acme");
    await user.type(screen.getByLabelText("Your name"), "Ana");
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText(/^Password/), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Create organization" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This setup link is not valid");
    status = 409;
    await user.click(screen.getByRole("button", { name: "Create organization" }));
    const alert = await screen.findByText("Already set up");
    expect(within(alert.closest("[role=alert]")!).getByRole("link", { name: "Go to sign in" })).toHaveAttribute("href", "/sign-in");
  });

  it("says a used setup link is spent and offers sign-in, without the form", async () => {
    // The default handler: a user exists, so setup is no longer needed.
    renderApp("/setup#token=used");
    expect(await screen.findByText(/This setup link has already been used/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
    expect(screen.queryByLabelText("Organization name")).toBeNull();
  });

  it("accepts an invitation with a name and password and signs in", async () => {
    let body: unknown;
    server.use(
      http.get("/api/invitations/inv-1", () => HttpResponse.json({ organization_name: "Acme", email: "bo@example.com", role: "operator", account_exists: false })),
      http.post("/api/invitations/inv-1/accept", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(sessionAs("operator"));
      }),
    );
    const { user, router } = renderApp("/invite/inv-1");
    expect(await screen.findByText(/You are invited to/)).toHaveTextContent("You are invited to Acme as Operator");
    expect(screen.getByLabelText("Email")).toHaveValue("bo@example.com");
    await user.type(screen.getByLabelText("Name"), "Bo");
    await user.type(screen.getByLabelText(/^Password/), "short");
    await user.click(screen.getByRole("button", { name: "Join Acme" }));
    expect(await screen.findByText("Use at least 12 characters for the password")).toBeInTheDocument();
    await user.clear(screen.getByLabelText(/^Password/));
    await user.type(screen.getByLabelText(/^Password/), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Join Acme" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(body).toEqual({ name: "Bo", password: "a long enough password" });
  });

  it("lets an existing account join while signed in as it, and says to sign in first otherwise", async () => {
    const bodies: unknown[] = [];
    let signedIn = false;
    server.use(
      http.get("/api/invitations/inv-2", () => HttpResponse.json({ organization_name: "Acme", email: "bo@example.com", role: "viewer", account_exists: true })),
      http.post("/api/invitations/inv-2/accept", async ({ request }) => {
        bodies.push(await request.json());
        return signedIn
          ? HttpResponse.json(sessionAs("viewer"))
          : HttpResponse.json({ error: "Sign in as bo@example.com to accept this invitation" }, { status: 401 });
      }),
    );
    const { user, router } = renderApp("/invite/inv-2");
    await user.click(await screen.findByRole("button", { name: "Join Acme" }));
    expect(screen.queryByLabelText(/^Password/)).toBeNull();
    const signIn = await screen.findByRole("link", { name: "Sign in" });
    expect(signIn).toHaveAttribute("href", "/sign-in?next=%2Finvite%2Finv-2");
    signedIn = true;
    await user.click(screen.getByRole("button", { name: "Join Acme" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(bodies).toEqual([{}, {}]);
  });

  it("says an invitation that is gone (404) is not valid anymore", async () => {
    server.use(http.get("/api/invitations/old", () => HttpResponse.json({ error: "No such invitation" }, { status: 404 })));
    renderApp("/invite/old");
    expect(await screen.findByText(/This invitation is not valid anymore; ask the admin for a new one/)).toBeInTheDocument();
  });
});

describe("the signed-in console", () => {
  it("shows Loading (not the sign-in page) while the session loads, then sends a visitor to sign in with `next`", async () => {
    let answer!: () => void;
    server.use(http.get("/api/session", () => new Promise<Response>((resolve) => (answer = () => resolve(unauthorized())))));
    const { router } = renderApp("/data/sources/ds-1?x=1");
    expect(await screen.findByText("Loading your session…")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Sign in" })).not.toBeInTheDocument();
    answer();
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/data/sources/ds-1?x=1");
  });

  it("goes to sign in when any API call answers 401 later (an expired session)", async () => {
    server.use(http.get("/api/data-sources", unauthorized));
    const { router } = renderApp("/data/sources");
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/data/sources");
  });

  it("shows the organization and role in the account menu and signs out, forgetting the cache", async () => {
    let signedOut: unknown;
    server.use(
      http.post("/api/auth/sign-out", async ({ request }) => {
        signedOut = await request.json();
        return HttpResponse.json({ success: true });
      }),
    );
    const { user, router, queryClient } = renderApp("/data/sources");
    await waitFor(() => expect(screen.getByTitle("Organization ID (your External ID)")).toHaveTextContent("local-org"));
    await user.click(await screen.findByRole("button", { name: "Account: ana@example.com, Admin in Local org" }));
    // jsdom has no layout, so floating-ui takes the header button for detached and Mantine hides the
    // dropdown (display: none); the queries look past that.
    const menu = await screen.findByRole("menu", { hidden: true });
    expect(menu).toHaveTextContent("Admin in Local org");
    expect(within(menu).queryByText("Switch organization")).not.toBeInTheDocument();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out", hidden: true }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    expect(signedOut).toEqual({});
    await waitFor(() => expect(queryClient.getQueryData(["session"])).toBeUndefined());
  });

  it("switches organization and fetches everything again", async () => {
    const other = { org_id: "org-2", name: "Other org", role: "viewer" as const };
    let active = "local-org";
    let orgReads = 0;
    server.use(
      http.get("/api/session", () =>
        HttpResponse.json(active === "local-org" ? sessionAs("admin", [LOCAL_ORG, other]) : { ...sessionAs("admin", [LOCAL_ORG, other]), active: other }),
      ),
      http.get("/api/org", () => {
        orgReads += 1;
        return HttpResponse.json({ ...ORG, org_id: active });
      }),
      http.post("/api/auth/organization/set-active", async ({ request }) => {
        active = ((await request.json()) as { organizationId: string }).organizationId;
        return HttpResponse.json({ id: active });
      }),
    );
    server.use(http.get("/api/data-sources/ds-1", () => HttpResponse.json(makeRecord())));
    const { user, router } = renderApp("/data/sources/ds-1");
    await user.click(await screen.findByRole("button", { name: /^Account: / }));
    // jsdom has no layout, so floating-ui takes the header button for detached and Mantine hides the
    // dropdown (display: none); the queries look past that.
    const menu = await screen.findByRole("menu", { hidden: true });
    expect(within(menu).getByRole("menuitemradio", { name: /Local org/, hidden: true })).toHaveAttribute("aria-checked", "true");
    await user.click(within(menu).getByRole("menuitemradio", { name: /Other org/, hidden: true }));
    await waitFor(() => expect(screen.getByTitle("Organization ID (your External ID)")).toHaveTextContent("org-2"));
    expect(orgReads).toBeGreaterThanOrEqual(2);
    expect(router.state.location.pathname).toBe("/data/sources");
    // Now a viewer there: Create Data Source says why it is unavailable.
    const create = await screen.findByRole("button", { name: "Create Data Source" });
    await waitFor(() => expect(create).toHaveAttribute("aria-disabled", "true"));
  });
});

describe("a viewer", () => {
  const VIEWER_REASON = "Your role is Viewer, which is read only; ask an admin of this organization for the Operator role";

  it("sees Create Data Source, Edit and Delete disabled with the reason", async () => {
    server.use(sessionHandler(sessionAs("viewer")));
    const { user, router } = renderApp("/data/sources");
    const create = await screen.findByRole("button", { name: "Create Data Source" });
    expect(create).toHaveAttribute("aria-disabled", "true");
    expect(create).toHaveAccessibleDescription(VIEWER_REASON);
    const row = (await screen.findAllByRole("row"))[1]!;
    expect(within(row).getByRole("button", { name: "Edit orders" })).toHaveAccessibleDescription(VIEWER_REASON);
    expect(within(row).getByRole("button", { name: "Delete orders" })).toHaveAttribute("aria-disabled", "true");
    await user.click(create);
    expect(router.state.location.pathname).toBe("/data/sources");
  });

  it("sees Test Connectivity, Edit and Delete disabled on a data source's page", async () => {
    server.use(sessionHandler(sessionAs("viewer")), http.get("/api/data-sources/ds-1", () => HttpResponse.json(makeRecord())));
    renderApp("/data/sources/ds-1");
    for (const name of ["Test Connectivity", "Edit", "Delete"]) {
      const button = await screen.findByRole("button", { name });
      expect(button).toHaveAttribute("aria-disabled", "true");
      expect(button).toHaveAccessibleDescription(VIEWER_REASON);
    }
  });

  it("finds Organization → Warehouses and Alerts in the navigation, but not the admins' pages", async () => {
    server.use(sessionHandler(sessionAs("viewer")));
    renderApp("/data/sources");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await waitFor(() => expect(within(nav).getByRole("link", { name: "Warehouses" })).toHaveAttribute("href", "/org/warehouses"));
    expect(within(nav).getByRole("link", { name: "Alerts" })).toHaveAttribute("href", "/org/alerts");
    expect(nav).toHaveTextContent("Organization");
    for (const name of ["Members", "API keys", "Audit log"]) expect(within(nav).queryByRole("link", { name })).not.toBeInTheDocument();
  });

  it("gets the reason instead of the form at a create address", async () => {
    server.use(sessionHandler(sessionAs("viewer")));
    renderApp("/data/sources/new");
    expect(await screen.findByRole("heading", { level: 1, name: "Your role cannot make changes here" })).toBeInTheDocument();
    expect(screen.getByText(VIEWER_REASON, { exact: false })).toBeInTheDocument();
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
  });
});

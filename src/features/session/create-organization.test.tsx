// Create organization from the account menu: the contract's name rule, POST /api/organizations,
// then better-auth's set-active with the new id and everything fetched again (the header shows the
// new organization); the API's 403 when creation is turned off, and a failed switch, said in the
// modal. msw stands in for the API (a component test has no server).
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RouteObject } from "react-router";
import { organizationInputSchema } from "#contracts/warehouse-connection.ts";
import { AppLayout } from "../../app/layout.tsx";
import { renderRoutes } from "../../testing/render-routes.tsx";
import { LOCAL_ORG, sessionAs } from "../../testing/session.ts";
import { dataSourceRoutes } from "../data-sources/routes.tsx";
import { makeRecord, ORG } from "../../testing/data-sources.tsx";
import type { User } from "../../testing/wizard.ts";
import { sessionRoutes } from "./routes.tsx";

const BETA = { org_id: "org-beta", name: "Beta", role: "admin" as const };
/** The API's state: which organization is active, and what each request received. */
const state = { active: "local-org", created: [] as unknown[], activated: [] as unknown[] };

const server = setupServer(
  http.get("/api/session", () =>
    HttpResponse.json(state.active === "local-org" ? sessionAs("admin") : { ...sessionAs("admin", [LOCAL_ORG, BETA]), active: BETA }),
  ),
  http.get("/api/org", () => HttpResponse.json({ ...ORG, org_id: state.active })),
  http.get("/api/data-sources", () => HttpResponse.json({ items: state.active === "local-org" ? [makeRecord()] : [] })),
  http.get("/api/data-sources/ds-1", () => HttpResponse.json(makeRecord())),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  state.active = "local-org";
  state.created = [];
  state.activated = [];
});
afterAll(() => server.close());

function renderApp(path: string) {
  const routes: RouteObject[] = [{ element: <AppLayout />, children: dataSourceRoutes }];
  return renderRoutes(path, routes, { publicRoutes: sessionRoutes });
}

function answerCreate(answer: () => Response) {
  server.use(
    http.post("/api/organizations", async ({ request }) => {
      state.created.push(await request.json());
      return answer();
    }),
  );
}
function answerSetActive(answer: (organizationId: string) => Response) {
  server.use(
    http.post("/api/auth/organization/set-active", async ({ request }) => {
      const body = (await request.json()) as { organizationId: string };
      state.activated.push(body);
      return answer(body.organizationId);
    }),
  );
}

async function openModal(user: User) {
  await user.click(await screen.findByRole("button", { name: /^Account: / }));
  // jsdom has no layout, so Mantine hides the menu's dropdown (display: none); the queries look past that.
  const menu = await screen.findByRole("menu", { hidden: true });
  await user.click(within(menu).getByRole("menuitem", { name: "Create organization…", hidden: true }));
  return screen.findByRole("dialog", { name: "Create organization" });
}

describe("Create organization", () => {
  it("checks the name, creates it, makes it active and shows it everywhere", async () => {
    answerCreate(() => HttpResponse.json({ id: "org-beta", name: "Beta" }, { status: 201 }));
    answerSetActive((id) => {
      state.active = id;
      return HttpResponse.json({ id });
    });
    const { user, router } = renderApp("/data/sources/ds-1");
    await waitFor(() => expect(screen.getByTitle("Organization ID (your External ID)")).toHaveTextContent("local-org"));
    const dialog = await openModal(user);
    await user.click(within(dialog).getByRole("button", { name: "Create organization" }));
    expect(await within(dialog).findByText("Enter a name for the organization")).toBeInTheDocument();
    expect(state.created).toEqual([]);

    await user.type(within(dialog).getByRole("textbox", { name: /^Name/ }), "Beta");
    await user.click(within(dialog).getByRole("button", { name: "Create organization" }));
    expect(await screen.findByText("Created Beta; you are its admin and now working in it")).toBeInTheDocument();
    expect(state.created).toEqual([{ name: "Beta" }]);
    expect(organizationInputSchema.safeParse(state.created[0]).success).toBe(true);
    expect(state.activated).toEqual([{ organizationId: "org-beta" }]);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTitle("Organization ID (your External ID)")).toHaveTextContent("org-beta"));
    expect(screen.getByRole("button", { name: "Account: ana@example.com, Admin in Beta" })).toBeInTheDocument();
    // The data source's page belonged to the previous organization.
    expect(router.state.location.pathname).toBe("/data/sources");
  });

  it("shows the API's refusal when creation is turned off, and stays where it was", async () => {
    const sentence = "Creating organizations is turned off on this console (ALLOW_ORG_CREATION=false); ask its operator";
    answerCreate(() => HttpResponse.json({ error: sentence }, { status: 403 }));
    answerSetActive((id) => HttpResponse.json({ id }));
    const { user } = renderApp("/data/sources");
    const dialog = await openModal(user);
    await user.type(within(dialog).getByRole("textbox", { name: /^Name/ }), "Beta");
    await user.click(within(dialog).getByRole("button", { name: "Create organization" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Could not create the organization");
    expect(alert).toHaveTextContent(sentence);
    expect(state.activated).toEqual([]);
    expect(screen.getByTitle("Organization ID (your External ID)")).toHaveTextContent("local-org");
  });

  it("says so when the organization was made but the switch to it failed", async () => {
    answerCreate(() => HttpResponse.json({ id: "org-beta", name: "Beta" }, { status: 201 }));
    answerSetActive(() => HttpResponse.json({ message: "Too many requests" }, { status: 503 }));
    const { user } = renderApp("/data/sources");
    const dialog = await openModal(user);
    await user.type(within(dialog).getByRole("textbox", { name: /^Name/ }), "Beta");
    await user.click(within(dialog).getByRole("button", { name: "Create organization" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Created Beta, but could not switch to it");
    expect(alert).toHaveTextContent("Choose it under Switch organization");
  });
});

// API keys page: the list (key start, creator, last use or Never), creating a key (shown once, with a
// usage example), revoking after confirmation, and a non-admin's 403. msw stands in for the API
// because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { sessionHandler } from "../../../testing/session.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApiKey } from "#contracts/identity.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import { forbidden, KEYS, renderAt } from "../../../testing/admin.tsx";

const server = setupServer(sessionHandler());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function serve(keys: ApiKey[] = KEYS) {
  const state = { keys: [...keys] };
  server.use(http.get("/api/keys", () => HttpResponse.json({ items: state.keys })));
  return state;
}

/** A key's row, found by the name in its first cell (the row's buttons carry the name too). */
function rowOf(name: string): HTMLElement {
  const rows = within(screen.getByRole("table", { name: "API keys" })).getAllByRole("row");
  const row = rows.find((candidate) => within(candidate).queryAllByRole("cell")[0]?.textContent === name);
  if (!row) throw new Error(`No row for ${name}`);
  return row;
}

describe("API keys page", () => {
  it("lists keys with role, start, creator, creation and last use (Never when unused)", async () => {
    serve();
    renderAt("/org/keys");
    const table = await screen.findByRole("table", { name: "API keys" });
    expect(screen.getByRole("heading", { level: 1, name: "API keys" })).toBeInTheDocument();
    // Newest first.
    expect(within(table).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent)).toEqual([
      "ci-deploy",
      "nightly-report",
    ]);
    const ci = rowOf("ci-deploy");
    expect(ci).toHaveTextContent("Operator");
    expect(ci).toHaveTextContent("ak_12…");
    expect(ci).toHaveTextContent("ana@example.com");
    expect(within(ci).getAllByRole("time").map((time) => time.getAttribute("datetime"))).toEqual([
      "2026-01-05T10:00:00.000Z",
      "2026-01-06T11:30:00.000Z",
    ]);
    expect(rowOf("nightly-report")).toHaveTextContent("Never");
    expect(within(ci).getByRole("button", { name: "Revoke ci-deploy" })).toBeInTheDocument();
  });

  it("creates a key and shows it once, with a warning and a usage example", async () => {
    const state = serve([]);
    let body: unknown;
    const secret = "ak_12345678901234567890secret";
    server.use(
      http.post("/api/keys", async ({ request }) => {
        body = await request.json();
        const key: ApiKey = {
          id: "key-new",
          name: "ci-deploy",
          role: "viewer",
          start: "ak_12",
          created_by: "ana@example.com",
          created_at: "2026-01-07T10:00:00.000Z",
          last_used_at: null,
        };
        state.keys = [key];
        return HttpResponse.json({ ...key, key: secret }, { status: 201 });
      }),
    );
    const { user } = renderAt("/org/keys");
    expect(await screen.findByText(/No API keys yet/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create key" }));
    let dialog = await screen.findByRole("dialog", { name: "Create API key" });
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));
    expect(await within(dialog).findByText("Enter a name that says what uses the key, like ci-deploy")).toBeInTheDocument();
    expect(body).toBeUndefined();

    await user.type(within(dialog).getByRole("textbox", { name: /Name/ }), "ci-deploy");
    await user.click(within(dialog).getByRole("radio", { name: "Viewer" }));
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));

    dialog = await screen.findByRole("dialog", { name: 'API key "ci-deploy"' });
    expect(body).toEqual({ name: "ci-deploy", role: "viewer" });
    expect(within(dialog).getByLabelText("API key")).toHaveTextContent(secret);
    expect(dialog).toHaveTextContent("It will not be shown again");
    expect(within(dialog).getByLabelText("Usage example")).toHaveTextContent(
      `curl -H "Authorization: Bearer ${secret}" ${window.location.origin}/api/data-sources`,
    );
    expect(within(dialog).getByRole("button", { name: "Copy API key" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Copy usage example" })).toBeInTheDocument();
    expect(await screen.findByText('Created API key "ci-deploy"')).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.queryByText(secret, { exact: false })).not.toBeInTheDocument();
    await waitFor(() => expect(rowOf("ci-deploy")).toHaveTextContent("Never"));
  });

  it("shows the API's refusal to create a key in the modal", async () => {
    serve();
    server.use(http.post("/api/keys", () => HttpResponse.json({ error: "A key named ci-deploy exists already" }, { status: 409 })));
    const { user } = renderAt("/org/keys");
    await user.click(await screen.findByRole("button", { name: "Create key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    await user.type(within(dialog).getByRole("textbox", { name: /Name/ }), "ci-deploy");
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("A key named ci-deploy exists already");
  });

  it("revokes a key after confirmation, with notices", async () => {
    const state = serve();
    server.use(
      http.delete("/api/keys/key-ci", () => {
        state.keys = state.keys.filter((key) => key.id !== "key-ci");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt("/org/keys");
    await user.click(await screen.findByRole("button", { name: "Revoke ci-deploy" }));
    const dialog = await screen.findByRole("dialog", { name: 'Revoke API key "ci-deploy"?' });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByText('Revoked API key "ci-deploy"')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("button", { name: "Revoke ci-deploy" })).not.toBeInTheDocument());
    expect(rowOf("nightly-report")).toBeInTheDocument();
  });

  it("keeps the key when revoking fails, and says why", async () => {
    serve();
    server.use(http.delete("/api/keys/key-ci", () => HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })));
    const { user } = renderAt("/org/keys");
    await user.click(await screen.findByRole("button", { name: "Revoke ci-deploy" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByText('Could not revoke API key "ci-deploy"')).toBeInTheDocument();
    expect(screen.getByText("The store is unavailable")).toBeInTheDocument();
    expect(rowOf("ci-deploy")).toBeInTheDocument();
  });

  it("shows a non-admin the API's 403 sentence, without Create key", async () => {
    server.use(http.get("/api/keys", forbidden));
    renderAt("/org/keys");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("You cannot see the API keys");
    expect(alert).toHaveTextContent(whyNotAllowed("operator", "admin"));
    expect(screen.queryByRole("button", { name: "Create key" })).not.toBeInTheDocument();
  });
});

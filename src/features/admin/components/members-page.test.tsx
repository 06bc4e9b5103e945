// Members page: the list with roles, changing a role (and the API's 409 refusal), removing a
// member, pending invitations with Cancel, inviting (the link shown once), and a non-admin's 403.
// msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { sessionHandler } from "../../../testing/session.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Invitation, Member } from "#contracts/identity.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import { forbidden, INVITATIONS, MEMBERS, renderAt } from "../../../testing/admin.tsx";

const server = setupServer(sessionHandler());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The API's state for one test: lists answer what is left after each change. */
function serve({ members = MEMBERS, invitations = INVITATIONS }: { members?: Member[]; invitations?: Invitation[] } = {}) {
  const state = { members: [...members], invitations: [...invitations] };
  server.use(
    http.get("/api/members", () => HttpResponse.json({ items: state.members })),
    http.get("/api/invitations", () => HttpResponse.json({ items: state.invitations })),
  );
  return state;
}

/** A member's row in the Members table, found by the member's name. */
const rowOf = (name: string) => within(screen.getByRole("table", { name: "Members" })).getByText(name).closest("tr")!;

describe("Members page", () => {
  it("lists members with name, email, role and joined date, and pending invitations below", async () => {
    serve();
    renderAt("/org/members");
    const table = await screen.findByRole("table", { name: "Members" });
    expect(screen.getByRole("heading", { level: 1, name: "Members" })).toBeInTheDocument();
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0]!.textContent)).toEqual(["Ana Admin", "Oli Operator", "Vic Viewer"]);
    expect(rows[0]).toHaveTextContent("ana@example.com");
    expect(rows[0]).toHaveTextContent("Admin");
    expect(rows[1]).toHaveTextContent("Operator");
    expect(within(rows[2]!).getByRole("time")).toHaveAttribute("datetime", "2026-01-04T10:00:00.000Z");
    expect(within(rows[0]!).getByRole("button", { name: "Change role of ana@example.com" })).toBeInTheDocument();
    expect(within(rows[0]!).getByRole("button", { name: "Remove ana@example.com" })).toBeInTheDocument();

    const pending = await screen.findByRole("table", { name: "Pending invitations" });
    expect(screen.getByRole("heading", { level: 2, name: "Pending invitations" })).toBeInTheDocument();
    expect(pending).toHaveTextContent("new@example.com");
    expect(pending).toHaveTextContent("Operator");
    expect(pending).toHaveTextContent("ana@example.com");
  });

  it("says there are no pending invitations when there are none", async () => {
    serve({ invitations: [] });
    renderAt("/org/members");
    expect(await screen.findByText(/No pending invitations/)).toBeInTheDocument();
  });

  it("changes a member's role in a modal and refreshes the list", async () => {
    const state = serve();
    let body: unknown;
    server.use(
      http.patch("/api/members/u-vic", async ({ request }) => {
        body = await request.json();
        state.members = state.members.map((m) => (m.user_id === "u-vic" ? { ...m, role: "operator" } : m));
        return HttpResponse.json(state.members[2]);
      }),
    );
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Change role of vic@example.com" }));
    const dialog = await screen.findByRole("dialog", { name: "Change the role of Vic Viewer" });
    // Each role says what it may do; the current one is chosen.
    expect(within(dialog).getByRole("radio", { name: "Viewer" })).toBeChecked();
    expect(within(dialog).getByText("Create, edit, test, delete, start and stop data sources and tasks")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("radio", { name: "Operator" }));
    await user.click(within(dialog).getByRole("button", { name: "Save role" }));
    expect(await screen.findByText("vic@example.com is now Operator")).toBeInTheDocument();
    expect(body).toEqual({ role: "operator" });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await waitFor(() => expect(rowOf("Vic Viewer")).toHaveTextContent("Operator"));
  });

  it("shows the API's 409 sentence in the modal when the last admin would lose the role", async () => {
    serve();
    const sentence = "The organization needs at least one admin; make someone else admin first";
    server.use(http.patch("/api/members/u-ana", () => HttpResponse.json({ error: sentence }, { status: 409 })));
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Change role of ana@example.com" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("radio", { name: "Viewer" }));
    await user.click(within(dialog).getByRole("button", { name: "Save role" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Could not change the role");
    expect(alert).toHaveTextContent(sentence);
    expect(rowOf("Ana Admin")).toHaveTextContent("Admin");
  });

  it("removes a member after confirmation, with notices", async () => {
    const state = serve();
    server.use(
      http.delete("/api/members/u-oli", () => {
        state.members = state.members.filter((m) => m.user_id !== "u-oli");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Remove oli@example.com" }));
    const dialog = await screen.findByRole("dialog", { name: "Remove oli@example.com from the organization?" });
    await user.click(within(dialog).getByRole("button", { name: "Remove" }));
    expect(await screen.findByText("Removed member oli@example.com")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("Oli Operator")).not.toBeInTheDocument());
  });

  it("shows the refusal to remove the last admin (409) and keeps the row", async () => {
    serve();
    const sentence = "Cannot remove the organization's last admin";
    server.use(http.delete("/api/members/u-ana", () => HttpResponse.json({ error: sentence }, { status: 409 })));
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Remove ana@example.com" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Remove" }));
    expect(await screen.findByText("Could not remove member ana@example.com")).toBeInTheDocument();
    expect(screen.getByText(sentence)).toBeInTheDocument();
    expect(rowOf("Ana Admin")).toBeInTheDocument();
  });

  it("cancels a pending invitation after confirmation", async () => {
    const state = serve();
    let deleted = false;
    server.use(
      http.delete("/api/invitations/inv-1", () => {
        deleted = true;
        state.invitations = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Cancel the invitation for new@example.com" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel the invitation for new@example.com?" });
    // The safe choice has focus and its own words (not a second "Cancel").
    expect(within(dialog).getByRole("button", { name: "Keep invitation" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));
    expect(await screen.findByText("Cancelled the invitation for new@example.com")).toBeInTheDocument();
    expect(deleted).toBe(true);
    expect(await screen.findByText(/No pending invitations/)).toBeInTheDocument();
  });

  it("invites someone and shows the link once, with its expiry and that no email is sent", async () => {
    const state = serve({ invitations: [] });
    let body: unknown;
    const url = "http://127.0.0.1:3000/invite/inv-2#secret-part";
    server.use(
      http.post("/api/invitations", async ({ request }) => {
        body = await request.json();
        const invitation = { id: "inv-2", email: "bo@example.com", role: "admin" as const, invited_by: "ana@example.com", expires_at: "2026-01-17T10:00:00.000Z" };
        state.invitations = [invitation];
        return HttpResponse.json({ ...invitation, url }, { status: 201 });
      }),
    );
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Invite member" }));
    let dialog = await screen.findByRole("dialog", { name: "Invite member" });
    // The contract's rules run before anything is sent.
    await user.click(within(dialog).getByRole("button", { name: "Create invitation" }));
    expect(await within(dialog).findByText("Enter an email address, like ana@example.com")).toBeInTheDocument();
    expect(body).toBeUndefined();

    await user.type(within(dialog).getByRole("textbox", { name: /Email/ }), "  Bo@Example.com ");
    expect(within(dialog).getByRole("radio", { name: "Viewer" })).toBeChecked();
    expect(within(dialog).getByText("Everything an operator can do, plus members, API keys and the audit log")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("radio", { name: "Admin" }));
    await user.click(within(dialog).getByRole("button", { name: "Create invitation" }));

    dialog = await screen.findByRole("dialog", { name: "Invitation link" });
    expect(body).toEqual({ email: "bo@example.com", role: "admin" });
    expect(within(dialog).getByLabelText("Invitation link for bo@example.com")).toHaveTextContent(url);
    expect(dialog).toHaveTextContent("no email is sent");
    expect(dialog).toHaveTextContent("shown only this once");
    expect(within(dialog).getByRole("time")).toHaveAttribute("datetime", "2026-01-17T10:00:00.000Z");
    expect(within(dialog).getByRole("button", { name: "Copy invitation link" })).toBeInTheDocument();
    expect(await screen.findByText("Invited bo@example.com as Admin")).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.queryByText(url)).not.toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Pending invitations" })).toHaveTextContent("bo@example.com");

    // Opening it again starts a new invitation: the link is gone for good.
    await user.click(screen.getByRole("button", { name: "Invite member" }));
    dialog = await screen.findByRole("dialog", { name: "Invite member" });
    expect(within(dialog).getByRole("textbox", { name: /Email/ })).toHaveValue("");
    expect(screen.queryByText(url)).not.toBeInTheDocument();
  });

  it("puts the API's field message under the field and a 409 above the buttons", async () => {
    serve();
    let calls = 0;
    server.use(
      http.post("/api/invitations", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: "Check the email", fields: { email: "This address is already a member" } }, { status: 400 })
          : HttpResponse.json({ error: "new@example.com already has a pending invitation" }, { status: 409 });
      }),
    );
    const { user } = renderAt("/org/members");
    await user.click(await screen.findByRole("button", { name: "Invite member" }));
    const dialog = await screen.findByRole("dialog", { name: "Invite member" });
    const email = within(dialog).getByRole("textbox", { name: /Email/ });
    await user.type(email, "oli@example.com");
    await user.click(within(dialog).getByRole("button", { name: "Create invitation" }));
    expect(await within(dialog).findByText("This address is already a member")).toBeInTheDocument();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();

    await user.clear(email);
    await user.type(email, "new@example.com");
    await user.click(within(dialog).getByRole("button", { name: "Create invitation" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("new@example.com already has a pending invitation");
    expect(screen.getByRole("dialog", { name: "Invite member" })).toBeInTheDocument();
  });

  it("shows a non-admin the API's 403 sentence, without Invite member or a retry", async () => {
    server.use(http.get("/api/members", forbidden), http.get("/api/invitations", forbidden));
    renderAt("/org/members");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("You cannot see the members");
    expect(alert).toHaveTextContent(whyNotAllowed("operator", "admin"));
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Invite member" })).not.toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});

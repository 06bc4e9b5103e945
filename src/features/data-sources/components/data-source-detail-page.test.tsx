// Source detail, Delete with confirmation (and the in-use refusal), and Edit with test gating.
// msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALL_PASS, makeRecord, ORG, renderAt, testResponse } from "../test-support.tsx";

const server = setupServer(
  http.get("/api/org", () => HttpResponse.json(ORG)),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const tested = makeRecord({
  last_test: {
    ok: true,
    tested_at: "2026-01-02T10:00:00.000Z",
    checks: ALL_PASS.map((check) =>
      check.id === "sqs_receive" ? { ...check, status: "warn", message: "Queue is empty", hint: "Upload a test object" } : check,
    ),
  },
});

describe("Data source detail", () => {
  it("shows every field, the last test's checks, the tasks using it and the AWS setup", async () => {
    server.use(
      http.get("/api/data-sources/ds-1", () =>
        HttpResponse.json({ ...tested, used_by: [{ id: "t1", name: "load-orders" }] }),
      ),
    );
    renderAt("/data/sources/ds-1");
    expect(await screen.findByRole("heading", { level: 1, name: "orders" })).toBeInTheDocument();
    const config = screen.getByRole("region", { name: "Configuration" });
    for (const text of ["Queue URL", "https://sqs.us-east-1.amazonaws.com/123456789012/orders-events", "local-org", "orders-bucket", "incoming/", ".csv"]) {
      expect(config).toHaveTextContent(text);
    }
    const checks = screen.getByRole("list", { name: "Connectivity checks" });
    expect(within(checks).getAllByRole("listitem")).toHaveLength(8);
    expect(within(checks).getByText("Receive permitted").closest("li")).toHaveTextContent("Warning");
    expect(screen.getByText(/Test passed: 7 passed, 1 warning/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "load-orders" })).toHaveAttribute("href", "/data/integration/t1");
    expect(screen.getByRole("complementary", { name: "AWS setup" })).toHaveTextContent("orders-bucket");
  });

  it("disables Delete while a task uses the source, and says which", async () => {
    server.use(
      http.get("/api/data-sources/ds-1", () =>
        HttpResponse.json({ ...tested, used_by: [{ id: "t1", name: "load-orders" }] }),
      ),
    );
    renderAt("/data/sources/ds-1");
    const remove = await screen.findByRole("button", { name: "Delete" });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAccessibleDescription(/used by load-orders/);
  });

  it("asks for confirmation naming the source; Escape closes, focus stays in the dialog and returns", async () => {
    server.use(http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)));
    const { user } = renderAt("/data/sources/ds-1");
    const remove = await screen.findByRole("button", { name: "Delete" });
    await user.click(remove);
    const dialog = screen.getByRole("dialog", { name: 'Delete data source "orders"?' });
    // The page behind is hidden while the dialog is open: only the dialog's Delete is reachable.
    expect(screen.getAllByRole("button", { name: "Delete" })).toHaveLength(1);
    const cancel = within(dialog).getByRole("button", { name: "Cancel" });
    const confirm = within(dialog).getByRole("button", { name: "Delete" });
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(confirm).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(confirm).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(remove).toHaveFocus();
  });

  it("deletes after confirmation and returns to the list", async () => {
    let deleted = false;
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.delete("/api/data-sources/ds-1", () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user, router, queryClient } = renderAt("/data/sources/ds-1");
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(deleted).toBe(true);
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("shows the server's refusal when a task started using the source meanwhile (409)", async () => {
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.delete("/api/data-sources/ds-1", () =>
        HttpResponse.json(
          { error: "Data source orders is used by task load-orders; delete or change the task first" },
          { status: 409 },
        ),
      ),
    );
    const { user, router, queryClient } = renderAt("/data/sources/ds-1");
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Data source orders is used by task load-orders; delete or change the task first",
    );
    expect(router.state.location.pathname).toBe("/data/sources/ds-1");
    // The refusal refreshes the source so used_by shows the task; let that settle.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("says when the source does not exist", async () => {
    server.use(
      http.get("/api/data-sources/nope", () => HttpResponse.json({ error: "No data source nope" }, { status: 404 })),
    );
    renderAt("/data/sources/nope");
    expect(await screen.findByRole("alert")).toHaveTextContent("does not exist");
  });
});

describe("Edit data source", () => {
  it("saves a name-only change without a new test", async () => {
    let put: unknown;
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.put("/api/data-sources/ds-1", async ({ request }) => {
        put = await request.json();
        return HttpResponse.json({ ...tested, name: "orders-renamed" });
      }),
    );
    const { user, router, queryClient } = renderAt("/data/sources/ds-1/edit");
    const name = await screen.findByLabelText("Name");
    expect(name).toHaveValue("orders");
    expect(screen.getByLabelText("Bucket")).toHaveValue("orders-bucket");
    const ok = screen.getByRole("button", { name: "OK" });
    expect(ok).toBeEnabled();
    await user.clear(name);
    await user.type(name, "orders-renamed");
    expect(ok).toBeEnabled();
    await user.click(ok);
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources/ds-1"));
    expect(put).toMatchObject({ name: "orders-renamed", bucket: "orders-bucket", external_id: "local-org" });
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("needs a passing test again when the connection changes", async () => {
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.post("/api/data-sources/test", () => testResponse()),
    );
    const { user, queryClient } = renderAt("/data/sources/ds-1/edit");
    const bucket = await screen.findByLabelText("Bucket");
    const ok = screen.getByRole("button", { name: "OK" });
    await user.clear(bucket);
    await user.type(bucket, "new-bucket");
    expect(ok).toBeDisabled();
    expect(ok).toHaveAccessibleDescription(/run Test Connectivity before saving/);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(ok).toBeEnabled());
    await user.type(bucket, "-2");
    expect(ok).toBeDisabled();
    expect(ok).toHaveAccessibleDescription("OK is enabled once the current values pass a test.");
    expect(screen.getByText("Values changed since the last test; test again.")).toBeInTheDocument();
    // A finished test refreshes the source (its last test may have changed); let that settle.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });
});

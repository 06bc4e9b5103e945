// Source detail, Delete with confirmation (modal, then a notice; the in-use refusal), Test
// Connectivity from the page, and Edit with test gating. msw stands in for the API because a
// component test has no server. Pages are lazy chunks, so tests await their first content.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALL_PASS, makeRecord, ORG, renderAt, testResponse } from "../../../testing/data-sources.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  sessionHandler(),
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
    // The AWS setup is reference here: its steps start collapsed.
    const setup = screen.getByRole("complementary", { name: "AWS setup" });
    const steps = within(setup).getAllByRole("button", { name: /^Step \d/ });
    expect(steps).toHaveLength(6);
    for (const step of steps) expect(step).toHaveAttribute("aria-expanded", "false");
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

  it("asks for confirmation naming the source in a modal; Cancel has focus, Escape closes and nothing is deleted", async () => {
    let deleted = false;
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.delete("/api/data-sources/ds-1", () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt("/data/sources/ds-1");
    const remove = await screen.findByRole("button", { name: "Delete" });
    await user.click(remove);
    const dialog = await screen.findByRole("dialog", { name: 'Delete data source "orders"?' });
    expect(dialog).toHaveTextContent("Your SQS queue, S3 bucket and IAM role in AWS are not changed.");
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus());
    expect(within(dialog).getByRole("button", { name: "Delete" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(deleted).toBe(false);
  });

  it("deletes after confirmation, says so and returns to the list", async () => {
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
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(deleted).toBe(true);
    expect(await screen.findByText('Deleted data source "orders"')).toBeInTheDocument();
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("shows the server's refusal as a failure notice when a task started using the source meanwhile (409)", async () => {
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
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText('Could not delete data source "orders"')).toBeInTheDocument();
    expect(
      screen.getByText("Data source orders is used by task load-orders; delete or change the task first"),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/data/sources/ds-1");
    // The refusal refreshes the source so used_by shows the task; let that settle.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("runs Test Connectivity for the saved values and shows the checks as they finish", async () => {
    let body: unknown;
    server.use(
      http.get("/api/data-sources/ds-1", () => HttpResponse.json(tested)),
      http.post("/api/data-sources/test", async ({ request }) => {
        body = await request.json();
        return testResponse();
      }),
    );
    const { user, queryClient } = renderAt("/data/sources/ds-1");
    await user.click(await screen.findByRole("button", { name: "Test Connectivity" }));
    expect(await screen.findByText(/Test passed: 8 passed\./)).toBeInTheDocument();
    expect(body).toMatchObject({ bucket: "orders-bucket", external_id: "local-org" });
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
    expect(await screen.findByText('Saved data source "orders-renamed"')).toBeInTheDocument();
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

// Edit a stopped task: the wizard filled from the record, PUT with the changed body, a notice and
// the task's page; a running task cannot be edited and the page says to stop it. msw stands in for
// the API because a component test has no server.
import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { taskInputSchema } from "#contracts/task.ts";
import { makeRecord } from "../../../testing/data-sources.tsx";
import { makeTask, renderAt, warehousesHandler } from "../../../testing/tasks.tsx";
import { input } from "../../../testing/wizard.ts";
import { sessionHandler } from "../../../testing/session.ts";
import { noFailedFilesHandler } from "../../../testing/failed-files.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const STORED = makeTask({
  id: "t-1",
  name: "load-orders",
  file_format: { type: "ndjson", compression: "gzip" },
  prefix: "incoming/eu/",
  suffix: ".csv",
  target: { database: "sales", table: "orders" },
  on_error: "continue",
});

const server = setupServer(
  noFailedFilesHandler(),
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS] })),
  http.get("/api/tasks/t-1", () => HttpResponse.json(STORED)),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/backfill", () => HttpResponse.json({ backfill: null, reconcile: null })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const currentStep = () => screen.getByRole("heading", { level: 2, name: /^Step \d of 5: / }).textContent;

describe("Edit integration task", () => {
  it("opens the wizard filled from the task, saves with PUT, says so and opens the task", async () => {
    let body: unknown;
    server.use(
      http.put("/api/tasks/t-1", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...STORED, name: "load-orders-eu" });
      }),
    );
    const { user, router } = renderAt("/data/integration/t-1/edit");
    expect(await screen.findByRole("heading", { level: 1, name: "Edit load-orders" })).toBeInTheDocument();
    expect(await screen.findByRole("combobox", { name: "Data source" })).toHaveValue("orders — s3://orders-bucket/incoming/*.csv");
    await user.click(screen.getByRole("button", { name: "Step 2: Files" }));
    expect(input("Object Key Prefix").value).toBe("incoming/eu/");
    expect(screen.getByRole("radio", { name: "NDJSON" })).toBeChecked();
    expect(screen.getByRole("combobox", { name: "Compression" })).toHaveValue("gzip");
    // Every step is valid already: Review is one click away.
    await user.click(screen.getByRole("button", { name: "Step 5: Review" }));
    expect(currentStep()).toBe("Step 5 of 5: Review");
    expect(input("Name").value).toBe("load-orders");
    expect(screen.queryByRole("button", { name: "Create stopped" })).not.toBeInTheDocument();
    await user.clear(input("Name"));
    await user.type(input("Name"), "load-orders-eu");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-1"));
    expect(body).toEqual({
      name: "load-orders-eu",
      data_source_id: "ds-1",
      file_format: { type: "ndjson", compression: "gzip" },
      prefix: "incoming/eu/",
      suffix: ".csv",
      target: { database: "sales", table: "orders" },
      // An edit keeps the warehouse the task was saved with.
      warehouse_id: "wh-1",
      on_error: "continue",
      purge: false,
      // Kept from the task (the wizard does not show it yet).
      reconcile_every_minutes: null,
    });
    expect(taskInputSchema.safeParse(body).success).toBe(true);
    expect(await screen.findByText("Saved task load-orders-eu")).toBeInTheDocument();
  });

  it("says a running task must be stopped first, and shows no form", async () => {
    server.use(http.get("/api/tasks/t-1", () => HttpResponse.json({ ...STORED, desired_state: "running", status: "running" })));
    renderAt("/data/integration/t-1/edit");
    expect(await screen.findByText("Stop the task to edit it")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to the task" })).toHaveAttribute("href", "/data/integration/t-1");
    expect(screen.queryByRole("form")).not.toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "Data source" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal when the task was started meanwhile (409), and Cancel returns to the task", async () => {
    server.use(
      http.put("/api/tasks/t-1", () => HttpResponse.json({ error: "The task is running; stop it before changing it" }, { status: 409 })),
    );
    const { user, router } = renderAt("/data/integration/t-1/edit");
    await user.click(await screen.findByRole("button", { name: "Step 5: Review" }));
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The task is running; stop it before changing it");
    expect(router.state.location.pathname).toBe("/data/integration/t-1/edit");
    await user.click(screen.getByRole("link", { name: "Cancel" }));
    expect(router.state.location.pathname).toBe("/data/integration/t-1");
  });
});

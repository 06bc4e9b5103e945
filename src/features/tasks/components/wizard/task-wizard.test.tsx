// Create Integration Task wizard: per-step validation with the contract's messages, Next advancing
// on the first valid click, clickable steps, values kept across steps, Cancel, the exact POST body,
// server field errors mapped back to their step, and the navigation to the new task with a notice.
// msw stands in for the API because a component test has no server. Over 300 lines: every case
// drives the same wizard through the same helpers, and splitting would only duplicate them.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ON_ERROR_HELP, PURGE_WARNING, TASK_MESSAGES, taskInputSchema } from "#contracts/task.ts";
import { makeRecord } from "../../../../testing/data-sources.tsx";
import { makeTask, renderAt, warehousesHandler } from "../../../../testing/tasks.tsx";
import { EMPTY_PREVIEW, errorOf, input, type User } from "../../../../testing/wizard.ts";
import { sessionHandler } from "../../../../testing/session.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const ARCHIVE = makeRecord({ id: "ds-2", name: "archive", bucket: "archive-bucket", prefix: "", suffix: "" });

const server = setupServer(
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS, ARCHIVE] })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id", ({ params }) => HttpResponse.json(makeTask({ id: String(params.id), name: "load-orders" }))),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/backfill", () => HttpResponse.json({ backfill: null, reconcile: null })),
  // These cases drive the typed target path: Databend cannot be listed (wizard-target.test.tsx
  // covers the listed one) and the scope is empty (wizard-preview.test.tsx covers the preview).
  http.post("/api/tasks/preview", () => HttpResponse.json(EMPTY_PREVIEW)),
  http.get("/api/warehouse/databases", () => HttpResponse.json({ error: "Databend at 127.0.0.1:8000 could not be reached" }, { status: 503 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const currentStep = () => screen.getByRole("heading", { level: 2, name: /^Step \d of 5: / }).textContent!.replace(/^Step \d of 5: /, "");
const next = (user: User) => user.click(screen.getByRole("button", { name: "Next" }));
const back = (user: User) => user.click(screen.getByRole("button", { name: "Back" }));
const step = (n: number, title: string) => screen.getByRole("button", { name: `Step ${n}: ${title}` });

/** Picks an option of a Mantine Select (its dropdown is still transitioning in jsdom, hence `hidden`). */
async function choose(user: User, label: string, option: RegExp | string) {
  await user.click(screen.getByRole("combobox", { name: label }));
  await user.click(await screen.findByRole("option", { name: option, hidden: true }));
}

async function replace(user: User, label: string, value: string) {
  await user.clear(input(label));
  if (value) await user.type(input(label), value);
}

async function open() {
  const view = renderAt("/data/integration/new");
  await screen.findByRole("combobox", { name: "Data source" });
  return view;
}

/** Through Source and Files with the defaults, onto Target. */
async function toTarget(user: User) {
  await choose(user, "Data source", /^orders/);
  await next(user);
  await next(user);
  expect(currentStep()).toBe("Preview");
  await next(user);
  expect(currentStep()).toBe("Target");
  await screen.findByRole("textbox", { name: "Table" });
}

/** Through the steps with the defaults, a target table and the name "load-orders". */
async function toReview(user: User, table: string) {
  await toTarget(user);
  await replace(user, "Table", table);
  await next(user);
  await replace(user, "Name", "load-orders");
}

describe("Create Integration Task", () => {
  it("shows the steps with the current one marked, validates Source on Next, and shows a source's scope", async () => {
    const { user } = await open();
    expect(screen.getByRole("heading", { name: "Create Integration Task", level: 1 })).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /^Step \d: / }).map((b) => b.getAttribute("aria-label"))).toEqual([
      "Step 1: Source",
      "Step 2: Files",
      "Step 3: Preview",
      "Step 4: Target",
      "Step 5: Review",
    ]);
    expect(step(1, "Source")).toHaveAttribute("aria-current", "step");
    expect(screen.getAllByRole("button", { current: "step" })).toHaveLength(1);

    await next(user);
    expect(currentStep()).toBe("Source");
    expect(errorOf("Data source", "combobox")).toBe(TASK_MESSAGES.dataSourceRequired);
    expect(screen.getByRole("combobox", { name: "Data source" })).toHaveFocus();

    await choose(user, "Data source", "orders — s3://orders-bucket/incoming/*.csv");
    const scope = screen.getByLabelText("Data source scope");
    for (const text of ["orders-bucket", "incoming/", ".csv"]) expect(scope).toHaveTextContent(text);
    await next(user);
    expect(currentStep()).toBe("Files");
    expect(step(2, "Files")).toHaveAttribute("aria-current", "step");
    expect(input("Object Key Prefix").value).toBe("incoming/");
    expect(input("Object Key Suffix").value).toBe(".csv");
  });

  it("advances on the first click of Next once an error is fixed, and a mouse press on Next keeps focus in the field", async () => {
    const { user } = await open();
    await toTarget(user);
    await next(user);
    // Validation resolves after the press returns: waited for, not assumed (the box is loaded).
    await waitFor(() => expect(errorOf("Table")).toBe(TASK_MESSAGES.tableRequired));
    await user.type(input("Table"), "orders");
    // The press must not blur the field: a blur would validate and move the button before the click lands.
    expect(fireEvent.mouseDown(screen.getByRole("button", { name: "Next" }))).toBe(false);
    expect(input("Table")).toHaveFocus();
    await next(user);
    expect(currentStep()).toBe("Review");
    // The new step's heading takes the focus its replaced fields had.
    expect(screen.getByRole("heading", { level: 2, name: "Step 5 of 5: Review" })).toHaveFocus();
  });

  it("links to Create Data Source when there is none", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: [] })));
    renderAt("/data/integration/new");
    expect(await screen.findByRole("heading", { name: "No data sources yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create Data Source" })).toHaveAttribute("href", "/data/sources/new");
    expect(screen.queryByRole("combobox", { name: "Data source" })).not.toBeInTheDocument();
  });

  it("refuses a prefix or suffix outside the source's scope with the contract's messages, inline and on Next", async () => {
    const { user } = await open();
    await choose(user, "Data source", /^orders/);
    await next(user);
    await replace(user, "Object Key Prefix", "other/");
    await user.tab();
    // Inline on leaving the field (onTouched).
    expect(errorOf("Object Key Prefix")).toBe(TASK_MESSAGES.prefixOutOfScope("incoming/"));
    await replace(user, "Object Key Suffix", ".json");
    await next(user);
    expect(currentStep()).toBe("Files");
    expect(errorOf("Object Key Suffix")).toBe(TASK_MESSAGES.suffixOutOfScope(".csv"));
    expect(input("Object Key Prefix")).toHaveFocus();

    // Narrower than the source is fine; so is empty (it takes the source's).
    await replace(user, "Object Key Prefix", "incoming/2026/");
    await replace(user, "Object Key Suffix", "");
    await next(user);
    expect(currentStep()).toBe("Preview");
  });

  it("refuses a delimiter equal to the quote, on the Quote field, and a two-byte delimiter", async () => {
    const { user } = await open();
    await choose(user, "Data source", /^orders/);
    await next(user);
    expect(screen.getByRole("radio", { name: "CSV" })).toBeChecked();
    expect(screen.getByRole("radiogroup", { name: "File format" })).toHaveAccessibleDescription(/How each object is parsed/);
    await replace(user, "Delimiter", '"');
    await next(user);
    expect(currentStep()).toBe("Files");
    expect(errorOf("Quote")).toBe(TASK_MESSAGES.delimiterEqualsQuote);
    expect(errorOf("Delimiter")).toBeNull();
    await replace(user, "Delimiter", ";;");
    await next(user);
    expect(errorOf("Delimiter")).toBe(TASK_MESSAGES.delimiterTooLong(1));
    await replace(user, "Delimiter", ";");
    await next(user);
    expect(currentStep()).toBe("Preview");
  });

  it("requires the table on Target, explains On error and warns about purge only when on", async () => {
    const { user } = await open();
    await toTarget(user);
    expect(input("Database").value).toBe("default");
    expect(screen.getByRole("radio", { name: "Abort" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Abort" })).toHaveAccessibleDescription(ON_ERROR_HELP.abort);
    expect(screen.getByRole("radio", { name: "Continue" })).toHaveAccessibleDescription(ON_ERROR_HELP.continue);
    expect(screen.queryByText(PURGE_WARNING)).not.toBeInTheDocument();
    await user.click(screen.getByRole("switch", { name: "Purge loaded files" }));
    expect(screen.getByRole("switch", { name: "Purge loaded files" })).toHaveAccessibleDescription(new RegExp(PURGE_WARNING.slice(0, 40)));

    await next(user);
    expect(currentStep()).toBe("Target");
    expect(errorOf("Table")).toBe(TASK_MESSAGES.tableRequired);
    expect(input("Table")).toHaveFocus();
    // Only this step's fields are validated: the name (Review) shows no error yet.
    await replace(user, "Table", "orders");
    await next(user);
    expect(currentStep()).toBe("Review");
    expect(errorOf("Name")).toBeNull();
  });

  it("visits a step by clicking it only when the steps before it are valid", async () => {
    const { user } = await open();
    // Nothing chosen yet: Target cannot be reached, and Source says why.
    await user.click(step(4, "Target"));
    expect(currentStep()).toBe("Source");
    expect(errorOf("Data source", "combobox")).toBe(TASK_MESSAGES.dataSourceRequired);

    await choose(user, "Data source", /^archive/);
    await user.click(step(4, "Target"));
    expect(currentStep()).toBe("Target");
    await screen.findByRole("textbox", { name: "Table" });
    // Review needs the table first: the click stays on Target and focuses it.
    await user.click(step(5, "Review"));
    expect(currentStep()).toBe("Target");
    expect(errorOf("Table")).toBe(TASK_MESSAGES.tableRequired);
    await user.type(input("Table"), "events");
    await user.click(step(5, "Review"));
    expect(currentStep()).toBe("Review");
    // Back is always open.
    await user.click(step(1, "Source"));
    expect(currentStep()).toBe("Source");
  });

  it("keeps every value across Back and Next", async () => {
    const { user } = await open();
    await choose(user, "Data source", /^archive/);
    await next(user);
    await replace(user, "Object Key Prefix", "logs/");
    await user.click(screen.getByRole("radio", { name: "NDJSON" }));
    await choose(user, "Compression", "gzip");
    await next(user);
    await next(user);
    await screen.findByRole("textbox", { name: "Table" });
    await replace(user, "Database", "sales");
    await replace(user, "Table", "events");
    await user.click(screen.getByRole("radio", { name: "Continue" }));
    await next(user);
    await replace(user, "Name", "load-events");

    await back(user);
    expect(currentStep()).toBe("Target");
    expect(input("Database").value).toBe("sales");
    expect(input("Table").value).toBe("events");
    expect(screen.getByRole("radio", { name: "Continue" })).toBeChecked();
    await back(user);
    expect(currentStep()).toBe("Preview");
    await back(user);
    expect(input("Object Key Prefix").value).toBe("logs/");
    expect(screen.getByRole("radio", { name: "NDJSON" })).toBeChecked();
    expect(screen.getByRole("combobox", { name: "Compression" })).toHaveValue("gzip");
    await back(user);
    expect(screen.getByRole("combobox", { name: "Data source" })).toHaveValue("archive — s3://archive-bucket/*");
    await next(user);
    await next(user);
    await next(user);
    await next(user);
    expect(currentStep()).toBe("Review");
    expect(input("Name").value).toBe("load-events");
  });

  it("Cancel with edits asks first: Stay keeps the wizard as it was, Leave goes back to the list without saving", async () => {
    const { user, router } = await open();
    await choose(user, "Data source", /^orders/);
    await user.click(screen.getByRole("link", { name: "Cancel" }));
    const dialog = await screen.findByRole("dialog", { name: "Leave without creating the task?" });
    await user.click(within(dialog).getByRole("button", { name: "Stay" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(router.state.location.pathname).toBe("/data/integration/new");
    expect(screen.getByRole("combobox", { name: "Data source" })).toHaveValue("orders — s3://orders-bucket/incoming/*.csv");
    await user.click(screen.getByRole("link", { name: "Cancel" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Leave" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration"));
  });

  it("Cancel without edits leaves at once", async () => {
    const { user, router } = await open();
    await user.click(screen.getByRole("link", { name: "Cancel" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration"));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("posts exactly the contract's body from Review, says so, then opens the new task's page", async () => {
    let body: unknown;
    server.use(
      http.post("/api/tasks", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(makeTask({ id: "t-9", name: "load-orders" }), { status: 201 });
      }),
    );
    const { user, router } = await open();
    await choose(user, "Data source", /^orders/);
    await next(user);
    await replace(user, "Object Key Prefix", "incoming/eu/");
    await user.click(screen.getByRole("checkbox", { name: "Header row" }));
    await replace(user, "Delimiter", ";");
    await choose(user, "Compression", "zstd");
    await next(user);
    await next(user);
    await screen.findByRole("textbox", { name: "Table" });
    await replace(user, "Table", "  orders ");
    await user.click(screen.getByRole("switch", { name: "Purge loaded files" }));
    // Reconcile: below the contract's 5 minutes is refused on Next with its message, then 30 passes.
    await user.type(screen.getByRole("textbox", { name: "Reconcile every (minutes)" }), "2");
    await next(user);
    expect(errorOf("Reconcile every (minutes)")).toBe(TASK_MESSAGES.reconcileRange);
    await replace(user, "Reconcile every (minutes)", "30");
    await next(user);

    const summary = screen.getByLabelText("Summary");
    expect(summary).toHaveTextContent("Every 30 minutes");
    expect(summary).toHaveTextContent("s3://orders-bucket/incoming/eu/*.csv");
    expect(summary).toHaveTextContent("default.orders");
    expect(summary).toHaveTextContent("Delimiter: ; (semicolon)");
    expect(screen.queryByRole("button", { name: "Next" })).not.toBeInTheDocument();
    // A name is suggested from the table (issue 17, item 11); emptied, it is required.
    await waitFor(() => expect(input("Name").value).toBe("load-orders"));
    await user.clear(input("Name"));
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(errorOf("Name")).toBe(TASK_MESSAGES.nameRequired));
    expect(body).toBeUndefined();
    await replace(user, "Name", "load-orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-9"));
    expect(body).toEqual({
      name: "load-orders",
      data_source_id: "ds-1",
      file_format: { type: "csv", header: false, delimiter: ";", quote: '"', compression: "zstd" },
      prefix: "incoming/eu/",
      // Prefilled with the source's and left as is; an emptied field is left out (the source's applies).
      suffix: ".csv",
      target: { database: "default", table: "orders" },
      // The organization's only warehouse, its default, chosen for a new task.
      warehouse_id: "wh-main",
      on_error: "abort",
      purge: true,
      reconcile_every_minutes: 30,
    });
    expect(taskInputSchema.safeParse(body).success).toBe(true);
    expect(await screen.findByText("Created task load-orders")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "load-orders", level: 1 })).toBeInTheDocument();
  });

  it("puts a server field error on its step's field, going back to that step and focusing it", async () => {
    server.use(
      http.post("/api/tasks", () =>
        HttpResponse.json({ error: "Some fields need a change", fields: { "target.table": "No such table in Databend" } }, { status: 400 }),
      ),
    );
    const { user } = await open();
    await toReview(user, "missing");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));

    await waitFor(() => expect(currentStep()).toBe("Target"));
    expect(errorOf("Table")).toBe("No such table in Databend");
    await waitFor(() => expect(input("Table")).toHaveFocus());
    // The field says it; no form-wide error repeats it.
    expect(screen.queryByText("Could not create the task")).not.toBeInTheDocument();
  });

  it("maps a file format field error to Files, and a duplicate name (409) to the name on Review", async () => {
    let calls = 0;
    server.use(
      http.post("/api/tasks", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: "Some fields need a change", fields: { "file_format.delimiter": "Server says no" } }, { status: 400 })
          : HttpResponse.json({ error: "Duplicate", fields: { name: "A task named load-orders already exists; choose another name" } }, { status: 409 });
      }),
    );
    const { user } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(currentStep()).toBe("Files"));
    expect(errorOf("Delimiter")).toBe("Server says no");
    await waitFor(() => expect(input("Delimiter")).toHaveFocus());

    await next(user);
    await next(user);
    await next(user);
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(errorOf("Name")).toBe("A task named load-orders already exists; choose another name"));
    expect(currentStep()).toBe("Review");
    await waitFor(() => expect(input("Name")).toHaveFocus());
  });

  it("shows other errors in words with the detail behind a toggle, and stays on Review", async () => {
    server.use(
      http.post("/api/tasks", () =>
        HttpResponse.json({ error: "The store is unavailable", detail: "ECONNREFUSED 127.0.0.1:5432" }, { status: 503 }),
      ),
    );
    const { user, router } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The store is unavailable");
    expect(within(alert).getByRole("button", { name: "Show details" })).toHaveAttribute("aria-expanded", "false");
    expect(currentStep()).toBe("Review");
    expect(router.state.location.pathname).toBe("/data/integration/new");
  });

  it("Create and start creates, then starts, then opens the task", async () => {
    const calls: string[] = [];
    server.use(
      http.post("/api/tasks", () => {
        calls.push("create");
        return HttpResponse.json(makeTask({ id: "t-7" }), { status: 201 });
      }),
      http.post("/api/tasks/:id/start", ({ params }) => {
        calls.push(`start ${String(params.id)}`);
        return HttpResponse.json(makeTask({ id: "t-7", desired_state: "running" }));
      }),
    );
    const { user, router } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create and start" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-7"));
    expect(calls).toEqual(["create", "start t-7"]);
  });

  it("Create and start that cannot start still opens the created task and says why it is stopped", async () => {
    server.use(
      http.post("/api/tasks", () => HttpResponse.json(makeTask({ id: "t-8" }), { status: 201 })),
      http.post("/api/tasks/:id/start", () => HttpResponse.json({ error: "The data source's role cannot be assumed" }, { status: 409 })),
    );
    const { user, router } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create and start" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-8"));
    expect(await screen.findByText("Task load-orders was created but did not start")).toBeInTheDocument();
    expect(screen.getByText("The data source's role cannot be assumed")).toBeInTheDocument();
  });
});

// Create Integration Task wizard: per-step validation with the contract's messages, values kept
// across Back/Next, the exact POST body, server field errors mapped back to their step, and the
// navigation to the new task. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ON_ERROR_HELP, PURGE_WARNING, TASK_MESSAGES, taskInputSchema } from "#contracts/task.ts";
import { makeRecord } from "../../data-sources/test-support.tsx";
import { makeTask, renderAt } from "../test-support.tsx";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const ARCHIVE = makeRecord({ id: "ds-2", name: "archive", bucket: "archive-bucket", prefix: "", suffix: "" });

const server = setupServer(
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS, ARCHIVE] })),
  http.get("/api/tasks/:id", ({ params }) => HttpResponse.json(makeTask({ id: String(params.id), name: "load-orders" }))),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type User = ReturnType<typeof renderAt>["user"];

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

/** The inline error of a field (the first aria-describedby entry while aria-invalid), or null. */
function errorOf(label: string): string | null {
  const field = screen.getByLabelText(label);
  if (field.getAttribute("aria-invalid") !== "true") return null;
  const ids = (field.getAttribute("aria-describedby") ?? "").split(" ");
  return document.getElementById(ids[0]!)?.textContent?.replace(/^⚠\s*/, "") ?? null;
}

const currentStep = () => screen.getByRole("listitem", { current: "step" }).textContent;
const next = (user: User) => user.click(screen.getByRole("button", { name: "Next" }));
const back = (user: User) => user.click(screen.getByRole("button", { name: "Back" }));

async function replace(user: User, label: string, value: string) {
  await user.clear(input(label));
  if (value) await user.type(input(label), value);
}

async function open() {
  const view = renderAt("/data/integration/new");
  await screen.findByLabelText("Data source");
  return view;
}

/** Through Source and Files with the defaults, onto Target. */
async function toTarget(user: User) {
  await user.selectOptions(screen.getByLabelText("Data source"), "ds-1");
  await next(user);
  await next(user);
  expect(currentStep()).toBe("Target");
}

/** Through the steps with the defaults, a target table and the name "load-orders". */
async function toReview(user: User, table: string) {
  await toTarget(user);
  await replace(user, "Table", table);
  await next(user);
  await replace(user, "Name", "load-orders");
}

describe("Create Integration Task", () => {
  it("shows the steps as an ordered list with the current one marked, and a source's scope once chosen", async () => {
    const { user } = await open();
    expect(screen.getByRole("heading", { name: "Create Integration Task", level: 1 })).toBeInTheDocument();
    const steps = within(screen.getByRole("list", { name: "Steps" })).getAllByRole("listitem");
    expect(steps.map((step) => step.textContent)).toEqual(["Source", "Files", "Target", "Review"]);
    expect(currentStep()).toBe("Source");
    expect(screen.getAllByRole("listitem", { current: "step" })).toHaveLength(1);

    const select = screen.getByLabelText("Data source");
    expect(within(select).getByRole("option", { name: /orders — s3:\/\/orders-bucket\/incoming\/\*\.csv/ })).toBeInTheDocument();
    await next(user);
    expect(currentStep()).toBe("Source");
    expect(errorOf("Data source")).toBe(TASK_MESSAGES.dataSourceRequired);
    expect(select).toHaveFocus();

    await user.selectOptions(select, "ds-1");
    const scope = screen.getByLabelText("Data source scope");
    expect(scope).toHaveTextContent("orders-bucket");
    expect(scope).toHaveTextContent("incoming/");
    expect(scope).toHaveTextContent(".csv");
    await next(user);
    expect(currentStep()).toBe("Files");
    expect(input("Object Key Prefix").value).toBe("incoming/");
    expect(input("Object Key Suffix").value).toBe(".csv");
  });

  it("links to Create Data Source when there is none", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: [] })));
    renderAt("/data/integration/new");
    expect(await screen.findByRole("heading", { name: "No data sources yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create Data Source" })).toHaveAttribute("href", "/data/sources/new");
    expect(screen.queryByLabelText("Data source")).not.toBeInTheDocument();
  });

  it("refuses a prefix or suffix outside the source's scope with the contract's messages, inline and on Next", async () => {
    const { user } = await open();
    await user.selectOptions(screen.getByLabelText("Data source"), "ds-1");
    await next(user);
    await replace(user, "Object Key Prefix", "other/");
    await user.tab();
    // Inline on leaving the field (the data source form's onTouched mode).
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
    expect(currentStep()).toBe("Target");
  });

  it("refuses a delimiter equal to the quote, on the Quote field", async () => {
    const { user } = await open();
    await user.selectOptions(screen.getByLabelText("Data source"), "ds-1");
    await next(user);
    expect(screen.getByRole("radio", { name: "CSV" })).toBeChecked();
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
    expect(currentStep()).toBe("Target");
  });

  it("requires the table on Target, explains On error and shows the purge warning only when on", async () => {
    const { user } = await open();
    await toTarget(user);
    expect(input("Database").value).toBe("default");
    expect(screen.getByRole("radio", { name: "Abort" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Abort" })).toHaveAccessibleDescription(ON_ERROR_HELP.abort);
    expect(screen.getByRole("radio", { name: "Continue" })).toHaveAccessibleDescription(ON_ERROR_HELP.continue);
    expect(screen.queryByText(PURGE_WARNING)).not.toBeInTheDocument();
    await user.click(screen.getByRole("switch", { name: "Purge loaded files" }));
    expect(screen.getByRole("switch", { name: "Purge loaded files" })).toHaveAccessibleDescription(PURGE_WARNING);

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

  it("keeps every value across Back and Next", async () => {
    const { user } = await open();
    await user.selectOptions(screen.getByLabelText("Data source"), "ds-2");
    await next(user);
    await replace(user, "Object Key Prefix", "logs/");
    await user.click(screen.getByRole("radio", { name: "NDJSON" }));
    await user.selectOptions(screen.getByLabelText("Compression"), "gzip");
    await next(user);
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
    expect(input("Object Key Prefix").value).toBe("logs/");
    expect(screen.getByRole("radio", { name: "NDJSON" })).toBeChecked();
    expect((screen.getByLabelText("Compression") as HTMLSelectElement).value).toBe("gzip");
    await back(user);
    expect((screen.getByLabelText("Data source") as HTMLSelectElement).value).toBe("ds-2");
    await next(user);
    await next(user);
    await next(user);
    expect(currentStep()).toBe("Review");
    expect(input("Name").value).toBe("load-events");
  });

  it("posts exactly the contract's body, then opens the new task's page", async () => {
    let body: unknown;
    server.use(
      http.post("/api/tasks", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(makeTask({ id: "t-9", name: "load-orders" }), { status: 201 });
      }),
    );
    const { user, router } = await open();
    await user.selectOptions(screen.getByLabelText("Data source"), "ds-1");
    await next(user);
    await replace(user, "Object Key Prefix", "incoming/eu/");
    await user.click(screen.getByRole("checkbox", { name: /Header row/ }));
    await replace(user, "Delimiter", ";");
    await user.selectOptions(screen.getByLabelText("Compression"), "zstd");
    await next(user);
    await replace(user, "Table", "  orders ");
    await user.click(screen.getByRole("switch", { name: "Purge loaded files" }));
    await next(user);

    const summary = screen.getByLabelText("Summary");
    expect(summary).toHaveTextContent("s3://orders-bucket/incoming/eu/*.csv");
    expect(summary).toHaveTextContent("default.orders");
    expect(screen.queryByRole("button", { name: "Next" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    expect(errorOf("Name")).toBe(TASK_MESSAGES.nameRequired);
    expect(body).toBeUndefined();
    await replace(user, "Name", "load-orders");
    await user.click(screen.getByRole("button", { name: "Create Task" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-9"));
    expect(body).toEqual({
      name: "load-orders",
      data_source_id: "ds-1",
      file_format: { type: "csv", header: false, delimiter: ";", quote: '"', compression: "zstd" },
      prefix: "incoming/eu/",
      // Prefilled with the source's and left as is; an emptied field is left out (the source's applies).
      suffix: ".csv",
      target: { database: "default", table: "orders" },
      on_error: "abort",
      purge: true,
    });
    expect(taskInputSchema.safeParse(body).success).toBe(true);
    expect(await screen.findByRole("heading", { name: "load-orders", level: 1 })).toBeInTheDocument();
  });

  it("puts a server field error on its step's field, going back to that step and focusing it", async () => {
    server.use(
      http.post("/api/tasks", () =>
        HttpResponse.json(
          { error: "Some fields need a change", fields: { "target.table": "No such table in Databend" } },
          { status: 400 },
        ),
      ),
    );
    const { user } = await open();
    await toReview(user, "missing");
    await user.click(screen.getByRole("button", { name: "Create Task" }));

    await waitFor(() => expect(currentStep()).toBe("Target"));
    expect(errorOf("Table")).toBe("No such table in Databend");
    await waitFor(() => expect(input("Table")).toHaveFocus());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows the API's target checks under Database and Table: a missing database (400), another bucket's table (409)", async () => {
    const missingDatabase = "Databend has no database sales; create it first (CREATE DATABASE `sales`) and the table in it, then try again";
    const otherBucket =
      "Task load-eu already loads bucket eu-bucket into default.orders; Databend remembers loaded files per table by their key " +
      "without the bucket, so files from bucket orders-bucket with the same keys would be skipped as already loaded. Choose another table for this task.";
    let calls = 0;
    server.use(
      http.post("/api/tasks", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: missingDatabase, fields: { "target.database": missingDatabase } }, { status: 400 })
          : HttpResponse.json({ error: otherBucket, fields: { "target.table": otherBucket } }, { status: 409 });
      }),
    );
    const { user } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    await waitFor(() => expect(currentStep()).toBe("Target"));
    expect(errorOf("Database")).toBe(missingDatabase);
    expect(errorOf("Table")).toBeNull();
    await waitFor(() => expect(input("Database")).toHaveFocus());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();

    await next(user);
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    await waitFor(() => expect(currentStep()).toBe("Target"));
    expect(errorOf("Table")).toBe(otherBucket);
    await waitFor(() => expect(input("Table")).toHaveFocus());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("maps a file format field error to Files, and a duplicate name (409) to the name on Review", async () => {
    let calls = 0;
    server.use(
      http.post("/api/tasks", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json(
              { error: "Some fields need a change", fields: { "file_format.delimiter": "Server says no" } },
              { status: 400 },
            )
          : HttpResponse.json(
              { error: "Duplicate", fields: { name: "A task named load-orders already exists; choose another name" } },
              { status: 409 },
            );
      }),
    );
    const { user } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    await waitFor(() => expect(currentStep()).toBe("Files"));
    expect(errorOf("Delimiter")).toBe("Server says no");
    await waitFor(() => expect(input("Delimiter")).toHaveFocus());

    await next(user);
    await next(user);
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    await waitFor(() => expect(errorOf("Name")).toBe("A task named load-orders already exists; choose another name"));
    expect(currentStep()).toBe("Review");
    await waitFor(() => expect(input("Name")).toHaveFocus());
  });

  it("shows other errors in an alert and stays on Review", async () => {
    server.use(http.post("/api/tasks", () => HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })));
    const { user, router } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create Task" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The store is unavailable");
    expect(screen.getByRole("alert")).toHaveFocus();
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
      http.post("/api/tasks/:id/start", () =>
        HttpResponse.json({ error: "The data source's role cannot be assumed" }, { status: 409 }),
      ),
      http.get("/api/tasks/t-8", () => HttpResponse.json(makeTask({ id: "t-8" }))),
      http.get("/api/tasks/t-8/runs", () => HttpResponse.json({ items: [] })),
    );
    const { user, router } = await open();
    await toReview(user, "orders");
    await user.click(screen.getByRole("button", { name: "Create and start" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration/t-8"));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The task was created but did not start: The data source's role cannot be assumed",
    );
  });
});

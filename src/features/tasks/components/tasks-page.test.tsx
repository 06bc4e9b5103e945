// Data Integration list: empty state with the create-task example, rows, sorting, Start/Stop and
// the refresh while tasks run. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { taskInputSchema, type TaskRecord } from "#contracts/task.ts";
import { TASK_REFRESH_MS } from "../api/keys.ts";
import { makeTask, renderAt } from "../test-support.tsx";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const TASKS: TaskRecord[] = [
  makeTask({
    id: "a",
    name: "beta",
    data_source_id: "ds-9",
    data_source_name: "zeta source",
    target: { database: "sales", table: "orders" },
    counters: { ...makeTask().counters, objects_loaded: 12, rows_loaded: 3400 },
    heartbeat_at: "2026-01-05T00:00:00.000Z",
    last_batch_at: "2026-01-05T00:00:00.000Z",
  }),
  makeTask({
    id: "b",
    name: "Alpha",
    data_source_name: "orders",
    file_format: { type: "parquet" },
    status: "failed",
    status_reason: "AccessDenied: the role does not allow sqs:ReceiveMessage on orders-events",
    counters: { ...makeTask().counters, objects_loaded: 5, rows_loaded: 90_000 },
  }),
  makeTask({
    id: "c",
    name: "gamma",
    data_source_name: "archive",
    file_format: { type: "ndjson", compression: "gzip" },
    target: { database: "default", table: "events" },
    counters: { ...makeTask().counters, objects_loaded: 40, rows_loaded: 10 },
  }),
];

const names = () =>
  within(screen.getByRole("table"))
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[0]!.textContent);

describe("Data Integration page", () => {
  it("explains tasks and shows a create-task curl whose body the contract accepts", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: [] })));
    renderAt("/data/integration");
    expect(await screen.findByRole("heading", { name: "No tasks yet" })).toBeInTheDocument();
    expect(screen.getByText(/A task loads data from a data source into a Databend table/)).toBeInTheDocument();
    // One Create Integration Task button (in the empty state), the API way collapsed under it.
    expect(screen.getAllByRole("button", { name: "Create Integration Task" })).toHaveLength(1);
    const details = screen.getByText("Create through the API").closest("details")!;
    expect(details).not.toHaveAttribute("open");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    const code = within(details).getByTitle("Create a task").textContent ?? "";
    expect(code).toContain(`curl -X POST ${window.location.origin}/api/tasks`);
    const body = /-d '([\s\S]*)'$/.exec(code)?.[1];
    expect(body).toBeDefined();
    const parsed = taskInputSchema.parse(JSON.parse(body!));
    expect(parsed).toMatchObject({ file_format: { type: "csv" }, target: { table: "orders" }, on_error: "abort" });
  });

  it("opens the Create Integration Task wizard from the page header when tasks exist", async () => {
    server.use(
      http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })),
      http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
    );
    const { user, router } = renderAt("/data/integration");
    await screen.findByRole("table");
    expect(screen.queryByText("Create through the API")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create Integration Task" }));
    expect(router.state.location.pathname).toBe("/data/integration/new");
    expect(await screen.findByRole("heading", { name: "Create Integration Task", level: 1 })).toBeInTheDocument();
  });

  it("shows loading, then an error with a retry", async () => {
    let calls = 0;
    server.use(
      http.get("/api/tasks", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })
          : HttpResponse.json({ items: TASKS });
      }),
    );
    const { user } = renderAt("/data/integration");
    expect(screen.getByRole("status")).toHaveTextContent("Loading tasks");
    expect(await screen.findByRole("alert")).toHaveTextContent("The store is unavailable");
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("table")).toBeInTheDocument();
  });

  it("lists each task with its source, format, target, status in words, activity and counters", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })));
    renderAt("/data/integration");
    await screen.findByRole("table");
    const beta = screen.getByRole("link", { name: "beta" });
    expect(beta).toHaveAttribute("href", "/data/integration/a");
    const row = beta.closest("tr")!;
    expect(within(row).getByRole("link", { name: "zeta source" })).toHaveAttribute("href", "/data/sources/ds-9");
    expect(row).toHaveTextContent("CSV");
    expect(row).toHaveTextContent("sales.orders");
    expect(row).toHaveTextContent("Stopped");
    expect(row).toHaveTextContent("Heartbeat");
    expect(row).toHaveTextContent("Last batch");
    expect(row).toHaveTextContent("12");
    expect(row).toHaveTextContent((3400).toLocaleString());
    expect(within(row).getByRole("button", { name: "Start beta" })).toBeEnabled();

    const alpha = screen.getByRole("link", { name: "Alpha" }).closest("tr")!;
    expect(alpha).toHaveTextContent("Parquet");
    expect(alpha).toHaveTextContent("Failed");
    expect(alpha).toHaveTextContent("AccessDenied: the role does not allow sqs:ReceiveMessage on orders-events");
    expect(alpha).toHaveTextContent("Never run");
    expect(screen.getByRole("link", { name: "gamma" }).closest("tr")).toHaveTextContent("NDJSON");
  });

  it("sorts by a column header and says so with aria-sort", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })));
    const { user } = renderAt("/data/integration");
    await screen.findByRole("table");
    expect(screen.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "ascending");
    expect(names()).toEqual(["Alpha", "beta", "gamma"]);

    await user.click(screen.getByRole("button", { name: /^Name/ }));
    expect(screen.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "descending");
    expect(names()).toEqual(["gamma", "beta", "Alpha"]);

    await user.click(screen.getByRole("button", { name: /^Rows loaded/ }));
    expect(screen.getByRole("columnheader", { name: /^Rows loaded/ })).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByRole("columnheader", { name: /^Name/ })).not.toHaveAttribute("aria-sort");
    expect(names()).toEqual(["gamma", "beta", "Alpha"]);

    await user.click(screen.getByRole("button", { name: /^Objects loaded/ }));
    expect(names()).toEqual(["Alpha", "beta", "gamma"]);

    await user.click(screen.getByRole("button", { name: /^Data source/ }));
    expect(names()).toEqual(["gamma", "Alpha", "beta"]);

    // Failed first: it needs attention.
    await user.click(screen.getByRole("button", { name: /^Status/ }));
    expect(names()[0]).toBe("Alpha");
  });

  it("starts a task, shows Starting… until a worker reports running, and refreshes while it runs", async () => {
    // The msw handlers play the API and the worker: start sets the desired state, and the "worker"
    // reports running only after the first refresh.
    let task = makeTask({ id: "a", name: "beta" });
    let gets = 0;
    const starts: string[] = [];
    server.use(
      http.get("/api/tasks", () => {
        gets += 1;
        if (task.desired_state === "running" && gets >= 3) task = { ...task, status: "running", heartbeat_at: new Date().toISOString() };
        return HttpResponse.json({ items: [task] });
      }),
      http.post("/api/tasks/:id/start", ({ params }) => {
        starts.push(String(params.id));
        task = { ...task, desired_state: "running" };
        return HttpResponse.json(task);
      }),
    );
    const { user } = renderAt("/data/integration");
    await user.click(await screen.findByRole("button", { name: "Start beta" }));
    expect(starts).toEqual(["a"]);
    const row = screen.getByRole("link", { name: "beta" }).closest("tr")!;
    await waitFor(() => expect(row).toHaveTextContent("Starting…"));
    // Now meant to run: the button offers Stop.
    expect(await within(row).findByRole("button", { name: "Stop beta" })).toBeEnabled();
    // No click: the list refreshes on its own and shows what the worker reported.
    await waitFor(() => expect(row).toHaveTextContent("Running"), { timeout: TASK_REFRESH_MS * 2 + 1000 });
    expect(row).not.toHaveTextContent("Starting…");
    const before = gets;
    await waitFor(() => expect(gets).toBeGreaterThan(before), { timeout: TASK_REFRESH_MS + 1000 });
  });

  it("does not refresh while every task is stopped", async () => {
    let gets = 0;
    server.use(
      http.get("/api/tasks", () => {
        gets += 1;
        return HttpResponse.json({ items: TASKS.filter((t) => t.status !== "running") });
      }),
    );
    renderAt("/data/integration");
    await screen.findByRole("table");
    await new Promise((resolve) => setTimeout(resolve, TASK_REFRESH_MS + 500));
    expect(gets).toBe(1);
  });

  it("stops a running task, with the button disabled while the request is pending", async () => {
    let task = makeTask({ id: "a", name: "beta", desired_state: "running", status: "running" });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.get("/api/tasks", () => HttpResponse.json({ items: [task] })),
      http.post("/api/tasks/a/stop", async () => {
        await released;
        task = { ...task, desired_state: "stopped" };
        return HttpResponse.json(task);
      }),
    );
    const { user } = renderAt("/data/integration");
    const row = (await screen.findByRole("link", { name: "beta" })).closest("tr")!;
    expect(row).toHaveTextContent("Running");
    await user.click(within(row).getByRole("button", { name: "Stop beta" }));
    expect(within(row).getByRole("button", { name: /^Stopping/ })).toBeDisabled();
    release();
    // Asked to stop while the worker still reports running: Stopping…, and Start is offered next.
    expect(await within(row).findByRole("button", { name: "Start beta" })).toBeEnabled();
    expect(row).toHaveTextContent("Stopping…");
  });

  it("shows a refused start (409) in an alert that names the task", async () => {
    server.use(
      http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })),
      http.post("/api/tasks/c/start", () =>
        HttpResponse.json({ error: "The data source of this task was deleted" }, { status: 409 }),
      ),
    );
    const { user } = renderAt("/data/integration");
    await user.click(await screen.findByRole("button", { name: "Start gamma" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not start task gamma: The data source of this task was deleted",
    );
    expect(screen.getByRole("button", { name: "Start gamma" })).toBeEnabled();
  });
});

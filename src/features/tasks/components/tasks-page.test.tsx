// Data Integration list: empty state with the create-task example, rows, sorting, Start/Stop/Edit/
// Delete with their notices, and the refresh while tasks run. msw stands in for the API because a
// component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { taskInputSchema, type TaskRecord } from "#contracts/task.ts";
import { TASK_REFRESH_MS } from "../api/keys.ts";
import { makeTask, renderAt } from "../../../testing/tasks.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  sessionHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
);
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
    status_reason: "The role does not allow sqs:ReceiveMessage on orders-events",
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

const table = () => screen.getByRole("table", { name: "Integration tasks" });
const names = () =>
  within(table())
    .getAllByRole("row")
    .slice(1)
    // The name's link: a task needing attention carries its sentence under it in the same cell.
    .map((row) => within(within(row).getAllByRole("cell")[0]!).getAllByRole("link")[0]!.textContent);
const rowOf = (name: string) => screen.getByRole("link", { name }).closest("tr")!;

describe("Data Integration page", () => {
  it("explains tasks and keeps a create-task curl, collapsed, whose body the contract accepts", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: [] })));
    const { user } = renderAt("/data/integration");
    expect(await screen.findByRole("heading", { name: "No tasks yet", level: 2 })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Data Integration", level: 1 })).toBeInTheDocument();
    expect(screen.getByText(/A task loads data from a data source into a Databend table/)).toBeInTheDocument();
    // One Create Integration Task (in the empty state), the API way collapsed under it.
    expect(screen.getAllByRole("link", { name: "Create Integration Task" })).toHaveLength(1);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    const toggle = screen.getByRole("button", { name: "Create through the API" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const code = screen.getByLabelText("Create a task").textContent ?? "";
    expect(code).toContain(`curl -X POST ${window.location.origin}/api/tasks`);
    // Every route but health and the sign-in flow needs a session or key: the command carries one.
    expect(code).toContain("-H 'authorization: Bearer <API key>'");
    const body = /-d '([\s\S]*)'$/.exec(code)?.[1];
    expect(body).toBeDefined();
    expect(taskInputSchema.parse(JSON.parse(body!))).toMatchObject({ file_format: { type: "csv" }, target: { table: "orders" } });
    // "Copythe…": jsdom's name computation drops the space the foundation's CopyButton puts inside its hidden span.
    expect(await screen.findByRole("button", { name: /^Copy\s*the create-task command$/ })).toBeInTheDocument();
  });

  it("opens the wizard from the page header when tasks exist", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })));
    const { user, router } = renderAt("/data/integration");
    await screen.findByRole("table");
    await user.click(screen.getByRole("link", { name: "Create Integration Task" }));
    expect(router.state.location.pathname).toBe("/data/integration/new");
    expect(await screen.findByRole("heading", { name: "Create Integration Task", level: 1 })).toBeInTheDocument();
  });

  it("shows loading, then an error with a retry", async () => {
    let calls = 0;
    server.use(
      http.get("/api/tasks", () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json({ error: "The store is unavailable" }, { status: 503 }) : HttpResponse.json({ items: TASKS });
      }),
    );
    const { user } = renderAt("/data/integration");
    expect(await screen.findByText(/Loading tasks/)).toBeInTheDocument();
    expect(await screen.findByRole("alert")).toHaveTextContent("The store is unavailable");
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("table")).toBeInTheDocument();
  });

  it("lists each task with its source, format, target, status in words, counters and last batch", async () => {
    server.use(http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })));
    renderAt("/data/integration");
    await screen.findByRole("table");
    expect(screen.getByRole("link", { name: "beta" })).toHaveAttribute("href", "/data/integration/a");
    const beta = rowOf("beta");
    expect(within(beta).getByRole("link", { name: "zeta source" })).toHaveAttribute("href", "/data/sources/ds-9");
    for (const text of ["CSV", "sales.orders", "Stopped", "12", (3400).toLocaleString()]) expect(beta).toHaveTextContent(text);
    expect(beta.querySelector("time")).toHaveAttribute("dateTime", "2026-01-05T00:00:00.000Z");
    expect(within(beta).getByRole("button", { name: "Start beta" })).toBeEnabled();
    expect(within(beta).getByRole("link", { name: "Edit beta" })).toHaveAttribute("href", "/data/integration/a/edit");
    expect(within(beta).getByRole("button", { name: "Delete beta" })).toBeInTheDocument();

    const alpha = rowOf("Alpha");
    expect(alpha).toHaveTextContent("Parquet");
    expect(alpha).toHaveTextContent("Failed");
    expect(alpha).toHaveTextContent("The role does not allow sqs:ReceiveMessage on orders-events");
    expect(alpha).toHaveTextContent("None yet");
    expect(rowOf("gamma")).toHaveTextContent("NDJSON");
    // The actions sit in the pinned last column.
    expect(within(table()).getAllByRole("columnheader").at(-1)).toHaveTextContent("Actions");
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

    // Counters sort biggest first.
    await user.click(screen.getByRole("button", { name: /^Rows loaded/ }));
    expect(screen.getByRole("columnheader", { name: /^Rows loaded/ })).toHaveAttribute("aria-sort", "descending");
    expect(screen.getByRole("columnheader", { name: /^Name/ })).not.toHaveAttribute("aria-sort");
    expect(names()).toEqual(["Alpha", "beta", "gamma"]);

    await user.click(screen.getByRole("button", { name: /^Objects loaded/ }));
    expect(names()).toEqual(["gamma", "beta", "Alpha"]);

    await user.click(screen.getByRole("button", { name: /^Data source/ }));
    expect(names()).toEqual(["gamma", "Alpha", "beta"]);

    // Failed first: it needs attention.
    await user.click(screen.getByRole("button", { name: /^Health/ }));
    expect(names()[0]).toBe("Alpha");
  });

  it("starts a task with a notice, shows Starting… until a worker reports running, and refreshes while it runs", async () => {
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
    expect(await screen.findByText("Task beta is starting")).toBeInTheDocument();
    expect(starts).toEqual(["a"]);
    const row = rowOf("beta");
    await waitFor(() => expect(row).toHaveTextContent("Starting…"));
    // Now meant to run: Stop is offered, and Edit and Delete say why they are unavailable.
    expect(await within(row).findByRole("button", { name: "Stop beta" })).toBeEnabled();
    const edit = within(row).getByRole("button", { name: "Edit beta" });
    expect(edit).toHaveAttribute("aria-disabled", "true");
    expect(edit).toHaveAccessibleDescription("Stop the task to edit it");
    expect(within(row).getByRole("button", { name: "Delete beta" })).toHaveAccessibleDescription("Stop the task to delete it");
    // No click: the list refreshes on its own and shows what the worker reported, keeping the
    // row's buttons (and the keyboard focus on them) in place.
    const stop = within(row).getByRole("button", { name: "Stop beta" });
    stop.focus();
    await waitFor(() => expect(row).toHaveTextContent("Running"), { timeout: TASK_REFRESH_MS * 2 + 1000 });
    expect(stop.isConnected).toBe(true);
    expect(stop).toHaveFocus();
    expect(row).not.toHaveTextContent("Starting…");
    const before = gets;
    await waitFor(() => expect(gets).toBeGreaterThan(before), { timeout: TASK_REFRESH_MS + 1000 });
  });

  it("does not refresh while every task is stopped", async () => {
    let gets = 0;
    server.use(
      http.get("/api/tasks", () => {
        gets += 1;
        return HttpResponse.json({ items: TASKS });
      }),
    );
    renderAt("/data/integration");
    await screen.findByRole("table");
    await new Promise((resolve) => setTimeout(resolve, TASK_REFRESH_MS + 500));
    expect(gets).toBe(1);
  });

  it("stops a running task with a notice, the button busy while the request is pending", async () => {
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
    expect(within(row).getByRole("button", { name: "Stop beta" })).toBeDisabled();
    expect(await screen.findByText("Stopping beta…")).toBeInTheDocument();
    release();
    expect(await screen.findByText("Task beta is stopping")).toBeInTheDocument();
    // Asked to stop while the worker still reports running: Stopping…, and Start is offered next.
    expect(await within(row).findByRole("button", { name: "Start beta" })).toBeEnabled();
    expect(row).toHaveTextContent("Stopping…");
  });

  it("says why a start was refused (409) in a failure notice naming the task", async () => {
    server.use(
      http.get("/api/tasks", () => HttpResponse.json({ items: TASKS })),
      http.post("/api/tasks/c/start", () => HttpResponse.json({ error: "The data source of this task was deleted" }, { status: 409 })),
    );
    const { user } = renderAt("/data/integration");
    await user.click(await screen.findByRole("button", { name: "Start gamma" }));
    expect(await screen.findByText("Could not start gamma")).toBeInTheDocument();
    expect(screen.getByText("The data source of this task was deleted")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("button", { name: "Start gamma" })).toBeEnabled());
  });

  it("deletes a task after confirmation, with a notice, and the row goes away", async () => {
    let items = TASKS;
    server.use(
      http.get("/api/tasks", () => HttpResponse.json({ items })),
      http.delete("/api/tasks/c", () => {
        items = TASKS.filter((task) => task.id !== "c");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user, router } = renderAt("/data/integration");
    await user.click(await screen.findByRole("button", { name: "Delete gamma" }));
    const dialog = await screen.findByRole("dialog", { name: 'Delete task "gamma"?' });
    expect(dialog).toHaveTextContent("Rows already loaded into default.events stay");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("Deleted task gamma")).toBeInTheDocument();
    await waitFor(() => expect(names()).toEqual(["Alpha", "beta"]));
    expect(router.state.location.pathname).toBe("/data/integration");
  });

  describe("health", () => {
    const fresh = () => new Date(Date.now() - 2_000).toISOString();
    const BAD_VALUE = "Databend refused data/bad.csv: row 2, column amount: invalid value 'ten'; the message is retried";
    const HEALTHS: TaskRecord[] = [
      makeTask({ id: "r", name: "running-ok", desired_state: "running", status: "running", heartbeat_at: fresh() }),
      makeTask({ id: "e", name: "running-errors", desired_state: "running", status: "running", heartbeat_at: fresh(), last_error: BAD_VALUE }),
      makeTask({ id: "s", name: "silent", desired_state: "running", status: "running", heartbeat_at: "2026-01-05T00:00:00.000Z" }),
      makeTask({ id: "f", name: "broken", status: "failed", status_reason: "The role does not allow sqs:ReceiveMessage on orders-events" }),
      // A stopped task's old error is history, not trouble: it stays out of "Needs attention".
      makeTask({ id: "o", name: "off", last_error: "An old error" }),
      makeTask({ id: "g", name: "going", desired_state: "running", status: "stopped" }),
    ];
    const badgeOf = (name: string) => within(rowOf(name)).getAllByRole("cell")[3]!;

    it("shows each health as a badge, the sentence of what needs attention under the name in full on hover, and sorts those first", async () => {
      server.use(http.get("/api/tasks", () => HttpResponse.json({ items: HEALTHS })));
      const { user } = renderAt("/data/integration");
      await screen.findByRole("table");
      expect(screen.getByRole("columnheader", { name: /^Health/ })).toBeInTheDocument();
      const expected: Record<string, string> = {
        "running-ok": "Running",
        "running-errors": "Running with errors",
        silent: "Stalled",
        broken: "Failed",
        off: "Stopped",
        going: "Starting…",
      };
      for (const [name, text] of Object.entries(expected)) expect(badgeOf(name)).toHaveTextContent(new RegExp(`^\\W*${text}$`));

      const nameCell = (name: string) => within(rowOf(name)).getAllByRole("cell")[0]!;
      const errorLine = within(nameCell("running-errors")).getByText(BAD_VALUE);
      expect(errorLine).toHaveAttribute("title", BAD_VALUE);
      expect(within(nameCell("broken")).getByText(/does not allow sqs:ReceiveMessage/)).toHaveAttribute("title");
      expect(nameCell("silent")).toHaveTextContent(/No heartbeat from its worker since .*: check that a worker is running/);
      for (const quiet of ["running-ok", "off", "going"]) expect(nameCell(quiet)).toHaveTextContent(new RegExp(`^${quiet}$`));

      await user.click(screen.getByRole("button", { name: /^Health/ }));
      expect(names().slice(0, 3)).toEqual(["broken", "silent", "running-errors"]);
    });

    it("filters to the tasks that need attention, with counts kept in the URL, and back to all", async () => {
      server.use(http.get("/api/tasks", () => HttpResponse.json({ items: HEALTHS })));
      const { user, router } = renderAt("/data/integration");
      await screen.findByRole("table");
      const all = screen.getByRole("radio", { name: "All (6)" });
      expect(all).toBeChecked();
      await user.click(screen.getByRole("radio", { name: "Needs attention (3)" }));
      expect(screen.getByRole("radio", { name: "Needs attention (3)" })).toBeChecked();
      expect(router.state.location.search).toBe("?show=attention");
      await waitFor(() => expect(within(table()).getAllByRole("row")).toHaveLength(4));
      for (const name of ["broken", "silent", "running-errors"]) expect(rowOf(name)).toBeInTheDocument();
      for (const name of ["running-ok", "off", "going"]) expect(screen.queryByRole("link", { name })).not.toBeInTheDocument();

      await user.click(screen.getByRole("radio", { name: "All (6)" }));
      expect(router.state.location.search).toBe("");
      await waitFor(() => expect(within(table()).getAllByRole("row")).toHaveLength(7));
    });

    it("opens filtered from ?show=attention and explains an empty result", async () => {
      server.use(http.get("/api/tasks", () => HttpResponse.json({ items: [HEALTHS[0]!, HEALTHS[4]!] })));
      const { user, router } = renderAt("/data/integration?show=attention");
      expect(await screen.findByRole("radio", { name: "Needs attention (0)" })).toBeChecked();
      expect(await screen.findByText("No task needs attention: none has failed, stalled or a standing error.")).toBeInTheDocument();
      await user.click(screen.getByRole("radio", { name: "All (2)" }));
      expect(router.state.location.search).toBe("");
      expect(rowOf("running-ok")).toBeInTheDocument();
    });
  });
});

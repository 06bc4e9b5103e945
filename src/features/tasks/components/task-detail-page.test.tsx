// Task detail: settings, status with reason, counters, Start/Stop, Delete with confirmation (and
// the refusal while running), and the paged run history. msw stands in for the API because a
// component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ON_ERROR_HELP, PURGE_WARNING, type TaskRun, type TaskWorker } from "#contracts/task.ts";
import { RUNS_PAGE_SIZE } from "../api/get-task-runs.ts";
import { makeRun, makeTask, renderAt } from "../test-support.tsx";

const server = setupServer(
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const failed = makeTask({
  file_format: { type: "csv", header: false, delimiter: ";", quote: "'", compression: "gzip" },
  on_error: "continue",
  purge: true,
  status: "failed",
  status_reason: "The target table default.orders does not exist; create it and start the task again",
  heartbeat_at: "2026-01-04T08:00:00.000Z",
  last_batch_at: "2026-01-04T07:59:00.000Z",
  worker_id: "worker-a",
  counters: { ...makeTask().counters, objects_loaded: 7, rows_loaded: 1234, errors: 2 },
});

/** `count` runs, one minute apart, newest first, starting at minute `from` before 10:00. */
function runs(count: number, from = 0): TaskRun[] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(Date.UTC(2026, 0, 3, 10, 0) - (from + i) * 60_000);
    return makeRun({
      id: `r-${from + i}`,
      started_at: start.toISOString(),
      ended_at: new Date(start.getTime() + 4200).toISOString(),
      rows_loaded: from + i,
    });
  });
}

describe("Task detail", () => {
  it("shows every setting, the purge warning, the failure reason, heartbeat and counters", async () => {
    server.use(http.get("/api/tasks/t-1", () => HttpResponse.json(failed)));
    renderAt("/data/integration/t-1");
    expect(await screen.findByRole("heading", { level: 1, name: "load-orders" })).toBeInTheDocument();
    const settings = screen.getByRole("region", { name: "Settings" });
    for (const text of ["CSV", "Header row", '";"', `"'"`, "gzip", "incoming/", ".csv", "default.orders", "continue", ON_ERROR_HELP.continue, PURGE_WARNING]) {
      expect(settings).toHaveTextContent(text);
    }
    expect(within(settings).getByRole("link", { name: "orders" })).toHaveAttribute("href", "/data/sources/ds-1");
    const status = screen.getByRole("region", { name: "Status" });
    expect(status).toHaveTextContent("Failed");
    expect(status).toHaveTextContent("The target table default.orders does not exist; create it and start the task again");
    expect(within(status).getByText("Last heartbeat").nextElementSibling?.querySelector("time")).toHaveAttribute(
      "dateTime",
      "2026-01-04T08:00:00.000Z",
    );
    const counters = screen.getByRole("region", { name: "Counters" });
    expect(within(counters).getByText("Rows loaded").nextElementSibling).toHaveTextContent((1234).toLocaleString());
    expect(within(counters).getByText("Objects loaded").nextElementSibling).toHaveTextContent("7");
    expect(await screen.findByText(/No runs yet/)).toBeInTheDocument();
  });

  it("shows which workers hold the task and their last heartbeats, and one that stopped answering", async () => {
    const workers: TaskWorker[] = [
      { worker_id: "host-a-101", started_at: "2026-01-04T07:00:00.000Z", heartbeat_at: "2026-01-04T08:00:00.000Z", live: true },
      { worker_id: "host-b-202", started_at: "2026-01-04T07:00:01.000Z", heartbeat_at: "2026-01-04T07:58:00.000Z", live: false },
    ];
    server.use(
      http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask({ desired_state: "running", status: "running", worker_id: "host-a-101" }))),
      http.get("/api/tasks/t-1/workers", () => HttpResponse.json({ items: workers })),
    );
    renderAt("/data/integration/t-1");
    const list = await screen.findByRole("list", { name: "Workers holding the task" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("host-a-101");
    expect(items[0]!.querySelector("time")).toHaveAttribute("dateTime", "2026-01-04T08:00:00.000Z");
    expect(items[0]).not.toHaveTextContent("not responding");
    expect(items[1]).toHaveTextContent("host-b-202");
    expect(items[1]!.querySelector("time")).toHaveAttribute("dateTime", "2026-01-04T07:58:00.000Z");
    expect(items[1]).toHaveTextContent("(not responding)");
  });

  it("says when no worker holds the task", async () => {
    server.use(http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())));
    renderAt("/data/integration/t-1");
    const status = await screen.findByRole("region", { name: "Status" });
    expect(await within(status).findByText("No worker holds this task")).toBeInTheDocument();
  });

  it("does not show the purge warning when purge is off", async () => {
    server.use(http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())));
    renderAt("/data/integration/t-1");
    const settings = await screen.findByRole("region", { name: "Settings" });
    expect(settings).toHaveTextContent("Off (source objects are kept)");
    expect(settings).not.toHaveTextContent(PURGE_WARNING);
  });

  it("starts the task and then offers Stop", async () => {
    let task = makeTask();
    server.use(
      http.get("/api/tasks/t-1", () => HttpResponse.json(task)),
      http.post("/api/tasks/t-1/start", () => {
        task = { ...task, desired_state: "running" };
        return HttpResponse.json(task);
      }),
    );
    const { user, queryClient } = renderAt("/data/integration/t-1");
    await user.click(await screen.findByRole("button", { name: "Start" }));
    expect(await screen.findByRole("button", { name: "Stop" })).toBeEnabled();
    expect(screen.getByRole("region", { name: "Status" })).toHaveTextContent("Starting…");
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("pages the run history with the API's `before` and expands a run's skips and errors", async () => {
    const first = runs(RUNS_PAGE_SIZE);
    first[0] = {
      ...first[0]!,
      status: "partial",
      skipped: [{ message_id: "m-skip-1", key: "incoming/readme.txt", reason: "Key does not end with the suffix .csv" }],
      errors: [{ message_id: "m-err-1", key: "incoming/bad.csv", error: `Bad row 3: ${"x".repeat(400)}` }],
      more_errors: 2,
    };
    const older = runs(3, RUNS_PAGE_SIZE);
    const asked: (string | null)[] = [];
    server.use(
      http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())),
      http.get("/api/tasks/t-1/runs", ({ request }) => {
        const url = new URL(request.url);
        const before = url.searchParams.get("before");
        asked.push(before);
        expect(url.searchParams.get("limit")).toBe(String(RUNS_PAGE_SIZE));
        return HttpResponse.json({ items: before ? older : first });
      }),
    );
    const { user } = renderAt("/data/integration/t-1");
    const history = await screen.findByRole("region", { name: "Run history" });
    const table = await within(history).findByRole("table");
    expect(within(table).getAllByRole("row")).toHaveLength(RUNS_PAGE_SIZE + 1);
    const newest = within(table).getAllByRole("row")[1]!;
    expect(newest).toHaveTextContent("Partial");
    expect(newest).toHaveTextContent("4.2 s");

    const details = within(newest).getByRole("button", { name: /^Details/ });
    expect(details).toHaveAttribute("aria-expanded", "false");
    await user.click(details);
    expect(details).toHaveAttribute("aria-expanded", "true");
    const panel = document.getElementById(details.getAttribute("aria-controls")!)!;
    expect(panel).toHaveTextContent("m-err-1");
    expect(panel).toHaveTextContent("incoming/bad.csv");
    expect(panel).toHaveTextContent(/Bad row 3: x+…/);
    expect(panel).toHaveTextContent("…and 2 more errors not stored.");
    expect(panel).toHaveTextContent("m-skip-1");
    expect(panel).toHaveTextContent("Key does not end with the suffix .csv");
    // The errors column counts the stored and the uncounted ones.
    expect(within(newest).getAllByRole("cell")[8]).toHaveTextContent("3");

    await user.click(within(history).getByRole("button", { name: "Load older runs" }));
    await waitFor(() => expect(within(table).getAllByRole("row").length).toBe(RUNS_PAGE_SIZE + 3 + 2));
    expect(asked).toEqual([null, first[RUNS_PAGE_SIZE - 1]!.started_at]);
    // A short page is the last: nothing older to load.
    expect(within(history).queryByRole("button", { name: "Load older runs" })).not.toBeInTheDocument();
    expect(within(history).getByText(/23 runs shown, all loaded/)).toBeInTheDocument();
  });

  it("asks for confirmation naming the task, keeps focus in the dialog, deletes and returns to the list", async () => {
    let deleted = false;
    server.use(
      http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())),
      http.delete("/api/tasks/t-1", () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
      http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
    );
    const { user, router, queryClient } = renderAt("/data/integration/t-1");
    const remove = await screen.findByRole("button", { name: "Delete" });
    expect(remove).toBeEnabled();
    await user.click(remove);
    const dialog = screen.getByRole("dialog", { name: 'Delete task "load-orders"?' });
    expect(dialog).toHaveTextContent("Rows already loaded into default.orders stay");
    // The page behind is inert: only the dialog's Delete is reachable.
    expect(screen.getAllByRole("button", { name: "Delete" })).toHaveLength(1);
    const cancel = within(dialog).getByRole("button", { name: "Cancel" });
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(within(dialog).getByRole("button", { name: "Delete" })).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(remove).toHaveFocus();
    expect(deleted).toBe(false);

    await user.click(remove);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/integration"));
    expect(deleted).toBe(true);
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("disables Delete while the task is meant to run, and says why", async () => {
    server.use(http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask({ desired_state: "running", status: "running" }))));
    renderAt("/data/integration/t-1");
    const remove = await screen.findByRole("button", { name: "Delete" });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAccessibleDescription(/unavailable while the task runs: stop it first/);
  });

  it("shows the server's refusal when the task was started meanwhile (409)", async () => {
    server.use(
      http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())),
      http.delete("/api/tasks/t-1", () =>
        HttpResponse.json({ error: "The task is running; stop it before deleting it" }, { status: 409 }),
      ),
    );
    const { user, router, queryClient } = renderAt("/data/integration/t-1");
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The task is running; stop it before deleting it");
    expect(router.state.location.pathname).toBe("/data/integration/t-1");
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it("says when the task does not exist, with a way back", async () => {
    server.use(http.get("/api/tasks/nope", () => HttpResponse.json({ error: "No task with id nope" }, { status: 404 })));
    renderAt("/data/integration/nope");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This task does not exist");
    expect(within(alert).getByRole("link", { name: "Back to Data Integration" })).toHaveAttribute("href", "/data/integration");
  });
});

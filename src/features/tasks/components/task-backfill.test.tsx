// "Load existing objects" on the task page: the POST's body (since as the server's contract takes
// it), live progress while the job runs, Cancel, the server's field message on the date, and the
// stopped task's reason. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BackfillJob, BackfillState } from "#contracts/backfill.ts";
import { makeTask, renderWithProviders } from "../../../testing/tasks.tsx";
import { BACKFILL_BLOCKED, TaskBackfill } from "./task-backfill.tsx";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const job = (over: Partial<BackfillJob> = {}): BackfillJob => ({
  id: "b-1",
  task_id: "t-1",
  kind: "backfill",
  status: "running",
  since: "2026-01-01T00:00:00.000Z",
  last_key: null,
  listed: 0,
  loaded: 0,
  skipped: 0,
  failed: 0,
  rows_loaded: 0,
  started_at: "2026-01-03T10:00:00.000Z",
  updated_at: "2026-01-03T10:00:00.000Z",
  finished_at: null,
  worker_id: "w-1",
  error: null,
  error_detail: null,
  ...over,
});

const running = makeTask({ desired_state: "running", status: "running" });
const group = (name: string) => screen.getByRole("group", { name });
const valueOf = (scope: HTMLElement, label: string) => within(scope).getByText(label).nextElementSibling as HTMLElement;

describe("Load existing objects", () => {
  it("posts since, then shows the progress as it moves and the end", async () => {
    let state: BackfillState = { backfill: null, reconcile: null };
    let posted: unknown;
    let polls = 0;
    server.use(
      http.get("/api/tasks/t-1/backfill", () => {
        polls++;
        // Each poll after the start moves the job on: 200 loaded, then completed with 1,000.
        if (state.backfill?.status === "running" && polls > 2) {
          state = { ...state, backfill: job({ status: "completed", listed: 1000, loaded: 990, skipped: 10, rows_loaded: 990, finished_at: "2026-01-03T10:00:09.000Z" }) };
        } else if (state.backfill?.status === "running") {
          state = { ...state, backfill: job({ listed: 200, loaded: 200, rows_loaded: 200 }) };
        }
        return HttpResponse.json(state);
      }),
      http.post("/api/tasks/t-1/backfill", async ({ request }) => {
        posted = await request.json();
        state = { ...state, backfill: job() };
        polls = 0;
        return HttpResponse.json(state.backfill, { status: 202 });
      }),
    );
    const { user } = renderWithProviders(<TaskBackfill task={running} />);
    const since = screen.getByLabelText("Since (optional)");
    await user.type(since, "2026-01-01");
    await user.click(screen.getByRole("button", { name: "Load existing objects" }));
    await waitFor(() => expect(posted).toEqual({ since: "2026-01-01" }));

    const progress = await screen.findByRole("group", { name: "Last load of existing objects" });
    await waitFor(() => expect(valueOf(progress, "Loaded")).toHaveTextContent("200"), { timeout: 5000 });
    expect(within(progress).getByText("Running")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Load existing objects" })).toBeDisabled();
    await waitFor(() => expect(within(group("Last load of existing objects")).getByText("Completed")).toBeInTheDocument(), { timeout: 6000 });
    const done = group("Last load of existing objects");
    expect(valueOf(done, "Listed")).toHaveTextContent("1,000");
    expect(valueOf(done, "Already loaded or nothing to load")).toHaveTextContent("10");
    expect(screen.getByRole("button", { name: "Load existing objects" })).toBeEnabled();
  }, 15_000);

  it("cancels a running job and shows the last reconcile", async () => {
    let state: BackfillState = { backfill: job({ listed: 400, loaded: 400 }), reconcile: job({ id: "r-1", kind: "reconcile", status: "completed", listed: 3, loaded: 1, skipped: 2 }) };
    server.use(
      http.get("/api/tasks/t-1/backfill", () => HttpResponse.json(state)),
      http.delete("/api/tasks/t-1/backfill", () => {
        state = { ...state, backfill: job({ status: "cancelled", listed: 400, loaded: 400, error: "Cancelled by an operator" }) };
        return HttpResponse.json(state.backfill);
      }),
    );
    const { user } = renderWithProviders(<TaskBackfill task={{ ...running, reconcile_every_minutes: 60 }} />);
    expect(await screen.findByRole("heading", { name: "Last reconcile (every 60 minutes)" })).toBeInTheDocument();
    expect(valueOf(group("Last reconcile"), "Loaded")).toHaveTextContent("1");
    await user.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(await screen.findByText("Cancelled by an operator")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
  });

  it("puts the server's message on the date, and says a stopped task must be started", async () => {
    server.use(
      http.get("/api/tasks/:id/backfill", () => HttpResponse.json({ backfill: null, reconcile: null })),
      http.post("/api/tasks/t-1/backfill", () =>
        HttpResponse.json({ error: "Fix this field: since", fields: { since: "Since is in the future" } }, { status: 400 }),
      ),
    );
    const { user, unmount } = renderWithProviders(<TaskBackfill task={running} />);
    await user.type(screen.getByLabelText("Since (optional)"), "2099-01-01");
    await user.click(screen.getByRole("button", { name: "Load existing objects" }));
    expect(await screen.findByText("Since is in the future")).toBeInTheDocument();
    unmount();

    renderWithProviders(<TaskBackfill task={makeTask({ id: "t-2" })} />);
    expect(screen.getByText(BACKFILL_BLOCKED)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Load existing objects" })).toBeDisabled();
  });
});

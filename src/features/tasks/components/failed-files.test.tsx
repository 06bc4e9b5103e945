// The task page's Failed files: the empty state in words, the rows (key, when, Databend's sentence,
// attempts), the error filter and the pages, Retry (one, selected, all) with the selection kept when
// the API refuses, and Dismiss that requires a reason and sends it. msw stands in for the API (a
// component test has no server) and keeps the files' states the way the contract says Retry and
// Dismiss change them; the browser tests run the same against the real API and worker.
import { screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAILED_FILES_MESSAGES, type FailedFile } from "#contracts/failed-files.ts";
import { makeFailedFile, makeFailedFilesPage } from "../../../testing/failed-files.ts";
import { sessionAs, sessionHandler } from "../../../testing/session.ts";
import { makeActivity, makeTask, renderAt, warehousesHandler } from "../../../testing/tasks.tsx";

let files: FailedFile[] = [];
let requests: { url: URL; body?: unknown }[] = [];
let refuseRetry = false;

const pageOf = (url: URL) => {
  const state = url.searchParams.get("state");
  const code = url.searchParams.get("error_code");
  const size = Number(url.searchParams.get("page_size") ?? 50);
  const start = Number(url.searchParams.get("cursor") ?? 0);
  const matching = files.filter((f) => (state ? f.state === state : f.state === "failed" || f.state === "retrying") && (code ? String(f.error_code) === code : true));
  const counts = makeFailedFilesPage(files).counts;
  const items = matching.slice(start, start + size);
  return makeFailedFilesPage(items, {
    total: matching.length,
    counts,
    next_cursor: start + size < matching.length ? String(start + size) : null,
    errors: [
      { error_code: 1046, error_code_name: "BadBytes", count: files.filter((f) => f.error_code === 1046).length },
      { error_code: 1006, error_code_name: "BadArguments", count: files.filter((f) => f.error_code === 1006).length },
    ],
  });
};

const server = setupServer(
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask())),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/activity", () => HttpResponse.json(makeActivity())),
  http.get("/api/tasks/:id/backfill", () => HttpResponse.json({ backfill: null, reconcile: null })),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/t-1/failed-files", ({ request }) => {
    const url = new URL(request.url);
    requests.push({ url });
    return HttpResponse.json(pageOf(url));
  }),
  http.post("/api/tasks/t-1/failed-files/retry", async ({ request }) => {
    const body = (await request.json()) as { ids?: string[]; all?: true };
    requests.push({ url: new URL(request.url), body });
    if (refuseRetry) return HttpResponse.json({ error: "The task's worker is away; start the task to retry its files" }, { status: 409 });
    const hit = files.filter((f) => f.state === "failed" && (body.all || body.ids?.includes(f.id)));
    for (const f of hit) f.state = "retrying";
    return HttpResponse.json({ updated: hit.length, counts: makeFailedFilesPage(files).counts });
  }),
  http.post("/api/tasks/t-1/failed-files/dismiss", async ({ request }) => {
    const body = (await request.json()) as { ids?: string[]; all?: true; reason: string };
    requests.push({ url: new URL(request.url), body });
    const hit = files.filter((f) => f.state === "failed" && (body.all || body.ids?.includes(f.id)));
    for (const f of hit) Object.assign(f, { state: "dismissed", dismiss_reason: body.reason, dismissed_by: "ada@example.com" });
    return HttpResponse.json({ updated: hit.length, counts: makeFailedFilesPage(files).counts });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  files = [];
  requests = [];
  refuseRetry = false;
});
afterAll(() => server.close());

const three = () => [
  makeFailedFile({ id: "a", key: "incoming/a.csv" }),
  makeFailedFile({ id: "b", key: "incoming/b.csv", last_failed_at: "2026-01-03T10:24:00.000Z" }),
  makeFailedFile({ id: "c", key: "incoming/c.csv", error_code: 1006, error_code_name: "BadArguments", detail: "wrong number of columns" }),
];

async function section() {
  await screen.findByRole("heading", { level: 1, name: "load-orders" });
  const region = await screen.findByRole("region", { name: "Failed files" });
  await waitFor(() => expect(region).not.toHaveTextContent("Loading failed files"));
  return region;
}
const table = (region: HTMLElement) => within(region).getByRole("table", { name: /Failed files of this task/ });
const posts = (action: string) => requests.filter((r) => r.url.pathname.endsWith(`/${action}`)).map((r) => r.body);

describe("Failed files", () => {
  it("none: says what would appear here", async () => {
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(region).toHaveTextContent("No failed files. When a file fails to load the same way on each of the worker's attempts");
    expect(within(region).queryByRole("button", { name: /Retry all failed/ })).toBeNull();
  });

  it("lists each file's key, when, Databend's sentence and attempts; filters by error; pages", async () => {
    files = [...three(), ...Array.from({ length: 20 }, (_, i) => makeFailedFile({ id: `p-${i}`, key: `incoming/more-${i}.csv` }))];
    renderAt("/data/integration/t-1");
    const region = await section();
    const rows = within(table(region)).getAllByRole("row");
    expect(rows).toHaveLength(21); // header + a page of 20
    expect(rows[1]).toHaveTextContent("incoming/a.csv");
    await userEvent.setup().click(within(rows[1]!).getByRole("button", { name: "Show details" }));
    await waitFor(() => expect(within(rows[1]!).getByText("fail to decode column 1 (amount Int32): invalid text for number at line 3")).toBeVisible());
    expect(rows[1]).toHaveTextContent("line 3, column amount");
    expect(within(rows[1]!).getByText("3")).toBeInTheDocument();
    expect(within(rows[1]!).getByRole("time")).toHaveAttribute("dateTime", "2026-01-03T10:25:00.000Z");
    expect(region).toHaveTextContent("23 files failed, 0 being retried, 0 dismissed, 0 cleared by a later load.");

    await userEvent.setup().click(within(region).getByRole("button", { name: "Page 2" }));
    await waitFor(() => expect(within(table(region)).getAllByRole("row")).toHaveLength(4));
    expect(requests.at(-1)!.url.searchParams.get("cursor")).toBe("20");

    await userEvent.setup().selectOptions(within(region).getByLabelText("Error"), "1006");
    await waitFor(() => expect(within(table(region)).getAllByRole("row")).toHaveLength(2));
    expect(table(region)).toHaveTextContent("incoming/c.csv");
    expect(requests.at(-1)!.url.searchParams.get("error_code")).toBe("1006");
  });

  it("Retry one, the selected, or all: the right request, rows shown retrying; a refusal keeps the selection and says why", async () => {
    files = three();
    const user = userEvent.setup();
    renderAt("/data/integration/t-1");
    const region = await section();

    await user.click(within(region).getByRole("button", { name: "Retry incoming/a.csv" }));
    await waitFor(() => expect(posts("retry")).toEqual([{ ids: ["a"] }]));
    const rowA = () => within(table(region)).getByText("incoming/a.csv").closest("tr")!;
    await waitFor(() => expect(rowA()).toHaveTextContent("Retrying"));
    expect(within(rowA()).queryByRole("button", { name: /Retry/ })).toBeNull();

    refuseRetry = true;
    await user.click(within(region).getByRole("checkbox", { name: "Select incoming/b.csv" }));
    await user.click(within(region).getByRole("button", { name: "Retry selected (1)" }));
    expect(await screen.findByText("The task's worker is away; start the task to retry its files")).toBeInTheDocument();
    expect(within(region).getByRole("checkbox", { name: "Select incoming/b.csv" })).toBeChecked();

    refuseRetry = false;
    await user.click(within(region).getByRole("button", { name: "Retry selected (1)" }));
    await waitFor(() => expect(posts("retry").at(-1)).toEqual({ ids: ["b"] }));
    await waitFor(() => expect(within(region).getByRole("button", { name: "Retry selected (0)" })).toBeDisabled());

    await user.click(within(region).getByRole("button", { name: "Retry all failed (1)" }));
    await waitFor(() => expect(posts("retry").at(-1)).toEqual({ all: true }));
    await waitFor(() => expect(within(table(region)).getAllByText("Retrying")).toHaveLength(3));
  });

  it("Dismiss requires a reason, sends it, and the file is listed under Dismissed with it", async () => {
    files = three();
    const user = userEvent.setup();
    renderAt("/data/integration/t-1");
    const region = await section();
    await user.click(within(region).getByRole("button", { name: "Dismiss incoming/c.csv" }));
    const dialog = await screen.findByRole("dialog", { name: "Dismiss failed files" });
    expect(dialog).toHaveTextContent("Dismiss incoming/c.csv: it leaves this list");
    await user.click(within(dialog).getByRole("button", { name: "Dismiss" }));
    expect(await within(dialog).findByText(FAILED_FILES_MESSAGES.reasonRequired)).toBeInTheDocument();
    expect(posts("dismiss")).toEqual([]);

    await user.type(within(dialog).getByRole("textbox", { name: /Reason/ }), "  Test file, uploaded by mistake ");
    await user.click(within(dialog).getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(posts("dismiss")).toEqual([{ ids: ["c"], reason: "Test file, uploaded by mistake" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(table(region)).not.toHaveTextContent("incoming/c.csv"));

    await user.selectOptions(within(region).getByLabelText("Show"), "dismissed");
    await waitFor(() => expect(table(region)).toHaveTextContent("incoming/c.csv"));
    expect(table(region)).toHaveTextContent("Dismissed by ada@example.com: “Test file, uploaded by mistake”");
    expect(within(region).queryByRole("button", { name: /Retry/ })).toBeNull();
  });

  it("a viewer sees the files and why they may not act", async () => {
    files = three();
    server.use(sessionHandler(sessionAs("viewer")));
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(table(region)).toHaveTextContent("incoming/a.csv");
    expect(within(region).queryByRole("checkbox")).toBeNull();
    const retryAll = within(region).getByRole("button", { name: /Retry all failed/ });
    expect(retryAll).toHaveAttribute("aria-disabled", "true");
  });
});

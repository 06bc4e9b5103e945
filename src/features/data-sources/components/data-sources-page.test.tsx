// Data Sources list: empty state, loading/error, sorting, filtering, row actions (Edit, Delete with
// a confirm modal and notices). msw stands in for the API because a component test has no server.
// Pages are lazy chunks, so tests await their first content.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeRecord, ORG, renderAt } from "../../../testing/data-sources.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  sessionHandler(),
  http.get("/api/org", () => HttpResponse.json(ORG)),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SOURCES = [
  makeRecord({
    id: "a",
    name: "beta",
    bucket: "zeta-bucket",
    created_at: "2026-01-01T00:00:00.000Z",
    last_test: { ok: false, tested_at: "2026-01-05T00:00:00.000Z", checks: [] },
  }),
  makeRecord({
    id: "b",
    name: "Alpha",
    bucket: "mid-bucket",
    prefix: "",
    suffix: "",
    created_at: "2026-01-03T00:00:00.000Z",
    last_test: { ok: true, tested_at: "2026-01-04T00:00:00.000Z", checks: [] },
  }),
  makeRecord({ id: "c", name: "gamma", bucket: "alpha-bucket", created_at: "2026-01-02T00:00:00.000Z" }),
];

const names = () =>
  within(screen.getByRole("table"))
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[0]!.textContent);

describe("Data Sources page", () => {
  it("explains data sources and offers Create Data Source when there are none", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: [] })));
    const { user, router } = renderAt("/data/sources");
    expect(await screen.findByRole("heading", { name: "No data sources yet" })).toBeInTheDocument();
    expect(screen.getByText(/stores how Databend reaches your AWS account/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    const create = screen.getAllByRole("button", { name: "Create Data Source" });
    expect(create).toHaveLength(1);
    await user.click(create[0]!);
    expect(router.state.location.pathname).toBe("/data/sources/new");
    // One service type: its form at once.
    expect(await screen.findByRole("textbox", { name: "Name" })).toBeInTheDocument();
  });

  it("shows loading, then an error with a retry", async () => {
    let calls = 0;
    server.use(
      http.get("/api/data-sources", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })
          : HttpResponse.json({ items: SOURCES });
      }),
    );
    const { user } = renderAt("/data/sources");
    expect(await screen.findByText("Loading data sources…")).toBeInTheDocument();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the data sources");
    expect(alert).toHaveTextContent("The store is unavailable");
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("table")).toBeInTheDocument();
  });

  it("lists sources with their bucket, scope, queue, last test and creation time", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: SOURCES })));
    renderAt("/data/sources");
    await screen.findByRole("table");
    const beta = screen.getByRole("link", { name: "beta" });
    expect(beta).toHaveAttribute("href", "/data/sources/a");
    const row = beta.closest("tr")!;
    expect(row).toHaveTextContent("zeta-bucket");
    expect(row).toHaveTextContent("prefix incoming/");
    expect(row).toHaveTextContent("suffix .csv");
    expect(row).toHaveTextContent("orders-events");
    expect(row).toHaveTextContent("us-east-1");
    expect(row).toHaveTextContent("Failed");
    expect(screen.getByRole("link", { name: "Alpha" }).closest("tr")).toHaveTextContent("All objects");
    expect(screen.getByRole("link", { name: "gamma" }).closest("tr")).toHaveTextContent("Not tested");
    // With sources, the button sits above the table.
    expect(screen.getAllByRole("button", { name: "Create Data Source" })).toHaveLength(1);
  });

  it("sorts by a column header and says so with aria-sort", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: SOURCES })));
    const { user } = renderAt("/data/sources");
    await screen.findByRole("table");
    // Newest first by default.
    expect(screen.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");
    expect(names()).toEqual(["Alpha", "gamma", "beta"]);

    await user.click(screen.getByRole("button", { name: /^Name/ }));
    expect(screen.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByRole("columnheader", { name: /Created/ })).not.toHaveAttribute("aria-sort");
    expect(names()).toEqual(["Alpha", "beta", "gamma"]);

    await user.click(screen.getByRole("button", { name: /^Name/ }));
    expect(screen.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "descending");
    expect(names()).toEqual(["gamma", "beta", "Alpha"]);

    await user.click(screen.getByRole("button", { name: /^Bucket/ }));
    expect(names()).toEqual(["gamma", "Alpha", "beta"]);

    await user.click(screen.getByRole("button", { name: /^Last test/ }));
    expect(names()).toEqual(["gamma", "beta", "Alpha"]);
  });

  it("filters rows by text", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: SOURCES })));
    const { user } = renderAt("/data/sources");
    await screen.findByRole("table");
    await user.type(screen.getByLabelText("Filter data sources"), "zeta");
    expect(names()).toEqual(["beta"]);
    await user.clear(screen.getByLabelText("Filter data sources"));
    await user.type(screen.getByLabelText("Filter data sources"), "nothing-like-this");
    expect(screen.getByRole("table")).toHaveTextContent("Nothing matches");
  });

  it("offers Edit and Delete on every row, named after the source", async () => {
    server.use(http.get("/api/data-sources", () => HttpResponse.json({ items: SOURCES })));
    const { user, router } = renderAt("/data/sources");
    await screen.findByRole("table");
    expect(screen.getByRole("columnheader", { name: "Actions" })).toBeInTheDocument();
    for (const source of SOURCES) {
      const row = screen.getByRole("link", { name: source.name }).closest("tr")!;
      // The name is the row's only link (a browser test picks the row's link by the name).
      expect(within(row).getAllByRole("link")).toHaveLength(1);
      expect(within(row).getByRole("button", { name: `Edit ${source.name}` })).toBeInTheDocument();
      expect(within(row).getByRole("button", { name: `Delete ${source.name}` })).toBeInTheDocument();
    }
    await user.click(screen.getByRole("button", { name: "Edit gamma" }));
    expect(router.state.location.pathname).toBe("/data/sources/c/edit");
  });

  it("deletes a row after confirmation in a modal, with a notice", async () => {
    let items = SOURCES;
    server.use(
      http.get("/api/data-sources", () => HttpResponse.json({ items })),
      http.delete("/api/data-sources/c", () => {
        items = SOURCES.filter((source) => source.id !== "c");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt("/data/sources");
    await user.click(await screen.findByRole("button", { name: "Delete gamma" }));
    const dialog = await screen.findByRole("dialog", { name: 'Delete data source "gamma"?' });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText('Deleted data source "gamma"')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("link", { name: "gamma" })).not.toBeInTheDocument());
    expect(names()).toEqual(["Alpha", "beta"]);
  });

  it("shows the refusal for a source in use (409) as a failure notice and keeps the row", async () => {
    server.use(
      http.get("/api/data-sources", () => HttpResponse.json({ items: SOURCES })),
      http.delete("/api/data-sources/a", () =>
        HttpResponse.json({ error: "Data source beta is in use by a task (load-orders)" }, { status: 409 }),
      ),
    );
    const { user } = renderAt("/data/sources");
    await user.click(await screen.findByRole("button", { name: "Delete beta" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText('Could not delete data source "beta"')).toBeInTheDocument();
    expect(screen.getByText("Data source beta is in use by a task (load-orders)")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "beta" })).toBeInTheDocument();
  });
});

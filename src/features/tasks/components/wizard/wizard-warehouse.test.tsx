// The wizard's warehouse: the organization's default chosen to begin with, every browse of Databend
// (databases, tables, columns) and the preview naming it (`?warehouse=` / `warehouse_id`), another
// warehouse starting the database over, "See the rows" for the chosen table, the review naming the
// warehouse and the created task carrying `warehouse_id`; with one warehouse there is no choice.
// msw stands in for the API (a component test has no server).
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { taskInputSchema } from "#contracts/task.ts";
import { makeWarehouse, WAREHOUSES } from "../../../../testing/admin.tsx";
import { makeRecord } from "../../../../testing/data-sources.tsx";
import { sessionHandler } from "../../../../testing/session.ts";
import { makeTask, renderAt, warehousesHandler } from "../../../../testing/tasks.tsx";
import { choose, CSV_PREVIEW, currentStep, input, next, type User } from "../../../../testing/wizard.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const COLUMNS = { items: [{ name: "id", type: "BIGINT", nullable: false }, { name: "city", type: "VARCHAR", nullable: true }], truncated: false };

/** Every /api/warehouse request's path and query, and every preview body. */
const seen = { browse: [] as string[], previews: [] as unknown[] };
const where = (request: Request) => {
  const url = new URL(request.url);
  return `${url.pathname}${url.search}`;
};

const server = setupServer(
  sessionHandler(),
  warehousesHandler(WAREHOUSES),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS] })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.post("/api/tasks/preview", async ({ request }) => {
    seen.previews.push(await request.json());
    return HttpResponse.json(CSV_PREVIEW);
  }),
  http.get("/api/warehouse/databases", ({ request }) => {
    seen.browse.push(where(request));
    const cloud = new URL(request.url).searchParams.get("warehouse") === "wh-cloud";
    return HttpResponse.json({ items: cloud ? [{ name: "sales" }] : [{ name: "default" }], truncated: false });
  }),
  http.get("/api/warehouse/databases/:db/tables", ({ request }) => {
    seen.browse.push(where(request));
    return HttpResponse.json({ items: [{ name: "orders", is_view: false }], truncated: false });
  }),
  http.get("/api/warehouse/databases/:db/tables/:table/columns", ({ request }) => {
    seen.browse.push(where(request));
    return HttpResponse.json(COLUMNS);
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen.browse = [];
  seen.previews = [];
});
afterAll(() => server.close());

async function toTarget(user: User) {
  await screen.findByRole("combobox", { name: "Data source" });
  await choose(user, "Data source", /^orders/);
  await next(user);
  await next(user);
  await screen.findByRole("table", { name: "Objects in scope" });
  await next(user);
  expect(currentStep()).toBe("Target");
  await screen.findByRole("radio", { name: /An existing table/ });
}

describe("Task wizard: warehouse", () => {
  it("starts on the default, names the chosen warehouse in every request, and the task carries it", async () => {
    let created: unknown;
    server.use(
      http.post("/api/tasks", async ({ request }) => {
        created = await request.json();
        return HttpResponse.json(makeTask({ id: "t-3", name: "load-orders" }), { status: 201 });
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    const warehouse = screen.getByRole("combobox", { name: "Warehouse" });
    expect(warehouse).toHaveValue("main (default)");
    expect(seen.previews).toEqual([expect.objectContaining({ warehouse_id: "wh-main" })]);
    expect(seen.browse).toEqual(["/api/warehouse/databases?warehouse=wh-main", "/api/warehouse/databases/default/tables?warehouse=wh-main"]);

    // Another warehouse: its databases, starting at its own database, and no table chosen.
    await choose(user, "Warehouse", "cloud");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Database" })).toHaveValue("sales"));
    expect(screen.getByRole("combobox", { name: "Table" })).toHaveValue("");
    await choose(user, "Table", "orders");
    await screen.findByRole("region", { name: "Columns of sales.orders" });
    expect(seen.browse.slice(2)).toEqual([
      "/api/warehouse/databases?warehouse=wh-cloud",
      "/api/warehouse/databases/sales/tables?warehouse=wh-cloud",
      "/api/warehouse/databases/sales/tables/orders/columns?warehouse=wh-cloud",
    ]);
    // The sample is read again through the chosen warehouse.
    await waitFor(() => expect(seen.previews.at(-1)).toMatchObject({ warehouse_id: "wh-cloud" }));
    const rows = screen.getByRole("link", { name: /^See the rows of sales\.orders/ });
    expect(rows).toHaveAttribute("href", "/warehouse/sales/orders?warehouse=wh-cloud");
    expect(rows).toHaveAttribute("target", "_blank");

    await next(user);
    expect(currentStep()).toBe("Review");
    const summary = screen.getByLabelText("Summary");
    expect(within(summary).getByText("Warehouse").nextElementSibling).toHaveTextContent("cloud");
    await user.type(input("Name"), "load-orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(created).toMatchObject({ warehouse_id: "wh-cloud", target: { database: "sales", table: "orders" } }));
    expect(taskInputSchema.safeParse(created).success).toBe(true);
  });

  it("sends a new table with the task, in the chosen warehouse, and makes nothing before", async () => {
    let created: unknown;
    const made: string[] = [];
    server.use(
      http.post("/api/warehouse/databases/:db/tables", ({ request }) => {
        made.push(where(request));
        return HttpResponse.json({ error: "not expected" }, { status: 500 });
      }),
      http.post("/api/tasks", async ({ request }) => {
        created = await request.json();
        return HttpResponse.json(makeTask({ id: "t-4", name: "load-orders_new" }), { status: 201 });
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    await user.click(screen.getByRole("radio", { name: /Create a new table/ }));
    await user.type(input("New table name"), "orders_new");
    await next(user);
    expect(currentStep()).toBe("Review");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() =>
      expect(created).toMatchObject({ warehouse_id: "wh-main", target: { database: "default", table: "orders_new" }, create_table: { columns: COLUMNS.items } }),
    );
    expect(made).toEqual([]);
  });

  it("leaves the warehouse to the API's default when the warehouses cannot be listed, and says so", async () => {
    let created: unknown;
    server.use(
      http.get("/api/org/warehouses", () => HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })),
      http.post("/api/tasks", async ({ request }) => {
        created = await request.json();
        return HttpResponse.json(makeTask({ id: "t-3", name: "load-orders" }), { status: 201 });
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    expect(screen.getByText("Could not list the organization's warehouses")).toBeInTheDocument();
    expect(seen.browse[0]).toBe("/api/warehouse/databases");
    expect(seen.previews[0]).not.toHaveProperty("warehouse_id");
    await choose(user, "Table", "orders");
    await next(user);
    expect(within(screen.getByLabelText("Summary")).getByText("Warehouse").nextElementSibling).toHaveTextContent("The organization's default");
    await user.type(input("Name"), "load-orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(created).toMatchObject({ warehouse_id: null }));
  });

  it("only names the warehouse when the organization has one", async () => {
    server.use(warehousesHandler([makeWarehouse({ id: "wh-only", name: "only" })]));
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    expect(screen.queryByRole("combobox", { name: "Warehouse" })).not.toBeInTheDocument();
    expect(screen.getByText(/Loads into the warehouse/)).toHaveTextContent("Loads into the warehouse only, the organization's only one.");
    expect(seen.browse[0]).toBe("/api/warehouse/databases?warehouse=wh-only");
  });
});

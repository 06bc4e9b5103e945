// The wizard's Target step on what Databend holds: an existing table mapped against the sample
// (mismatches flagged in words), a new table drafted from the sample, edited and created (Next
// waits for it), a 409 on create shown with every edit kept, and typed names when Databend cannot
// be listed. msw stands in for the API (a component test has no server); the routes themselves are
// tested against the dev warehouse.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CREATE_TABLE_FIRST } from "./new-table.tsx";
import { makeRecord } from "../../../data-sources/test-support.tsx";
import { makeTask, renderAt, warehousesHandler } from "../../test-support.tsx";
import { choose, CSV_PREVIEW, currentStep, errorOf, input, next, type User } from "./wizard-test-support.ts";
import { sessionHandler } from "../../../../session.test-support.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const tables = [
  { name: "orders", is_view: false },
  { name: "orders_view", is_view: true },
];

const server = setupServer(
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS] })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.post("/api/tasks/preview", () => HttpResponse.json(CSV_PREVIEW)),
  http.get("/api/warehouse/databases", () => HttpResponse.json({ items: [{ name: "default" }, { name: "sales" }], truncated: false })),
  http.get("/api/warehouse/databases/default/tables", () => HttpResponse.json({ items: tables, truncated: false })),
  http.get("/api/warehouse/databases/default/tables/orders/columns", () =>
    HttpResponse.json({
      items: [
        { name: "id", type: "INT", nullable: false },
        { name: "amount", type: "DOUBLE", nullable: false },
        { name: "note", type: "VARCHAR", nullable: true },
      ],
      truncated: false,
    }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  tables.splice(2);
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
  await screen.findByRole("radio", { name: "An existing table" });
}

const CREATED = [
  { name: "id", type: "INT", nullable: true },
  { name: "town", type: "VARCHAR", nullable: true },
];

describe("Task wizard: Target", () => {
  it("maps an existing table's columns against the CSV sample by position and flags what does not fit", async () => {
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    expect(screen.getByRole("combobox", { name: "Database" })).toHaveValue("default");
    await user.click(screen.getByRole("combobox", { name: "Table" }));
    expect(await screen.findByRole("option", { name: "orders_view (a view: cannot be loaded into)", hidden: true })).toHaveAttribute("data-combobox-disabled", "true");
    await user.click(await screen.findByRole("option", { name: "orders", hidden: true }));

    const mapping = await screen.findByRole("region", { name: "Columns of default.orders" });
    expect(within(mapping).getByText(/CSV columns go into a table by position/)).toBeInTheDocument();
    const problems = within(mapping).getByRole("list");
    expect(problems).toHaveTextContent("The sample has 2 columns and the table 3: Databend refuses a CSV file whose column count differs");
    expect(problems).toHaveTextContent("Type mismatch: the sample's city holds VARCHAR values but the table's amount is DOUBLE");
    expect(problems).not.toHaveTextContent("the table's id");
    const rows = within(within(mapping).getByRole("table")).getAllByRole("row").slice(1).map((row) => row.textContent);
    expect(rows[0]).toBe("idINT NOT NULLidBIGINTFits");
    expect(rows[2]).toMatch(/^noteVARCHAR——Missing: the file has no column 3 for the table's note$/);
  });

  it("creates a new table from the sample's columns as edited, then makes it the target", async () => {
    let body: unknown;
    server.use(
      http.post("/api/warehouse/databases/default/tables", async ({ request }) => {
        body = await request.json();
        tables.push({ name: "orders_2026", is_view: false });
        return HttpResponse.json({ database: "default", name: "orders_2026", columns: CREATED }, { status: 201 });
      }),
      http.get("/api/warehouse/databases/default/tables/orders_2026/columns", () => HttpResponse.json({ items: CREATED, truncated: false })),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    await user.click(screen.getByRole("radio", { name: "Create a new table" }));
    expect(input("Name of column 1").value).toBe("id");
    expect(screen.getByRole("combobox", { name: "Type of column 1" })).toHaveValue("BIGINT");
    expect(screen.getByRole("checkbox", { name: "Column 1 takes NULL" })).not.toBeChecked();
    expect(input("Name of column 2").value).toBe("city");
    expect(screen.getByRole("checkbox", { name: "Column 2 takes NULL" })).toBeChecked();

    // The table must exist before the task can point at it.
    await next(user);
    expect(currentStep()).toBe("Target");
    expect(errorOf("New table name")).toBe(CREATE_TABLE_FIRST);

    await user.type(input("New table name"), "orders_2026");
    await user.clear(input("Name of column 2"));
    await user.type(input("Name of column 2"), "town");
    await choose(user, "Type of column 1", "INT");
    await user.click(screen.getByRole("checkbox", { name: "Column 1 takes NULL" }));
    await user.click(screen.getByRole("button", { name: "Create table" }));

    await waitFor(() => expect(screen.getByRole("combobox", { name: "Table" })).toHaveValue("orders_2026"));
    expect(body).toEqual({
      name: "orders_2026",
      columns: [
        { name: "id", type: "INT", nullable: true },
        { name: "town", type: "VARCHAR", nullable: true },
      ],
    });
    expect(screen.getByRole("radio", { name: "An existing table" })).toBeChecked();
    expect(await screen.findByText("Created table default.orders_2026 with 2 columns")).toBeInTheDocument();
    expect(await screen.findByText("The sample fits this table")).toBeInTheDocument();
    await next(user);
    expect(currentStep()).toBe("Review");
    expect(screen.getByLabelText("Summary")).toHaveTextContent("default.orders_2026");
  });

  it("shows a 409 on create beside the name and keeps every edit", async () => {
    server.use(
      http.post("/api/warehouse/databases/default/tables", () =>
        HttpResponse.json(
          {
            error: "Databend already has a table orders in database default; choose it as the target, or another name",
            fields: { name: "A table named orders already exists in default" },
          },
          { status: 409 },
        ),
      ),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    await user.click(screen.getByRole("radio", { name: "Create a new table" }));
    await user.type(input("New table name"), "orders");
    await user.clear(input("Name of column 1"));
    await user.type(input("Name of column 1"), "order_id");
    await user.click(screen.getByRole("button", { name: "Create table" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not create the table");
    expect(alert).toHaveTextContent("Databend already has a table orders in database default");
    expect(errorOf("New table name")).toBe("A table named orders already exists in default");
    expect(input("Name of column 1").value).toBe("order_id");
    expect(input("Name of column 2").value).toBe("city");
    expect(screen.getByRole("radio", { name: "Create a new table" })).toBeChecked();

    // Back and forth keeps the draft too.
    await user.click(screen.getByRole("button", { name: "Back" }));
    await next(user);
    expect(input("Name of column 1").value).toBe("order_id");
    expect(input("New table name").value).toBe("orders");
  });

  it("lets the names be typed when Databend cannot be listed, and says so", async () => {
    let created: unknown;
    server.use(
      http.get("/api/warehouse/databases", () =>
        HttpResponse.json({ error: "Could not list the databases: Databend at 127.0.0.1:8000 could not be reached. Try again once Databend answers.", detail: "ECONNREFUSED" }, { status: 503 }),
      ),
      http.post("/api/tasks", async ({ request }) => {
        created = await request.json();
        return HttpResponse.json(makeTask({ id: "t-3", name: "load-orders" }), { status: 201 });
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await screen.findByRole("combobox", { name: "Data source" });
    await choose(user, "Data source", /^orders/);
    await next(user);
    await next(user);
    await next(user);
    expect(await screen.findByText("Could not list Databend's databases")).toBeInTheDocument();
    expect(screen.getByText(/could not be reached\. Try again once Databend answers\. Type the names instead/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "List again" })).toBeInTheDocument();
    expect(input("Database").value).toBe("default");
    await user.type(input("Table"), "orders");
    await next(user);
    expect(currentStep()).toBe("Review");
    await user.type(input("Name"), "load-orders");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() => expect(created).toMatchObject({ target: { database: "default", table: "orders" } }));
  });
});

// The wizard's Target step on what Databend holds: an existing table mapped against the sample
// (mismatches flagged in words), a new table drafted from the sample when the database has none,
// edited, checked on Next and sent with the task on Create (nothing made before), a 409 about it
// shown on its name with every edit kept, and typed names when Databend cannot be listed. msw stands in for the API (a component test has no server); the routes themselves are
// tested against the dev warehouse.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TASK_MESSAGES } from "#contracts/task.ts";
import { taskSaveSchema } from "#contracts/task-create.ts";
import { makeRecord } from "../../../../testing/data-sources.tsx";
import { makeTask, renderAt, warehousesHandler } from "../../../../testing/tasks.tsx";
import { choose, CSV_PREVIEW, currentStep, errorOf, input, next, type User } from "../../../../testing/wizard.ts";
import { sessionHandler } from "../../../../testing/session.ts";

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

  it("drafts a new table from the sample when the database has none, checks it on Next and sends it with the task on Create", async () => {
    let body: unknown;
    const made: string[] = [];
    server.use(
      // Only a view: nothing a task can load into.
      http.get("/api/warehouse/databases/default/tables", () => HttpResponse.json({ items: [tables[1]], truncated: false })),
      http.post("/api/warehouse/databases/:db/tables", ({ params }) => {
        made.push(String(params.db));
        return HttpResponse.json({ error: "not expected" }, { status: 500 });
      }),
      http.post("/api/tasks", async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(makeTask({ id: "t-9", name: "load-orders_2026" }), { status: 201 });
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    await waitFor(() => expect(screen.getByRole("radio", { name: /Create a new table/ })).toBeChecked());
    expect(screen.getByRole("radio", { name: /An existing table/ })).not.toBeChecked();
    await waitFor(() => expect(input("Name of column 1").value).toBe("id"));
    expect(screen.getByRole("combobox", { name: "Type of column 1" })).toHaveValue("BIGINT");
    expect(screen.getByRole("checkbox", { name: "Column 1 takes NULL" })).not.toBeChecked();
    expect(input("Name of column 2").value).toBe("city");
    expect(screen.getByRole("checkbox", { name: "Column 2 takes NULL" })).toBeChecked();
    expect(screen.queryByRole("button", { name: "Create table" })).toBeNull();

    // The draft is checked by the create-table rules: a name first.
    await next(user);
    expect(currentStep()).toBe("Target");
    await waitFor(() => expect(errorOf("New table name")).toBe(TASK_MESSAGES.tableRequired));

    await user.type(input("New table name"), "orders_2026");
    await user.clear(input("Name of column 2"));
    await user.type(input("Name of column 2"), "town");
    await choose(user, "Type of column 1", "INT");
    await user.click(screen.getByRole("checkbox", { name: "Column 1 takes NULL" }));
    await next(user);
    expect(currentStep()).toBe("Review");
    expect(screen.getByLabelText("Summary")).toHaveTextContent("default.orders_2026 (new: created with the task)");
    const summary = screen.getByRole("region", { name: "New table default.orders_2026" });
    expect(summary).toHaveTextContent("The table default.orders_2026 will be created with these 2 columns when the task is saved");
    expect(within(summary).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["idINTYes", "townVARCHARYes"]);
    expect(input("Name").value).toBe("load-orders_2026");

    await user.click(screen.getByRole("button", { name: "Create stopped" }));
    await waitFor(() =>
      expect(body).toMatchObject({
        name: "load-orders_2026",
        target: { database: "default", table: "orders_2026" },
        create_table: {
          columns: [
            { name: "id", type: "INT", nullable: true },
            { name: "town", type: "VARCHAR", nullable: true },
          ],
        },
      }),
    );
    expect(taskSaveSchema.safeParse(body).success).toBe(true);
    expect(made, "no table is made before Create").toEqual([]);
  });

  it("puts a 409 about the new table on its name on Target and keeps every edit", async () => {
    server.use(
      http.post("/api/tasks", () =>
        HttpResponse.json(
          {
            error: "Databend already has a table orders in database default. No task was saved.",
            fields: { "target.table": 'A table named orders already exists in default; choose it under "An existing table", or give the new table another name' },
          },
          { status: 409 },
        ),
      ),
    );
    const { user } = renderAt("/data/integration/new");
    await toTarget(user);
    // `default` has tables: an existing one is offered first; a new one is a choice.
    expect(screen.getByRole("radio", { name: /An existing table/ })).toBeChecked();
    await user.click(screen.getByRole("radio", { name: /Create a new table/ }));
    await waitFor(() => expect(input("Name of column 1").value).toBe("id"));
    await user.type(input("New table name"), "orders");
    await user.clear(input("Name of column 1"));
    await user.type(input("Name of column 1"), "order_id");
    await next(user);
    expect(currentStep()).toBe("Review");
    await user.click(screen.getByRole("button", { name: "Create stopped" }));

    await waitFor(() => expect(currentStep()).toBe("Target"));
    await waitFor(() => expect(errorOf("New table name")).toMatch(/^A table named orders already exists in default/));
    expect(input("Name of column 1").value).toBe("order_id");
    expect(input("Name of column 2").value).toBe("city");
    expect(screen.getByRole("radio", { name: /Create a new table/ })).toBeChecked();

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

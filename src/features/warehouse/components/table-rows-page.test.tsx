// A table's rows: the request names the warehouse and asks the most rows (100), columns with their
// types, NULL drawn unlike the text "NULL", a long value cut with Show all, a cut answer saying so,
// an empty table, and a table that does not exist. msw stands in for the API (a component test has
// no server).
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WarehouseRows } from "#contracts/warehouse-connection.ts";
import { renderRoutes } from "../../../testing/render-routes.tsx";
import { sessionHandler } from "../../../testing/session.ts";
import { WAREHOUSES } from "../../../testing/admin.tsx";
import { warehouseRoutes } from "../routes.tsx";
import { SHOWN_CHARACTERS } from "./row-value.tsx";

const LONG = `${"x".repeat(SHOWN_CHARACTERS)}tail-of-the-value`;
const ROWS: WarehouseRows = {
  columns: [
    { name: "id", type: "INT" },
    { name: "note", type: "VARCHAR NULL" },
  ],
  rows: [
    ["1", null],
    ["2", "NULL"],
    ["3", LONG],
  ],
  truncated: true,
};

const server = setupServer(sessionHandler(), http.get("/api/org/warehouses", () => HttpResponse.json({ items: WAREHOUSES })));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function serve(answer: () => Response) {
  const asked: string[] = [];
  server.use(
    http.get("/api/warehouse/databases/:db/tables/:table/rows", ({ request }) => {
      const url = new URL(request.url);
      asked.push(`${url.pathname}${url.search}`);
      return answer();
    }),
  );
  return asked;
}

const cellsOf = (row: HTMLElement) => within(row).getAllByRole("cell");

describe("Table rows", () => {
  it("shows the columns and rows of the named warehouse, NULL distinctly, long values cut, and that the answer was cut", async () => {
    const asked = serve(() => HttpResponse.json(ROWS));
    const { user } = renderRoutes("/warehouse/sales/my%20orders?warehouse=wh-cloud", warehouseRoutes);
    const table = await screen.findByRole("table", { name: "Rows of sales.my orders" });
    expect(asked).toEqual(["/api/warehouse/databases/sales/tables/my%20orders/rows?limit=100&warehouse=wh-cloud"]);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Rows of sales.my orders");
    await waitFor(() => expect(screen.getByText(/In the warehouse/)).toHaveTextContent("In the warehouse cloud,"));
    expect(within(table).getAllByRole("columnheader").map((th) => th.textContent)).toEqual(["id INT", "note VARCHAR NULL"]);

    const [first, second, third] = within(table).getAllByRole("row").slice(1);
    expect(within(cellsOf(first!)[1]!).getByLabelText("NULL (no value)")).toBeInTheDocument();
    // The text "NULL" is a value like any other, not drawn as NULL.
    expect(within(cellsOf(second!)[1]!).queryByLabelText("NULL (no value)")).not.toBeInTheDocument();
    expect(cellsOf(second!)[1]).toHaveTextContent(/^NULL$/);

    const long = cellsOf(third!)[1]!;
    expect(long).not.toHaveTextContent("tail-of-the-value");
    expect(long).toHaveTextContent(`${"x".repeat(SHOWN_CHARACTERS)}…`);
    const more = within(long).getByRole("button", { name: `Show all of note in row 3 (${LONG.length} characters)` });
    await user.click(more);
    expect(long).toHaveTextContent(LONG);
    expect(more).toHaveAttribute("aria-expanded", "true");

    expect(screen.getByText("Not everything is shown")).toBeInTheDocument();
    expect(screen.getByText(/The first 3 rows of/)).toBeInTheDocument();
  });

  it("says when every row is shown, uses the default warehouse when none is named, and says an empty table is empty", async () => {
    let answer: WarehouseRows = { ...ROWS, rows: [["1", "a"]], truncated: false };
    const asked = serve(() => HttpResponse.json(answer));
    const { user } = renderRoutes("/warehouse/default/orders", warehouseRoutes);
    expect(await screen.findByText(/All 1 row of/)).toBeInTheDocument();
    expect(screen.queryByText("Not everything is shown")).not.toBeInTheDocument();
    expect(asked).toEqual(["/api/warehouse/databases/default/tables/orders/rows?limit=100"]);
    expect(screen.getByText(/In the warehouse/)).toHaveTextContent("The organization's default");

    answer = { ...ROWS, rows: [], truncated: false };
    await user.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("The table has no rows yet.")).toBeInTheDocument();
  });

  it("says in the API's words what is missing", async () => {
    serve(() => HttpResponse.json({ error: "Databend has no table orders in database default" }, { status: 404 }));
    renderRoutes("/warehouse/default/orders?warehouse=wh-main", warehouseRoutes);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not show the rows of default.orders");
    expect(alert).toHaveTextContent("Databend has no table orders in database default");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});

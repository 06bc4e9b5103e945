// Organization → Warehouses: the list (address, user, database, TLS, default and managed badges),
// Add warehouse with the contract's messages and Test connection before saving, Edit with the
// write-only password, a saved row's test, Make default, Delete and its 409, and what viewers and
// operators may do. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { whyNotAllowed } from "#contracts/roles.ts";
import { WAREHOUSE_CONNECTION_MESSAGES as M, type WarehouseConnection, type WarehouseTestResult } from "#contracts/warehouse-connection.ts";
import { sessionAs, sessionHandler } from "../../../testing/session.ts";
import { makeWarehouse, renderAt, WAREHOUSES } from "../../../testing/admin.tsx";
import { KEEP_PASSWORD, PASSWORD_TO_TEST } from "./warehouse-form-modal.tsx";
import { MANAGED_REASON } from "./warehouses-page.tsx";

const server = setupServer(sessionHandler());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function serve(warehouses: WarehouseConnection[] = WAREHOUSES) {
  const state = { warehouses: [...warehouses] };
  server.use(http.get("/api/org/warehouses", () => HttpResponse.json({ items: state.warehouses })));
  return state;
}

const rowOf = (name: string) => {
  const rows = within(screen.getByRole("table", { name: "Warehouses" })).getAllByRole("row");
  const row = rows.find((candidate) => within(candidate).queryAllByRole("cell")[0]?.textContent?.startsWith(name));
  if (!row) throw new Error(`No row for ${name}`);
  return row;
};
const field = (dialog: HTMLElement, label: string | RegExp) => within(dialog).getByLabelText(label) as HTMLInputElement;
const errorOf = (input: HTMLElement) => {
  const id = (input.getAttribute("aria-describedby") ?? "").split(" ").find((one) => one.endsWith("-error"));
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
};

const AUTH_FAILED: WarehouseTestResult = {
  ok: false,
  status: "auth",
  message: "Databend refused user loader: check the user and password",
  detail: "AuthenticateFailure: wrong password",
};

describe("Warehouses page", () => {
  it("lists each warehouse with address, user, database, TLS and its default and managed badges", async () => {
    serve();
    renderAt("/org/warehouses");
    const table = await screen.findByRole("table", { name: "Warehouses" });
    expect(screen.getByRole("heading", { level: 1, name: "Warehouses" })).toBeInTheDocument();
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    const main = rowOf("main");
    expect(main).toHaveTextContent("Default");
    expect(main).toHaveTextContent("Managed");
    expect(main).toHaveTextContent("127.0.0.1:8000");
    expect(main).toHaveTextContent("org_main");
    const cloud = rowOf("cloud");
    expect(cloud).toHaveTextContent("tenant.gw.aws-us-east-2.default.databend.com:443");
    expect(within(cloud).getAllByRole("cell").map((cell) => cell.textContent).slice(2, 5)).toEqual(["loader", "sales", "Yes"]);
    expect(cloud).not.toHaveTextContent("Default");
    // A managed warehouse says why it cannot be changed.
    for (const name of ["Edit main", "Delete main"]) {
      const button = within(main).getByRole("button", { name });
      expect(button).toHaveAttribute("aria-disabled", "true");
      expect(button).toHaveAccessibleDescription(MANAGED_REASON);
    }
    expect(within(main).queryByRole("button", { name: "Make default main" })).not.toBeInTheDocument();
    expect(within(cloud).getByRole("button", { name: "Edit cloud" })).not.toHaveAttribute("aria-disabled");
  });

  it("checks Add warehouse's fields with the contract's messages, tests before saving, then adds it", async () => {
    const state = serve([]);
    const tested: unknown[] = [];
    let created: unknown;
    server.use(
      http.post("/api/org/warehouses/test", async ({ request }) => {
        tested.push(await request.json());
        return HttpResponse.json(tested.length === 1 ? AUTH_FAILED : { ok: true, status: "ok", message: "Connected as loader to database sales", version: "1.2.895" });
      }),
      http.post("/api/org/warehouses", async ({ request }) => {
        created = await request.json();
        state.warehouses = [makeWarehouse({ id: "wh-new", name: "cloud", managed: false })];
        return HttpResponse.json(state.warehouses[0], { status: 201 });
      }),
    );
    const { user } = renderAt("/org/warehouses");
    expect(await screen.findByText(/No warehouse yet/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add warehouse" }));
    const dialog = await screen.findByRole("dialog", { name: "Add warehouse" });
    // The first warehouse is the default whatever the box says.
    expect(within(dialog).getByRole("checkbox", { name: "Make default" })).toBeChecked();

    await user.click(within(dialog).getByRole("button", { name: "Add warehouse" }));
    expect(await within(dialog).findByText(M.nameRequired)).toBeInTheDocument();
    expect(within(dialog).getByText(M.hostRequired)).toBeInTheDocument();
    expect(within(dialog).getByText(M.userRequired)).toBeInTheDocument();
    expect(created).toBeUndefined();

    await user.type(field(dialog, /^Name/), "cloud");
    await user.type(field(dialog, /^Host/), "https://tenant.example.com");
    await user.type(field(dialog, /^User/), "loader@x");
    await user.clear(field(dialog, /^Port/));
    await user.type(field(dialog, /^Port/), "70000");
    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));
    await waitFor(() => expect(errorOf(field(dialog, /^Host/))).toBe(M.hostInvalid));
    expect(errorOf(field(dialog, /^User/))).toBe(M.userInvalid);
    expect(errorOf(field(dialog, /^Port/))).toBe(M.portInvalid);
    expect(tested).toEqual([]);

    await user.clear(field(dialog, /^Host/));
    await user.type(field(dialog, /^Host/), "tenant.example.com");
    await user.clear(field(dialog, /^User/));
    await user.type(field(dialog, /^User/), "loader");
    await user.clear(field(dialog, /^Port/));
    await user.type(field(dialog, /^Port/), "443");
    await user.type(field(dialog, /^Password/), "s3cret");
    await user.clear(field(dialog, /^Database/));
    await user.type(field(dialog, /^Database/), "sales");
    await user.click(within(dialog).getByRole("checkbox", { name: "Use TLS" }));
    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));

    const failed = await within(dialog).findByRole("alert", { name: "Sign-in refused" });
    expect(failed).toHaveTextContent("Sign-in refused");
    expect(failed).toHaveTextContent(AUTH_FAILED.message);
    // Databend's own text waits behind Show details.
    expect(within(failed).getByText(AUTH_FAILED.detail!)).not.toBeVisible();
    await user.click(within(failed).getByRole("button", { name: "Show details" }));
    await waitFor(() => expect(within(failed).getByText(AUTH_FAILED.detail!)).toBeVisible());
    const input = { name: "cloud", host: "tenant.example.com", port: 443, user: "loader", password: "s3cret", database: "sales", tls: true, is_default: false };
    expect(tested).toEqual([input]);

    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));
    const passed = await within(dialog).findByRole("status", { name: "Connected" });
    expect(passed).toHaveTextContent("Connected");
    expect(passed).toHaveTextContent("Databend 1.2.895");

    await user.click(within(dialog).getByRole("button", { name: "Add warehouse" }));
    expect(await screen.findByText('Added warehouse "cloud"')).toBeInTheDocument();
    expect(created).toEqual(input);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await waitFor(() => expect(rowOf("cloud")).toBeInTheDocument());
  });

  it("edits with the password left empty (kept), and tests changed settings only with a password", async () => {
    const state = serve();
    let put: unknown;
    let savedTests = 0;
    server.use(
      http.post("/api/org/warehouses/wh-cloud/test", () => {
        savedTests += 1;
        return HttpResponse.json({ ok: true, status: "ok", message: "Connected as loader to database sales" });
      }),
      http.put("/api/org/warehouses/wh-cloud", async ({ request }) => {
        put = await request.json();
        state.warehouses = [state.warehouses[0]!, { ...state.warehouses[1]!, port: 8443 }];
        return HttpResponse.json(state.warehouses[1]);
      }),
    );
    const { user } = renderAt("/org/warehouses");
    await user.click(await screen.findByRole("button", { name: "Edit cloud" }));
    const dialog = await screen.findByRole("dialog", { name: 'Edit warehouse "cloud"' });
    const password = field(dialog, /^Password/);
    expect(password).toHaveValue("");
    expect(password).toHaveAccessibleDescription(KEEP_PASSWORD);
    expect(field(dialog, /^Host/)).toHaveValue("tenant.gw.aws-us-east-2.default.databend.com");

    // Unchanged settings are tested as saved (with the stored password).
    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));
    expect(await within(dialog).findByRole("status", { name: "Connected" })).toHaveTextContent("Connected");
    expect(savedTests).toBe(1);

    await user.clear(field(dialog, /^Port/));
    await user.type(field(dialog, /^Port/), "8443");
    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));
    await waitFor(() => expect(errorOf(field(dialog, /^Password/))).toBe(PASSWORD_TO_TEST));
    expect(savedTests).toBe(1);

    await user.click(within(dialog).getByRole("button", { name: "Save warehouse" }));
    expect(await screen.findByText('Saved warehouse "cloud"')).toBeInTheDocument();
    expect(put).toEqual({
      name: "cloud",
      host: "tenant.gw.aws-us-east-2.default.databend.com",
      port: 8443,
      user: "loader",
      database: "sales",
      tls: true,
      is_default: false,
    });
    await waitFor(() => expect(rowOf("cloud")).toHaveTextContent(":8443"));
  });

  it("tests a saved warehouse from its row and shows the outcome under it", async () => {
    serve();
    server.use(
      http.post("/api/org/warehouses/wh-main/test", () =>
        HttpResponse.json({ ok: false, status: "unreachable", message: "Nothing answers at 127.0.0.1:8000: check the host, port and TLS" }),
      ),
    );
    const { user } = renderAt("/org/warehouses");
    await user.click(await screen.findByRole("button", { name: "Test main" }));
    const outcome = await screen.findByRole("alert", { name: "Cannot reach the warehouse" });
    expect(outcome).toHaveTextContent("Cannot reach the warehouse");
    expect(outcome).toHaveTextContent("Nothing answers at 127.0.0.1:8000");
    expect(outcome.closest("tr")!.previousElementSibling).toBe(rowOf("main"));
  });

  it("makes a warehouse the default", async () => {
    const state = serve();
    let put: unknown;
    server.use(
      http.put("/api/org/warehouses/wh-cloud", async ({ request }) => {
        put = await request.json();
        state.warehouses = [{ ...state.warehouses[1]!, is_default: true }, { ...state.warehouses[0]!, is_default: false }];
        return HttpResponse.json(state.warehouses[0]);
      }),
    );
    const { user } = renderAt("/org/warehouses");
    await user.click(await screen.findByRole("button", { name: "Make default cloud" }));
    expect(await screen.findByText('"cloud" is now the default warehouse')).toBeInTheDocument();
    expect(put).toEqual({ is_default: true });
    await waitFor(() => expect(rowOf("cloud")).toHaveTextContent("Default"));
    expect(within(rowOf("main")).getByRole("button", { name: "Make default main" })).toBeInTheDocument();
  });

  it("deletes after confirmation, and shows the API's 409 sentence when a task uses it", async () => {
    serve();
    const sentence = 'Task "load-orders" loads into warehouse "cloud"; point it at another warehouse or delete it first';
    server.use(http.delete("/api/org/warehouses/wh-cloud", () => HttpResponse.json({ error: sentence }, { status: 409 })));
    const { user } = renderAt("/org/warehouses");
    await user.click(await screen.findByRole("button", { name: "Delete cloud" }));
    const dialog = await screen.findByRole("dialog", { name: 'Delete warehouse "cloud"?' });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText('Could not delete warehouse "cloud"')).toBeInTheDocument();
    expect(screen.getByText(sentence)).toBeInTheDocument();
    expect(rowOf("cloud")).toBeInTheDocument();
  });

  it("shows a viewer the list read-only, each change saying why", async () => {
    serve();
    server.use(sessionHandler(sessionAs("viewer")));
    renderAt("/org/warehouses");
    await screen.findByRole("table", { name: "Warehouses" });
    const add = screen.getByRole("button", { name: "Add warehouse" });
    expect(add).toHaveAttribute("aria-disabled", "true");
    expect(add).toHaveAccessibleDescription(whyNotAllowed("viewer", "admin"));
    const cloud = rowOf("cloud");
    for (const name of ["Edit cloud", "Make default cloud", "Delete cloud"]) {
      expect(within(cloud).getByRole("button", { name })).toHaveAccessibleDescription(whyNotAllowed("viewer", "admin"));
    }
    expect(within(cloud).getByRole("button", { name: "Test cloud" })).toHaveAccessibleDescription(whyNotAllowed("viewer", "operate"));
  });

  it("lets an operator test but not change", async () => {
    serve();
    server.use(sessionHandler(sessionAs("operator")));
    renderAt("/org/warehouses");
    await screen.findByRole("table", { name: "Warehouses" });
    const cloud = rowOf("cloud");
    expect(within(cloud).getByRole("button", { name: "Test cloud" })).not.toHaveAttribute("aria-disabled");
    expect(within(cloud).getByRole("button", { name: "Edit cloud" })).toHaveAttribute("aria-disabled", "true");
  });
});

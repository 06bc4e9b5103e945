// Issue 17, items 1 and 9: the wizard's step is in the address, its draft survives a refresh (a new
// render at the same address, as a reload gives), an address naming a step the form cannot be on
// yet falls back to the first step to fix, and the source is chosen for the user when there is
// only one, or when a data source's page asked for it (?source=).
import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeRecord } from "../../../../testing/data-sources.tsx";
import { makeTask, renderAt, warehousesHandler } from "../../../../testing/tasks.tsx";
import { sessionHandler } from "../../../../testing/session.ts";
import { choose, currentStep, EMPTY_PREVIEW, input, next } from "../../../../testing/wizard.ts";
import { suggestTaskName } from "./wizard-model.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const ARCHIVE = makeRecord({ id: "ds-2", name: "archive", bucket: "archive-bucket", prefix: "", suffix: "" });

let sources = [ORDERS, ARCHIVE];
const server = setupServer(
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: sources })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id", ({ params }) => HttpResponse.json(makeTask({ id: String(params.id) }))),
  http.post("/api/tasks/preview", () => HttpResponse.json(EMPTY_PREVIEW)),
  http.get("/api/warehouse/databases", () => HttpResponse.json({ error: "Databend could not be reached" }, { status: 503 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  sources = [ORDERS, ARCHIVE];
});
afterAll(() => server.close());

const sourceBox = () => screen.getByRole("combobox", { name: "Data source" });

async function open(path = "/data/integration/new") {
  const view = renderAt(path);
  await screen.findByRole("heading", { level: 2, name: /^Step \d of 5: / });
  return view;
}

describe("the task wizard keeps its place and its draft", () => {
  it("writes each step into the address as a history entry of its own", async () => {
    const { user, router } = await open();
    await choose(user, "Data source", /^orders/);
    await next(user);
    expect(currentStep()).toBe("Files");
    await waitFor(() => expect(router.state.location.search).toBe("?step=files"));
    expect(router.state.historyAction).toBe("PUSH");
    await next(user);
    await waitFor(() => expect(router.state.location.search).toBe("?step=preview"));
  });

  it("a refresh at a step shows that step with every edit kept", async () => {
    const first = await open();
    await choose(first.user, "Data source", /^orders/);
    await next(first.user);
    await first.user.clear(input("Object Key Prefix"));
    await first.user.type(input("Object Key Prefix"), "incoming/2026/");
    await waitFor(() => expect(first.router.state.location.search).toBe("?step=files"));
    first.unmount();

    const second = await open("/data/integration/new?step=files");
    expect(currentStep()).toBe("Files");
    expect(input("Object Key Prefix").value).toBe("incoming/2026/");
    expect(input("Object Key Suffix").value).toBe(".csv");
    // Said, with a way to drop it.
    expect(screen.getByText("Your draft is back")).toBeInTheDocument();
    await second.user.click(screen.getByRole("button", { name: "Start over" }));
    expect(currentStep()).toBe("Source");
    expect(sourceBox()).toHaveValue("");
    expect(screen.queryByText("Your draft is back")).not.toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0);
  });

  it("an address naming a later step without a draft starts where something is to fix", async () => {
    const { router } = await open("/data/integration/new?step=review");
    await waitFor(() => expect(currentStep()).toBe("Source"));
    expect(router.state.location.search).toBe("?step=source");
    // Not shown as an error the user made: nothing was typed yet.
    expect(sourceBox()).not.toHaveAttribute("aria-invalid", "true");
  });

  it("the only data source is chosen already, with its scope", async () => {
    sources = [ORDERS];
    const { user } = await open();
    expect(sourceBox()).toHaveValue("orders — s3://orders-bucket/incoming/*.csv");
    expect(screen.getByLabelText("Data source scope")).toHaveTextContent("orders-bucket");
    await next(user);
    expect(currentStep()).toBe("Files");
    expect(input("Object Key Prefix").value).toBe("incoming/");
  });

  it("?source= from a data source's page chooses that source among several", async () => {
    await open("/data/integration/new?source=ds-2");
    expect(sourceBox()).toHaveValue("archive — s3://archive-bucket/*");
  });

  it("several sources and none asked for: the user chooses", async () => {
    await open();
    expect(sourceBox()).toHaveValue("");
  });
});

describe("suggestTaskName", () => {
  it("starts from the table and numbers a name the organization has (in any case)", () => {
    expect(suggestTaskName(" orders ", [])).toBe("load-orders");
    expect(suggestTaskName("orders", ["LOAD-ORDERS", "load-orders-2"])).toBe("load-orders-3");
    expect(suggestTaskName("t".repeat(200), []).length).toBeLessThanOrEqual(128);
  });
});

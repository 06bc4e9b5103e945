// Organization → Alerts: the rules, destinations, open incidents and deliveries in words; Add
// destination with the contract's messages and the signing secret shown once; Send test with its
// outcome under the row; Edit a destination (an empty URL keeps the stored one); Create and edit a rule (kind, thresholds with units, chosen tasks, quiet
// period, destinations), Disable, Delete after confirmation; the log a page at a time and filtered
// (the filters in the address); what a viewer
// sees. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALERT_MESSAGES as M, type AlertDestinationWithSecret, type AlertTestResult } from "#contracts/alerts.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import { sessionAs, sessionHandler } from "../../../testing/session.ts";
import { alertsHandlers, alertsState, makeDelivery, makeDestination, makeRule, renderAt } from "../../../testing/alerts.tsx";

const server = setupServer(sessionHandler());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SECRET = "whsec_" + "A".repeat(43) + "=";

const rowOf = (table: string, text: string) => {
  const rows = within(screen.getByRole("table", { name: table })).getAllByRole("row");
  const row = rows.find((candidate) => candidate.textContent?.includes(text) && within(candidate).queryAllByRole("cell").length > 1);
  if (!row) throw new Error(`No row of ${table} with ${text}`);
  return row;
};
const errorOf = (input: HTMLElement) => {
  const id = (input.getAttribute("aria-describedby") ?? "").split(" ").find((one) => one.endsWith("-error"));
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
};

describe("Alerts page", () => {
  it("shows rules, destinations, open incidents and deliveries in words", async () => {
    const state = alertsState({
      rules: [makeRule(), makeRule({ id: "r-fail", name: "any failure", condition: { kind: "task_failed" }, task_ids: null, quiet_minutes: 0, enabled: false, destination_ids: [], open_incidents: 0 })],
      deliveries: [
        makeDelivery(1),
        makeDelivery(2, { event_type: "test", status: "failed", response_status: 500, attempts: 1, error: "The receiver answered 500 Internal Server Error" }),
      ],
    });
    server.use(...alertsHandlers(state));
    renderAt();
    expect(await screen.findByRole("heading", { level: 1, name: "Alerts" })).toBeInTheDocument();
    await screen.findByRole("table", { name: "Rules" });
    const lag = rowOf("Rules", "orders lagging");
    expect(lag).toHaveTextContent("Lag p95 above 300 s for 10 min");
    expect(lag).toHaveTextContent("load-orders");
    expect(lag).toHaveTextContent("15 min");
    expect(lag).toHaveTextContent("ops-hook");
    expect(lag).toHaveTextContent("Enabled");
    expect(lag).toHaveTextContent("1 open incident");
    const fail = rowOf("Rules", "any failure");
    expect(fail).toHaveTextContent("A task failed");
    expect(fail).toHaveTextContent("All tasks");
    expect(fail).toHaveTextContent("Nowhere (incidents only)");
    expect(fail).toHaveTextContent("Disabled");

    const hook = rowOf("Destinations", "ops-hook");
    expect(hook).toHaveTextContent("Standard Webhooks (signed JSON)");
    expect(hook).toHaveTextContent("https://hooks.example.com/databend/…");
    expect(hook).toHaveTextContent("1 rule");

    const incident = rowOf("Open incidents", "orders lagging");
    expect(incident).toHaveTextContent("Lag p95 was 312 s");
    expect(within(incident).getByRole("link", { name: "load-orders" })).toHaveAttribute("href", "/data/integration/t-orders");

    await screen.findByRole("table", { name: "Deliveries, newest first" });
    const failed = rowOf("Deliveries, newest first", "Test");
    expect(failed).toHaveTextContent("500");
    expect(failed).toHaveTextContent("The receiver answered 500 Internal Server Error");
    expect(failed).toHaveTextContent("Failed");
    expect(rowOf("Deliveries, newest first", "Alert")).toHaveTextContent("Delivered");
  });

  it("adds a destination with the contract's messages, shows its secret once, and sends a test", async () => {
    const state = alertsState({ rules: [], destinations: [], deliveries: [], incidents: [] });
    let created: unknown;
    const tests: AlertTestResult[] = [
      { ok: false, delivery: makeDelivery(0, { event_type: "test", status: "failed", response_status: null, error: "Nothing answers at hooks.example.com:443 (connection refused)" }) },
      { ok: true, delivery: makeDelivery(0, { event_type: "test" }) },
    ];
    server.use(
      ...alertsHandlers(state),
      http.post("/api/alerts/destinations", async ({ request }) => {
        created = await request.json();
        const destination = makeDestination({ id: "d-new", name: "pager", rule_ids: [] });
        state.destinations = [destination];
        return HttpResponse.json({ destination, secret: SECRET } satisfies AlertDestinationWithSecret, { status: 201 });
      }),
      http.post("/api/alerts/destinations/d-new/test", () => HttpResponse.json(tests.shift())),
    );
    const { user } = renderAt();
    expect(await screen.findByText(/No destination yet/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add destination" }));
    const dialog = await screen.findByRole("dialog", { name: "Add destination" });
    await user.click(within(dialog).getByRole("button", { name: "Add destination" }));
    expect(await within(dialog).findByText(M.destinationNameRequired)).toBeInTheDocument();
    expect(within(dialog).getByText(M.urlRequired)).toBeInTheDocument();

    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "pager");
    const url = within(dialog).getByRole("textbox", { name: "URL" });
    await user.type(url, "ftp://hooks.example.com/x");
    await user.click(within(dialog).getByRole("button", { name: "Add destination" }));
    await waitFor(() => expect(errorOf(url)).toBe(M.urlInvalid));
    expect(created).toBeUndefined();
    await user.clear(url);
    await user.type(url, "https://hooks.example.com/databend");
    expect(within(dialog).getByRole("radio", { name: /Standard Webhooks/ })).toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Add destination" }));

    const shown = await screen.findByRole("dialog", { name: 'Signing secret of "pager"' });
    expect(created).toEqual({ name: "pager", url: "https://hooks.example.com/databend", format: "standard" });
    expect(within(shown).getByLabelText("Signing secret")).toHaveTextContent(SECRET);
    expect(shown).toHaveTextContent("It will not be shown again");
    expect(within(shown).getByRole("button", { name: "Copy signing secret" })).toBeInTheDocument();
    await user.click(within(shown).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();

    await waitFor(() => expect(rowOf("Destinations", "pager")).toBeInTheDocument());
    const logReads = state.deliveryPages.length;
    await user.click(within(rowOf("Destinations", "pager")).getByRole("button", { name: "Send test pager" }));
    const refused = await screen.findByRole("alert", { name: "Test not delivered" });
    expect(refused).toHaveTextContent("Nothing answers at hooks.example.com:443 (connection refused)");
    expect(refused).toHaveTextContent("no answer");
    expect(refused.closest("tr")!.previousElementSibling).toBe(rowOf("Destinations", "pager"));
    await user.click(within(rowOf("Destinations", "pager")).getByRole("button", { name: "Send test pager" }));
    expect(await screen.findByRole("status", { name: "Test delivered" })).toHaveTextContent("pager answered HTTP 200.");
    // A test is a delivery: the log is read again at once.
    await waitFor(() => expect(state.deliveryPages.length).toBeGreaterThan(logReads));
  });

  it("rotates a secret after asking, and shows the new one once", async () => {
    const state = alertsState();
    server.use(
      ...alertsHandlers(state),
      http.post("/api/alerts/destinations/d-ops/rotate-secret", () => HttpResponse.json({ destination: makeDestination(), secret: SECRET })),
    );
    const { user } = renderAt();
    await user.click(await screen.findByRole("button", { name: "Rotate secret ops-hook" }));
    const ask = await screen.findByRole("dialog", { name: 'Rotate the signing secret of "ops-hook"?' });
    await user.click(within(ask).getByRole("button", { name: "Rotate secret" }));
    const shown = await screen.findByRole("dialog", { name: 'New signing secret of "ops-hook"' });
    expect(within(shown).getByLabelText("Signing secret")).toHaveTextContent(SECRET);
    expect(shown).toHaveTextContent("It will not be shown again");
  });

  it("creates a rule: its kind's numbers with units, chosen tasks, quiet period and destinations", async () => {
    const state = alertsState({ rules: [] });
    let posted: unknown;
    server.use(
      ...alertsHandlers(state),
      http.post("/api/alerts/rules", async ({ request }) => {
        posted = await request.json();
        state.rules = [makeRule({ id: "r-new", name: "backlog", condition: { kind: "backlog_above", threshold_messages: 5000, for_minutes: 20 } })];
        return HttpResponse.json(state.rules[0], { status: 201 });
      }),
    );
    const { user } = renderAt();
    await user.click(await screen.findByRole("button", { name: "Create rule" }));
    const dialog = await screen.findByRole("dialog", { name: "Create rule" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "backlog");
    // Task failed has no numbers; Backlog above asks for messages and minutes.
    expect(within(dialog).queryByRole("textbox", { name: "For (minutes)" })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("combobox", { name: "Alert when" }));
    await user.click(await screen.findByRole("option", { name: "Backlog above N messages for M minutes", hidden: true }));
    const messages = within(dialog).getByRole("textbox", { name: "Backlog above (messages)" });
    const minutes = within(dialog).getByRole("textbox", { name: "For (minutes)" });
    await user.clear(messages);
    await user.type(messages, "5000");
    await user.clear(minutes);
    await user.click(within(dialog).getByRole("button", { name: "Create rule" }));
    await waitFor(() => expect(errorOf(minutes)).toBe(M.forMinutes));
    await user.type(minutes, "20");

    await user.click(within(dialog).getByRole("radio", { name: "Chosen tasks" }));
    await user.click(within(dialog).getByRole("button", { name: "Create rule" }));
    const chosen = within(dialog).getByRole("combobox", { name: "Tasks to watch" });
    await waitFor(() => expect(errorOf(chosen)).toBe(M.taskIds));
    await user.click(chosen);
    await user.click(await screen.findByRole("option", { name: "load-orders", hidden: true }));
    await user.click(within(dialog).getByRole("textbox", { name: "Name" }));

    const quiet = within(dialog).getByRole("textbox", { name: "Quiet period (minutes)" });
    await user.clear(quiet);
    await user.type(quiet, "30");
    // The organization's one destination is chosen to begin with.
    expect(within(dialog).getByRole("checkbox", { name: /ops-hook/ })).toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Create rule" }));
    expect(await screen.findByText('Created rule "backlog"')).toBeInTheDocument();
    expect(posted).toEqual({
      name: "backlog",
      condition: { kind: "backlog_above", threshold_messages: 5000, for_minutes: 20 },
      task_ids: ["t-orders"],
      quiet_minutes: 30,
      enabled: true,
      destination_ids: ["d-ops"],
    });
    await waitFor(() => expect(rowOf("Rules", "backlog")).toHaveTextContent("Backlog above 5,000 messages for 20 min"));
  });

  it("puts the API's refusal under the field it names", async () => {
    const state = alertsState({ rules: [] });
    server.use(
      ...alertsHandlers(state),
      http.post("/api/alerts/rules", () =>
        HttpResponse.json({ error: "A rule named this exists", fields: { name: 'An alert rule named "dup" exists; choose another name' } }, { status: 400 }),
      ),
    );
    const { user } = renderAt();
    await user.click(await screen.findByRole("button", { name: "Create rule" }));
    const dialog = await screen.findByRole("dialog", { name: "Create rule" });
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    await user.type(name, "dup");
    await user.click(within(dialog).getByRole("button", { name: "Create rule" }));
    await waitFor(() => expect(errorOf(name)).toBe('An alert rule named "dup" exists; choose another name'));
    expect(screen.getByRole("dialog", { name: "Create rule" })).toBeInTheDocument();
  });

  it("edits, disables and deletes a rule (deleting asks first)", async () => {
    const state = alertsState();
    const puts: unknown[] = [];
    let deleted = false;
    server.use(
      ...alertsHandlers(state),
      http.put("/api/alerts/rules/r-lag", async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        puts.push(body);
        state.rules = [{ ...state.rules[0]!, ...body }];
        return HttpResponse.json(state.rules[0]);
      }),
      http.delete("/api/alerts/rules/r-lag", () => {
        deleted = true;
        state.rules = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderAt();
    await user.click(await screen.findByRole("button", { name: "Edit orders lagging" }));
    const dialog = await screen.findByRole("dialog", { name: 'Edit rule "orders lagging"' });
    expect(within(dialog).getByRole("textbox", { name: "Lag p95 above (seconds)" })).toHaveValue("300");
    expect(within(dialog).getByRole("radio", { name: "Chosen tasks" })).toBeChecked();
    await user.click(within(dialog).getByRole("radio", { name: /All tasks/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save rule" }));
    expect(await screen.findByText('Saved rule "orders lagging"')).toBeInTheDocument();
    expect(puts[0]).toMatchObject({ task_ids: null, condition: { kind: "lag_p95_above", threshold_seconds: 300, for_minutes: 10 } });
    await waitFor(() => expect(rowOf("Rules", "orders lagging")).toHaveTextContent("All tasks"));

    await user.click(within(rowOf("Rules", "orders lagging")).getByRole("button", { name: "Disable orders lagging" }));
    await waitFor(() => expect(rowOf("Rules", "orders lagging")).toHaveTextContent("Disabled"));
    expect(puts[1]).toEqual({ enabled: false });

    await user.click(within(rowOf("Rules", "orders lagging")).getByRole("button", { name: "Delete orders lagging" }));
    const ask = await screen.findByRole("dialog", { name: 'Delete rule "orders lagging"?' });
    expect(within(ask).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.click(within(ask).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deleted).toBe(true));
    expect(await screen.findByText(/No rule yet/)).toBeInTheDocument();
  });

  it("pages the delivery log with the API's next_before", async () => {
    const deliveries = Array.from({ length: 25 }, (_, n) => makeDelivery(n, { destination_name: `hook-${n}` }));
    const state = alertsState({ deliveries });
    server.use(...alertsHandlers(state));
    const { user } = renderAt();
    const table = await screen.findByRole("table", { name: "Deliveries, newest first" });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(21));
    expect(screen.getByText(/20 deliveries loaded; older ones on the next page/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Page 2" }));
    await waitFor(() => expect(rowOf("Deliveries, newest first", "hook-24")).toBeInTheDocument());
    expect(state.deliveryPages).toContain("del-19");
    expect(screen.getByText(/25 deliveries loaded, all there are/)).toBeInTheDocument();
  });

  it("edits a destination: an empty URL keeps the stored one, a typed one replaces it, refusals under the field", async () => {
    const state = alertsState();
    const puts: unknown[] = [];
    let release: () => void = () => undefined;
    server.use(
      ...alertsHandlers(state),
      http.put("/api/alerts/destinations/d-ops", async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        puts.push(body);
        if (body.name === "taken") {
          return HttpResponse.json({ error: "exists", fields: { name: 'An alert destination named "taken" exists; choose another name' } }, { status: 409 });
        }
        await new Promise<void>((resolve) => (release = resolve));
        const { url, ...rest } = body;
        state.destinations = [{ ...state.destinations[0]!, ...rest, ...(typeof url === "string" ? { url_hint: "https://hooks.slack.com/services/…" } : {}) }];
        return HttpResponse.json(state.destinations[0]);
      }),
    );
    const { user } = renderAt();
    await user.click(await screen.findByRole("button", { name: "Edit ops-hook" }));
    let dialog = await screen.findByRole("dialog", { name: 'Edit destination "ops-hook"' });
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    const url = within(dialog).getByRole("textbox", { name: "URL" });
    expect(name).toHaveValue("ops-hook");
    expect(url).toHaveValue("");
    expect(url).toHaveAccessibleDescription(/Leave it empty to keep the current URL \(https:\/\/hooks\.example\.com\/databend\/…\)/);
    expect(within(dialog).getByRole("radio", { name: /Standard Webhooks/ })).toBeChecked();

    // A typed URL gets the contract's rules, under the field, and nothing is sent.
    await user.type(url, "ftp://hooks.example.com/x");
    await user.click(within(dialog).getByRole("button", { name: "Save destination" }));
    await waitFor(() => expect(errorOf(url)).toBe(M.urlInvalid));
    expect(puts).toHaveLength(0);

    // The API's refusal lands on the field it names.
    await user.clear(url);
    await user.clear(name);
    await user.type(name, "taken");
    await user.click(within(dialog).getByRole("button", { name: "Save destination" }));
    await waitFor(() => expect(errorOf(name)).toBe('An alert destination named "taken" exists; choose another name'));

    // Renamed with the URL left empty: the PUT leaves `url` out, so the stored one is kept; progress while it runs.
    await user.clear(name);
    await user.type(name, "pager");
    await user.click(within(dialog).getByRole("button", { name: "Save destination" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Save destination" })).toHaveAttribute("data-loading", "true"));
    release();
    expect(await screen.findByText('Saved destination "pager"')).toBeInTheDocument();
    expect(puts[1]).toEqual({ name: "pager", format: "standard" });
    await waitFor(() => expect(rowOf("Destinations", "pager")).toHaveTextContent("https://hooks.example.com/databend/…"));

    // A new URL (a regenerated Slack webhook) and format: sent, and the row shows its hint.
    await user.click(within(rowOf("Destinations", "pager")).getByRole("button", { name: "Edit pager" }));
    dialog = await screen.findByRole("dialog", { name: 'Edit destination "pager"' });
    await user.type(within(dialog).getByRole("textbox", { name: "URL" }), "  https://hooks.slack.com/services/T0/B0/new  ");
    await user.click(within(dialog).getByRole("radio", { name: /Slack incoming webhook/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save destination" }));
    await waitFor(() => expect(puts).toHaveLength(3));
    release();
    expect(puts[2]).toEqual({ name: "pager", url: "https://hooks.slack.com/services/T0/B0/new", format: "slack" });
    await waitFor(() => expect(rowOf("Destinations", "pager")).toHaveTextContent("https://hooks.slack.com/services/…"));
    expect(rowOf("Destinations", "pager")).toHaveTextContent("Slack incoming webhook");
  });

  it("filters the delivery log by destination, event and status, the filters kept in the address", async () => {
    const state = alertsState({
      destinations: [makeDestination(), makeDestination({ id: "d-pager", name: "pager", rule_ids: [] })],
      deliveries: [
        makeDelivery(1, { destination_id: "d-pager", destination_name: "pager", event_type: "test", status: "failed", response_status: 500, error: "The receiver answered 500" }),
        makeDelivery(2, { event_type: "test" }),
        makeDelivery(3),
      ],
    });
    server.use(...alertsHandlers(state));
    const { user, router } = renderAt("/org/alerts?status=failed");
    const status = await screen.findByRole("combobox", { name: "Status" });
    expect(status).toHaveValue("Failed");
    await waitFor(() => expect(rowOf("Deliveries, newest first", "pager")).toHaveTextContent("500"));
    expect(within(screen.getByRole("table", { name: "Deliveries, newest first" })).getAllByRole("row")).toHaveLength(2);
    expect(state.deliveryQueries.at(-1)).toContain("status=failed");
    expect(screen.getByText(/1 matching delivery loaded, all there are/)).toBeInTheDocument();

    // Clear the status, then choose ops-hook and Test: the API is asked with both.
    await user.click(screen.getByRole("button", { name: "Clear the status filter" }));
    await waitFor(() => expect(router.state.location.search).toBe(""));
    await user.click(screen.getByRole("combobox", { name: "Destination" }));
    await user.click(await screen.findByRole("option", { name: "ops-hook", hidden: true }));
    await user.click(screen.getByRole("combobox", { name: "Event" }));
    await user.click(await screen.findByRole("option", { name: "Test", hidden: true }));
    await waitFor(() => expect(router.state.location.search).toBe("?destination_id=d-ops&event_type=test"));
    await waitFor(() => expect(state.deliveryQueries.at(-1)).toContain("destination_id=d-ops&event_type=test"));
    await waitFor(() => expect(within(screen.getByRole("table", { name: "Deliveries, newest first" })).getAllByRole("row")).toHaveLength(2));
    expect(rowOf("Deliveries, newest first", "ops-hook")).toHaveTextContent("Test");

    // Nothing matches: the log says so, and how to widen it.
    await user.click(screen.getByRole("combobox", { name: "Status" }));
    await user.click(await screen.findByRole("option", { name: "Sending", hidden: true }));
    expect(await screen.findByText("No delivery matches these filters. Clear a filter to see the others.")).toBeInTheDocument();
  });

  it("shows a viewer everything read-only, each change saying why", async () => {
    server.use(...alertsHandlers(alertsState()), sessionHandler(sessionAs("viewer")));
    renderAt();
    await screen.findByRole("table", { name: "Rules" });
    const reason = whyNotAllowed("viewer", "admin");
    for (const name of ["Create rule", "Add destination"]) {
      const button = await screen.findByRole("button", { name });
      expect(button).toHaveAttribute("aria-disabled", "true");
      expect(button).toHaveAccessibleDescription(reason);
    }
    for (const name of ["Edit orders lagging", "Disable orders lagging", "Delete orders lagging"]) {
      expect(within(rowOf("Rules", "orders lagging")).getByRole("button", { name })).toHaveAccessibleDescription(reason);
    }
    for (const name of ["Edit ops-hook", "Send test ops-hook", "Rotate secret ops-hook", "Delete ops-hook"]) {
      expect(within(rowOf("Destinations", "ops-hook")).getByRole("button", { name })).toHaveAccessibleDescription(reason);
    }
  });
});

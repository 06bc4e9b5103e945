// Issue 17, item 1 on Create Data Source: typed values are kept in the tab (a refresh, Back and
// Forward find them), the platform-decided External ID and a queue URL's query are not stored,
// Start over drops the draft, and leaving with edits asks first.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ORG, renderAt } from "../../../testing/data-sources.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(sessionHandler(), http.get("/api/org", () => HttpResponse.json(ORG)));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const NEW = "/data/sources/new";
const field = (label: string) => screen.getByRole("textbox", { name: label }) as HTMLInputElement;

async function openForm() {
  const view = renderAt(NEW);
  await screen.findByLabelText("Queue URL");
  return view;
}

function stored(): Record<string, string> {
  const key = Object.keys(window.sessionStorage).find((k) => k.endsWith(":new-data-source"));
  return key ? (JSON.parse(window.sessionStorage.getItem(key)!) as Record<string, string>) : {};
}

describe("Create Data Source keeps a draft", () => {
  it("a new render (a refresh, Forward) fills the typed values in again, and says so", async () => {
    const first = await openForm();
    await first.user.type(field("Name"), "orders");
    await first.user.type(field("Queue URL"), "https://sqs.us-east-1.amazonaws.com/123456789012/orders?X-Amz-Security-Token=abc");
    await first.user.type(field("Bucket"), "orders-bucket");
    await waitFor(() => expect(stored().bucket).toBe("orders-bucket"));
    expect(stored().queue_url).toBe("https://sqs.us-east-1.amazonaws.com/123456789012/orders");
    expect(stored()).not.toHaveProperty("external_id");
    first.unmount();

    const second = await openForm();
    await waitFor(() => expect(field("Name").value).toBe("orders"));
    expect(field("Bucket").value).toBe("orders-bucket");
    expect(field("External ID").value).toBe(ORG.org_id);
    expect(screen.getByText("Your draft is back")).toBeInTheDocument();
    await second.user.click(screen.getByRole("button", { name: "Start over" }));
    expect(field("Name").value).toBe("");
    expect(window.sessionStorage.length).toBe(0);
  });

  it("leaving with edits asks first; Stay keeps them", async () => {
    const { user, router } = await openForm();
    await user.type(field("Name"), "orders");
    void router.navigate("/data/sources");
    const dialog = await screen.findByRole("dialog", { name: "Leave without creating the data source?" });
    await user.click(within(dialog).getByRole("button", { name: "Stay" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(router.state.location.pathname).toBe("/data/sources/new");
    expect(field("Name").value).toBe("orders");
  });

  it("without edits, leaving does not ask", async () => {
    const { router } = await openForm();
    void router.navigate("/data/sources");
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources"));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});

// The AWS setup panel beside the form (a wide screen: the media query below answers as one):
// documents follow the typed values, parse as the seed's JSON, and copy to the clipboard; stacked
// (narrow), it sits between the fields and Test Connectivity with its steps collapsed. msw stands in
// for the API because a component test has no server.
// (That the steps start collapsed on a saved source's page is in data-source-detail-page.test.tsx.)
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ORG, renderAt, VALID } from "../../../testing/data-sources.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  sessionHandler(),
  http.get("/api/org", () => HttpResponse.json(ORG)),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// jsdom has no layout: answer the form's "wide screen" query (Mantine's lg) as a browser would.
const { matchMedia } = window;
let wide = true;
beforeEach(() => {
  wide = true;
  window.matchMedia = (query: string) => ({ ...matchMedia(query), matches: wide && query === "(min-width: 75em)" });
});
afterEach(() => {
  window.matchMedia = matchMedia;
});

function documentText(panel: HTMLElement, title: string): string {
  return within(panel).getByLabelText(title).textContent ?? "";
}

describe("AWS setup panel", () => {
  it("shows placeholders first, then documents for the typed values", async () => {
    const { user } = renderAt("/data/sources/new?type=amazon_sqs_s3_iam_role");
    const panel = await screen.findByRole("complementary", { name: "AWS setup" });
    expect(JSON.parse(documentText(panel, "permissions-policy.json")).Statement[0].Resource).toBe("arn:aws:s3:::<bucket>");

    await user.type(screen.getByLabelText("Queue URL"), VALID.queue_url);
    await user.type(screen.getByLabelText("Bucket"), "orders-bucket");
    await user.type(screen.getByLabelText("Object Key Suffix"), ".csv");

    const queueArn = "arn:aws:sqs:us-east-1:123456789012:orders-events";
    expect(JSON.parse(documentText(panel, "bucket-notification.json"))).toEqual({
      QueueConfigurations: [
        {
          Id: "orders-events",
          QueueArn: queueArn,
          Events: ["s3:ObjectCreated:*"],
          Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".csv" }] } },
        },
      ],
    });
    const trust = JSON.parse(documentText(panel, "trust-policy.json"));
    expect(trust.Statement.map((s: { Principal: { AWS: string } }) => s.Principal.AWS)).toEqual([
      ORG.platform_setup_role_arn,
      ORG.platform_load_role_arn,
    ]);
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { "sts:ExternalId": "local-org" } });
    const queuePolicy = JSON.parse(documentText(panel, "queue-policy.json"));
    expect(queuePolicy.Statement[0].Resource).toBe(queueArn);
    expect(queuePolicy.Statement[0].Condition.ArnLike["aws:SourceArn"]).toBe("arn:aws:s3:::orders-bucket");
    expect(documentText(panel, "Create the queue")).toBe(
      "aws sqs create-queue \\\n  --region us-east-1 \\\n  --queue-name orders-events",
    );
  });

  it("opens every step while creating, each document and command with a copy button", async () => {
    renderAt("/data/sources/new?type=amazon_sqs_s3_iam_role");
    const panel = await screen.findByRole("complementary", { name: "AWS setup" });
    const steps = within(panel).getAllByRole("button", { name: /^Step \d/ });
    expect(steps).toHaveLength(6);
    for (const step of steps) expect(step).toHaveAttribute("aria-expanded", "true");
    const blocks = panel.querySelectorAll("figure");
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    for (const block of blocks) expect(within(block as HTMLElement).getByRole("button", { name: /^Copy / })).toBeInTheDocument();
    // No FIFO queue is ever offered (S3 cannot notify one).
    expect(panel.textContent).not.toMatch(/create-queue[^\n]*\.fifo/);
  });

  it("never offers to create a FIFO queue for a .fifo Queue URL, and says why", async () => {
    const { user } = renderAt("/data/sources/new?type=amazon_sqs_s3_iam_role");
    const panel = await screen.findByRole("complementary", { name: "AWS setup" });
    await user.type(screen.getByLabelText("Queue URL"), "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo");
    expect(documentText(panel, "Create the queue")).toBe(
      "aws sqs create-queue \\\n  --region us-east-1 \\\n  --queue-name '<queue-name>'",
    );
    expect(panel).toHaveTextContent("S3 event notifications cannot target FIFO queues");
    for (const block of panel.querySelectorAll("figure")) expect(block.textContent).not.toMatch(/\.fifo/);
  });

  it("copies a document and confirms it", async () => {
    const { user } = renderAt("/data/sources/new?type=amazon_sqs_s3_iam_role");
    const panel = await screen.findByRole("complementary", { name: "AWS setup" });
    await user.type(screen.getByLabelText("Bucket"), "orders-bucket");
    const copy = within(panel).getByRole("button", { name: "Copy permissions-policy.json" });
    await user.click(copy);
    expect(copy).toHaveTextContent("Copied");
    expect(within(panel).getByRole("button", { name: "Copied permissions-policy.json" })).toBe(copy);
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe(documentText(panel, "permissions-policy.json"));
    expect(JSON.parse(copied).Statement[1].Resource).toBe("arn:aws:s3:::orders-bucket/*");
    await waitFor(() => expect(copy).toHaveTextContent("Copy"), { timeout: 4000 });
  });

  it("stacked on a narrow screen, sits between the fields and Test Connectivity with its steps collapsed", async () => {
    wide = false;
    renderAt("/data/sources/new?type=amazon_sqs_s3_iam_role");
    const panel = await screen.findByRole("complementary", { name: "AWS setup" });
    const follows = (a: Node, b: Node) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    expect(follows(screen.getByLabelText("Object Key Suffix"), panel), "after the last field").toBe(true);
    expect(follows(panel, screen.getByRole("button", { name: "Test Connectivity" })), "before Test Connectivity").toBe(true);
    expect(follows(panel, screen.getByRole("button", { name: "OK" })), "before OK").toBe(true);
    // OK still submits the form it stands outside of.
    expect(screen.getByRole("button", { name: "OK" })).toHaveAttribute("form", screen.getByRole("form", { name: "Data source" }).id);
    const steps = within(panel).getAllByRole("button", { name: /^Step \d/ });
    expect(steps).toHaveLength(6);
    for (const step of steps) expect(step).toHaveAttribute("aria-expanded", "false");
  });
});

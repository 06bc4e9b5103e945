// Helpers for the data-source component tests: fixtures, a router over the feature's routes, and
// streamed test responses. The tests use msw to stand in for the API (a component test has no server).
import { HttpResponse } from "msw";
import type { RouteObject } from "react-router";
import { renderRoutes } from "./render-routes.tsx";
import type { OrgInfo } from "#contracts/api.ts";
import { CHECK_IDS, type CheckResult, type TestEvent } from "#contracts/connectivity.ts";
import { DATA_SOURCE_TYPE, type DataSourceRecord } from "#contracts/data-source.ts";
import { dataSourceRoutes } from "../features/data-sources/routes.tsx";

export const ORG: OrgInfo = {
  org_id: "local-org",
  platform_setup_role_arn: "arn:aws:iam::111111111111:role/platform-setup",
  platform_load_role_arn: "arn:aws:iam::111111111111:role/platform-load",
};

export const VALID = {
  name: "orders",
  queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-events",
  queue_region: "us-east-1",
  role_arn: "arn:aws:iam::123456789012:role/databend-reader",
  bucket: "orders-bucket",
  prefix: "incoming/",
  suffix: ".csv",
};

export function makeRecord(overrides: Partial<DataSourceRecord> = {}): DataSourceRecord {
  return {
    id: "ds-1",
    type: DATA_SOURCE_TYPE,
    ...VALID,
    external_id: ORG.org_id,
    created_at: "2026-01-02T10:00:00.000Z",
    updated_at: "2026-01-02T10:00:00.000Z",
    last_test: null,
    used_by: [],
    ...overrides,
  };
}

export const ALL_PASS: CheckResult[] = CHECK_IDS.map((id) => ({ id, status: "pass", message: `${id} ok` }));

/** An NDJSON response whose events the test sends one at a time, while the UI renders. */
export function streamedResponse() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    response: () => new HttpResponse(stream, { headers: { "content-type": "application/x-ndjson" } }),
    send(event: TestEvent) {
      controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
    },
    close() {
      controller.close();
    },
  };
}

/** A complete NDJSON test response with the given checks. */
export function testResponse(checks: CheckResult[] = ALL_PASS) {
  const events: TestEvent[] = [
    ...checks.flatMap((check): TestEvent[] => [
      { event: "running", id: check.id },
      { event: "result", check },
    ]),
    {
      event: "done",
      result: { ok: checks.every((c) => c.status !== "fail"), checks, tested_at: "2026-01-03T09:00:00.000Z" },
    },
  ];
  return new HttpResponse(events.map((event) => JSON.stringify(event)).join("\n") + "\n", {
    headers: { "content-type": "application/x-ndjson" },
  });
}

/** Renders the feature's routes (or the given ones) at `path`; the tasks page is a stub. */
export function renderAt(path: string, routes: RouteObject[] = dataSourceRoutes) {
  return renderRoutes(path, [...routes, { path: "data/integration/*", element: <h1>Data Integration</h1> }]);
}

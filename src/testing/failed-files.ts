// Failed-files fixtures for the task component tests (built on the contract's types) and the msw
// handler that answers the task page's list when a test is not about it.
import { http, HttpResponse } from "msw";
import type { FailedFile, FailedFilesPage } from "#contracts/failed-files.ts";

export function makeFailedFile(overrides: Partial<FailedFile> = {}): FailedFile {
  return {
    id: "ff-1",
    task_id: "t-1",
    bucket: "orders-bucket",
    key: "incoming/bad.csv",
    version_id: null,
    etag: "0123456789abcdef0123456789abcdef",
    size: 42,
    error_class: "file",
    error_code: 1046,
    error_code_name: "BadBytes",
    error: "The file has a value its column cannot hold: line 3, column amount, value \"abc\". Fix the object and retry it.",
    detail: "fail to decode column 1 (amount Int32): invalid text for number at line 3",
    file: "incoming/bad.csv",
    line: 3,
    column: "amount",
    value: "abc",
    attempts: 3,
    first_failed_at: "2026-01-03T10:20:00.000Z",
    last_failed_at: "2026-01-03T10:25:00.000Z",
    state: "failed",
    dismiss_reason: null,
    dismissed_by: null,
    dismissed_at: null,
    cleared_at: null,
    event_name: "ObjectCreated:Put",
    event_time: "2026-01-03T10:19:59.000Z",
    ...overrides,
  };
}

export function makeFailedFilesPage(items: FailedFile[] = [], overrides: Partial<FailedFilesPage> = {}): FailedFilesPage {
  const count = (state: FailedFile["state"]) => items.filter((f) => f.state === state).length;
  return {
    items,
    total: items.length,
    next_cursor: null,
    counts: { failed: count("failed"), retrying: count("retrying"), dismissed: count("dismissed"), cleared: count("cleared") },
    errors: items.length ? [{ error_code: 1046, error_code_name: "BadBytes", count: items.length }] : [],
    ...overrides,
  };
}

/** GET /api/tasks/:id/failed-files answering no files (for tests about other parts of the task page). */
export const noFailedFilesHandler = () => http.get("/api/tasks/:id/failed-files", () => HttpResponse.json(makeFailedFilesPage()));

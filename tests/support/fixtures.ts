// Task and run records for tests, built on the contract's types (no DOM, no React), so contract,
// component and server tests share one fixture.
import type { DataSourceInput } from "#contracts/data-source.ts";
import { ACTIVITY_MINUTES, type TaskActivity } from "#contracts/task-activity.ts";
import { fileFormatSchema, type TaskRecord, type TaskRun } from "#contracts/task.ts";

/** A data source as an operator enters it (the store and API tests' one fixture). */
export function makeDataSourceInput(externalId: string, overrides: Partial<DataSourceInput> = {}): DataSourceInput {
  return {
    name: "orders",
    queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders",
    queue_region: "us-east-1",
    role_arn: "arn:aws:iam::000000000000:role/databend",
    external_id: externalId,
    bucket: "orders-bucket",
    prefix: "in/",
    suffix: ".csv",
    ...overrides,
  };
}

export function makeTask(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: "t-1",
    name: "load-orders",
    data_source_id: "ds-1",
    data_source_name: "orders",
    file_format: fileFormatSchema.parse({ type: "csv" }),
    prefix: "incoming/",
    suffix: ".csv",
    target: { database: "default", table: "orders" },
    warehouse_id: "wh-1",
    on_error: "abort",
    purge: false,
    reconcile_every_minutes: null,
    desired_state: "stopped",
    status: "stopped",
    status_reason: null,
    status_reason_detail: null,
    heartbeat_at: null,
    worker_id: null,
    last_error: null,
    last_error_detail: null,
    last_batch_at: null,
    counters: {
      messages_received: 0,
      messages_deleted: 0,
      messages_skipped: 0,
      objects_loaded: 0,
      objects_duplicate: 0,
      objects_empty: 0,
      objects_failed: 0,
      rows_loaded: 0,
      errors: 0,
      copy_statements: 0,
      batches: 0,
    },
    created_at: "2026-01-02T10:00:00.000Z",
    updated_at: "2026-01-02T10:00:00.000Z",
    ...overrides,
  };
}

export function makeRun(overrides: Partial<TaskRun> = {}): TaskRun {
  return {
    id: "r-1",
    task_id: "t-1",
    worker_id: "worker-a",
    started_at: "2026-01-03T09:00:00.000Z",
    ended_at: "2026-01-03T09:00:04.200Z",
    status: "succeeded",
    messages: 3,
    messages_deleted: 3,
    messages_skipped: 0,
    objects_loaded: 3,
    objects_duplicate: 0,
    objects_empty: 0,
    objects_failed: 0,
    rows_loaded: 120,
    copy_statements: 1,
    skipped: [],
    errors: [],
    more_skipped: 0,
    more_errors: 0,
    lag: { objects: 3, p50_ms: 1800, p95_ms: 2400, max_ms: 2400 },
    ...overrides,
  };
}

/** Renders the task routes at `path` with fresh query state; data source pages are stubs. */

/**
 * A task's activity: an empty hour ending at `now` (zeros every minute), no lag and an empty
 * queue, unless overridden; `loads` puts objects and rows into minutes counted back from the
 * current one (0 = the current minute).
 */
export function makeActivity(
  overrides: Partial<TaskActivity> = {},
  loads: { minutesAgo: number; objects: number; rows: number }[] = [],
  now = Date.UTC(2026, 0, 3, 10, 30, 20),
): TaskActivity {
  const current = Math.floor(now / 60_000) * 60_000;
  const minutes = Array.from({ length: ACTIVITY_MINUTES }, (_, i) => {
    const minutesAgo = ACTIVITY_MINUTES - 1 - i;
    const load = loads.find((l) => l.minutesAgo === minutesAgo);
    return { minute: new Date(current - minutesAgo * 60_000).toISOString(), objects_loaded: load?.objects ?? 0, rows_loaded: load?.rows ?? 0 };
  });
  return {
    backlog: { visible: 0, in_flight: 0, checked_at: new Date(now).toISOString(), dead_letter: { status: "none" } },
    lag: { p50_ms: null, p95_ms: null, max_ms: null, objects: 0, batches: 0, since: null, relative_accuracy: 0.01 },
    throughput: {
      minutes,
      objects_loaded: minutes.reduce((n, m) => n + m.objects_loaded, 0),
      rows_loaded: minutes.reduce((n, m) => n + m.rows_loaded, 0),
    },
    ...overrides,
  };
}

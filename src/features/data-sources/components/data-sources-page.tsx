import { Link, useNavigate } from "react-router";
import { parseQueueUrl } from "#contracts/aws-names.ts";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { SortableHeader, useSortedRows } from "../../../lib/sortable-table.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { useDataSources } from "../api/get-data-sources.ts";

type Column = "name" | "bucket" | "scope" | "queue" | "last_test" | "created";

const COLUMNS: { key: Column; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "bucket", label: "Bucket" },
  { key: "scope", label: "Prefix / Suffix" },
  { key: "queue", label: "Queue" },
  { key: "last_test", label: "Last test" },
  { key: "created", label: "Created" },
];

function queueName(source: DataSourceRecord): string {
  return parseQueueUrl(source.queue_url)?.queueName ?? source.queue_url;
}

function sortValue(source: DataSourceRecord, column: Column): string | number {
  switch (column) {
    case "name":
      return source.name;
    case "bucket":
      return source.bucket;
    case "scope":
      return `${source.prefix}\u0000${source.suffix}`;
    case "queue":
      return `${queueName(source)}\u0000${source.queue_region}`;
    case "last_test": {
      // Never tested, then failed, then passed; within each, by time.
      if (!source.last_test) return 0;
      return (source.last_test.ok ? 2e13 : 1e13) + (Date.parse(source.last_test.tested_at) || 0);
    }
    case "created":
      return Date.parse(source.created_at) || 0;
  }
}

export function LastTest({ test }: { test: DataSourceRecord["last_test"] }) {
  if (!test) return <span className="muted">Not tested</span>;
  const warnings = test.checks.some((check) => check.status === "warn");
  return (
    <span className="last-test">
      <StatusBadge
        status={test.ok ? (warnings ? "warn" : "pass") : "fail"}
        text={test.ok ? (warnings ? "Passed with warnings" : "Passed") : "Failed"}
      />{" "}
      <time className="muted" dateTime={test.tested_at}>
        {formatDateTime(test.tested_at)}
      </time>
    </span>
  );
}

export function Scope({ prefix, suffix }: { prefix: string; suffix: string }) {
  if (!prefix && !suffix) return <span className="muted">All objects</span>;
  return (
    <span className="scope">
      {prefix ? (
        <span>
          <span className="muted">prefix </span>
          <code>{prefix}</code>
        </span>
      ) : null}
      {suffix ? (
        <span>
          <span className="muted">suffix </span>
          <code>{suffix}</code>
        </span>
      ) : null}
    </span>
  );
}

function CreateButton() {
  const navigate = useNavigate();
  return (
    <button type="button" className="primary" onClick={() => void navigate("/data/sources/new")}>
      Create Data Source
    </button>
  );
}

export function DataSourcesPage() {
  const sources = useDataSources();
  const items = sources.data ?? [];
  const { sorted, sort, toggle } = useSortedRows<DataSourceRecord, Column>(items, sortValue, { key: "created", direction: "descending" });

  return (
    <section className="page">
      <div className="page-header">
        <div>
          <h1>Data Sources</h1>
          <p className="page-lede">Connections Databend uses to read your data. Integration tasks load data from them.</p>
        </div>
        {/* One Create Data Source at a time: the empty state carries its own. */}
        {sources.isSuccess && items.length === 0 ? null : <CreateButton />}
      </div>

      {sources.isPending ? (
        <p role="status" className="loading">
          <span className="spinner" aria-hidden="true" /> Loading data sources…
        </p>
      ) : sources.isError ? (
        <div role="alert" className="alert alert-error">
          <p>Could not load data sources: {sources.error.message}</p>
          <button type="button" onClick={() => void sources.refetch()}>
            Retry
          </button>
        </div>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <h2>No data sources yet</h2>
          <p>
            A data source stores how Databend reaches your AWS account: the SQS queue that receives S3 ObjectCreated
            events, the bucket, and the IAM role Databend assumes with your External ID. It consumes nothing by itself;
            an integration task uses it to load new objects into a table.
          </p>
          <CreateButton />
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">Data sources, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label} ({sort.direction})</caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <SortableHeader key={column.key} column={column.key} label={column.label} sort={sort} onSort={toggle} />
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((source) => (
                <tr key={source.id}>
                  <td>
                    <Link to={`/data/sources/${encodeURIComponent(source.id)}`}>{source.name}</Link>
                  </td>
                  <td>
                    <code>{source.bucket}</code>
                  </td>
                  <td>
                    <Scope prefix={source.prefix} suffix={source.suffix} />
                  </td>
                  <td>
                    <span title={source.queue_url}>{queueName(source)}</span>
                    <br />
                    <span className="muted">{source.queue_region}</span>
                  </td>
                  <td>
                    <LastTest test={source.last_test} />
                  </td>
                  <td>
                    <time dateTime={source.created_at}>{formatDateTime(source.created_at)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

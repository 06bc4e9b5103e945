import { useId, useState } from "react";
import { Link, useParams } from "react-router";
import { DATA_SOURCE_FIELDS, DATA_SOURCE_TYPE_LABEL, FIELD_LABELS } from "#contracts/data-source.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { useOrg } from "../../../lib/use-org.ts";
import { useDataSource } from "../api/get-data-source.ts";
import { AwsSetupPanel } from "./aws-setup-panel.tsx";
import { CheckList, summarize } from "./connectivity-checks.tsx";
import { DeleteDataSourceDialog } from "./delete-data-source-dialog.tsx";
import { Breadcrumbs, Loading, LoadError } from "./page-states.tsx";

export function DataSourceDetailPage() {
  const id = useParams().id ?? "";
  const source = useDataSource(id);
  const org = useOrg();
  const [confirming, setConfirming] = useState(false);
  const ids = { blocked: useId(), config: useId(), test: useId(), usedBy: useId() };

  if (source.isPending) {
    return (
      <section className="page">
        <Loading what="the data source" />
      </section>
    );
  }
  if (source.isError) {
    return (
      <section className="page">
        <Breadcrumbs trail={[{ label: "Data Sources", to: "/data/sources" }, { label: id }]} />
        <LoadError error={source.error} what="data source" retry={() => void source.refetch()} />
      </section>
    );
  }

  const record = source.data;
  const inUse = record.used_by.length > 0;
  return (
    <section className="page">
      <Breadcrumbs trail={[{ label: "Data Sources", to: "/data/sources" }, { label: record.name }]} />
      <div className="page-header">
        <div>
          <h1>{record.name}</h1>
          <p className="page-lede">{DATA_SOURCE_TYPE_LABEL}</p>
        </div>
        <div className="page-actions">
          <Link className="button" to={`/data/sources/${encodeURIComponent(record.id)}/edit`}>
            Edit
          </Link>
          <button
            type="button"
            className="danger"
            disabled={inUse}
            aria-describedby={inUse ? ids.blocked : undefined}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      </div>
      {inUse ? (
        <p id={ids.blocked} className="alert alert-info">
          Delete is unavailable: this data source is used by{" "}
          {record.used_by.map((task) => task.name).join(", ")}. Delete those tasks or switch them to another data
          source first.
        </p>
      ) : null}

      <div className="form-layout">
        <div className="detail-main">
          <section className="panel" aria-labelledby={ids.config}>
            <h2 id={ids.config}>Configuration</h2>
            <dl className="detail-list">
              {DATA_SOURCE_FIELDS.map((field) => (
                <div key={field}>
                  <dt>{FIELD_LABELS[field].label}</dt>
                  <dd>
                    {record[field] ? <code>{record[field]}</code> : <span className="muted">Not set (all objects)</span>}
                  </dd>
                </div>
              ))}
              <div>
                <dt>Created</dt>
                <dd>
                  <time dateTime={record.created_at}>{formatDateTime(record.created_at)}</time>
                </dd>
              </div>
              <div>
                <dt>Updated</dt>
                <dd>
                  <time dateTime={record.updated_at}>{formatDateTime(record.updated_at)}</time>
                </dd>
              </div>
            </dl>
          </section>

          <section className="panel" aria-labelledby={ids.test}>
            <h2 id={ids.test}>Last connectivity test</h2>
            {record.last_test ? (
              <>
                <p className={`test-summary ${record.last_test.ok ? "is-pass" : "is-fail"}`}>
                  {summarize(record.last_test.checks, record.last_test.ok)}{" "}
                  <span className="muted">
                    Tested <time dateTime={record.last_test.tested_at}>{formatDateTime(record.last_test.tested_at)}</time>.
                  </span>
                </p>
                <CheckList checks={record.last_test.checks} />
              </>
            ) : (
              <p className="muted">Not tested yet. Edit the data source to run Test Connectivity.</p>
            )}
          </section>

          <section className="panel" aria-labelledby={ids.usedBy}>
            <h2 id={ids.usedBy}>Used by</h2>
            {inUse ? (
              <ul className="used-by" aria-label="Integration tasks using this data source">
                {record.used_by.map((task) => (
                  <li key={task.id}>
                    <Link to={`/data/integration/${encodeURIComponent(task.id)}`}>{task.name}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No integration task uses this data source yet.</p>
            )}
          </section>
        </div>
        <AwsSetupPanel values={record} org={org.data} />
      </div>

      {confirming ? <DeleteDataSourceDialog source={record} onClose={() => setConfirming(false)} /> : null}
    </section>
  );
}

import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { useOrg } from "../../../lib/use-org.ts";
import { useCreateDataSource } from "../api/create-data-source.ts";
import { DATA_SOURCE_TYPES, dataSourceType, type DataSourceTypeDescriptor } from "../data-source-types.ts";
import { DataSourceForm } from "./data-source-form.tsx";
import { Breadcrumbs, Loading, LoadError } from "./page-states.tsx";

/** Step 1: choose the service type. Each type is a link, so Back returns to the choice. */
function TypePicker() {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Choose a service type</h2>
      <ul className="type-list">
        {DATA_SOURCE_TYPES.map((descriptor) => (
          <TypeCard key={descriptor.type} descriptor={descriptor} />
        ))}
      </ul>
    </section>
  );
}

function TypeCard({ descriptor }: { descriptor: DataSourceTypeDescriptor }) {
  const descriptionId = useId();
  return (
    <li className="type-card">
      <span className="type-provider" aria-hidden="true">
        {descriptor.provider}
      </span>
      <Link to={`?type=${encodeURIComponent(descriptor.type)}`} aria-describedby={descriptionId} className="type-link">
        {descriptor.label}
      </Link>
      <p id={descriptionId} className="muted">
        {descriptor.description}
      </p>
    </li>
  );
}

export function CreateDataSourcePage({ testTimeoutMs }: { testTimeoutMs?: number } = {}) {
  const [params] = useSearchParams();
  const type = dataSourceType(params.get("type"));
  const org = useOrg();
  const create = useCreateDataSource();

  return (
    <section className="page">
      <Breadcrumbs trail={[{ label: "Data Sources", to: "/data/sources" }, { label: "Create Data Source" }]} />
      <h1>Create Data Source</h1>
      {!type ? (
        <TypePicker />
      ) : (
        <>
          <p className="type-chosen">
            Service type: <strong>{type.label}</strong> <Link to="/data/sources/new">Change</Link>
          </p>
          {org.isPending ? (
            <Loading what="your organization" />
          ) : org.isError ? (
            <LoadError error={org.error} what="organization information" retry={() => void org.refetch()} />
          ) : (
            <DataSourceForm org={org.data} onSave={(input) => create.mutateAsync(input)} testTimeoutMs={testTimeoutMs} />
          )}
        </>
      )}
    </section>
  );
}

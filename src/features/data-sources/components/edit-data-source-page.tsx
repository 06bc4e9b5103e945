// Edit a data source: the same form, prefilled; renaming saves at once, a changed connection needs a test.
import { useParams } from "react-router";
import { PageHeader } from "../../../lib/page-states.tsx";
import { useOrg } from "../../../lib/use-org.ts";
import { useDataSource } from "../api/get-data-source.ts";
import { useUpdateDataSource } from "../api/update-data-source.ts";
import { DataSourceForm } from "./data-source-form.tsx";
import { Loading, LoadError } from "./page-states.tsx";

export function EditDataSourcePage({ testTimeoutMs }: { testTimeoutMs?: number } = {}) {
  const id = useParams().id ?? "";
  const source = useDataSource(id);
  const org = useOrg();
  const update = useUpdateDataSource(id);

  return (
    <>
      <PageHeader
        title={`Edit ${source.data ? source.data.name : "data source"}`}
        trail={[
          { label: "Data Sources", to: "/data/sources" },
          { label: source.data?.name ?? id, to: `/data/sources/${encodeURIComponent(id)}` },
          { label: "Edit" },
        ]}
        lede={source.data ? "Renaming saves right away. Changing any connection value needs a passing Test Connectivity first." : undefined}
      />
      {source.isPending || org.isPending ? (
        <Loading what="the data source" />
      ) : source.isError ? (
        <LoadError error={source.error} what="data source" retry={() => void source.refetch()} />
      ) : org.isError ? (
        <LoadError error={org.error} what="organization information" retry={() => void org.refetch()} />
      ) : (
        // Keyed by id so another source's values never leak into this form.
        <DataSourceForm
          key={source.data.id}
          org={org.data}
          record={source.data}
          onSave={(input) => update.mutateAsync(input)}
          testTimeoutMs={testTimeoutMs}
        />
      )}
    </>
  );
}

export function DataSourcesPage() {
  return (
    <section className="page">
      <h1>Data Sources</h1>
      <div className="empty-state">
        <p>
          A data source stores how Databend reaches your AWS account: the SQS queue that receives S3
          ObjectCreated events, the bucket, and the IAM role Databend assumes. It consumes nothing by
          itself.
        </p>
      </div>
    </section>
  );
}

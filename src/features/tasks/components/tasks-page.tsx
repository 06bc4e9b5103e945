export function TasksPage() {
  return (
    <section className="page">
      <h1>Data Integration</h1>
      <div className="empty-state">
        <p>
          Integration tasks read S3 ObjectCreated events from a data source's queue and load each new
          object into a Databend table. No tasks yet.
        </p>
      </div>
    </section>
  );
}

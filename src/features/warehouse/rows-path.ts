// Where a table's rows are shown ("See the rows"): /warehouse/:db/:table?warehouse=<id>. The task page
// and the wizard's Target step link here; the warehouse left out is the organization's default.
export function rowsPath({ db, table, warehouse }: { db: string; table: string; warehouse: string | null }): string {
  const path = `/warehouse/${encodeURIComponent(db)}/${encodeURIComponent(table)}`;
  return warehouse ? `${path}?warehouse=${encodeURIComponent(warehouse)}` : path;
}

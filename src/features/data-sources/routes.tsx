import { DataSourcesPage } from "./components/data-sources-page.tsx";

export const dataSourceRoutes = [{ path: "data/sources", element: <DataSourcesPage /> }];

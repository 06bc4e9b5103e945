import type { RouteObject } from "react-router";
import { CreateDataSourcePage } from "./components/create-data-source-page.tsx";
import { DataSourceDetailPage } from "./components/data-source-detail-page.tsx";
import { DataSourcesPage } from "./components/data-sources-page.tsx";
import { EditDataSourcePage } from "./components/edit-data-source-page.tsx";

export const dataSourceRoutes: RouteObject[] = [
  { path: "data/sources", element: <DataSourcesPage /> },
  { path: "data/sources/new", element: <CreateDataSourcePage /> },
  { path: "data/sources/:id", element: <DataSourceDetailPage /> },
  { path: "data/sources/:id/edit", element: <EditDataSourcePage /> },
];

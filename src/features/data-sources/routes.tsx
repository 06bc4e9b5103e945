// Each page is its own chunk, loaded when first visited (the layout's Suspense shows progress).
import { lazy } from "react";
import type { RouteObject } from "react-router";

const DataSourcesPage = lazy(() =>
  import("./components/data-sources-page.tsx").then((m) => ({ default: m.DataSourcesPage })),
);
const CreateDataSourcePage = lazy(() =>
  import("./components/create-data-source-page.tsx").then((m) => ({ default: m.CreateDataSourcePage })),
);
const DataSourceDetailPage = lazy(() =>
  import("./components/data-source-detail-page.tsx").then((m) => ({ default: m.DataSourceDetailPage })),
);
const EditDataSourcePage = lazy(() =>
  import("./components/edit-data-source-page.tsx").then((m) => ({ default: m.EditDataSourcePage })),
);

export const dataSourceRoutes: RouteObject[] = [
  { path: "data/sources", element: <DataSourcesPage /> },
  { path: "data/sources/new", element: <CreateDataSourcePage /> },
  { path: "data/sources/:id", element: <DataSourceDetailPage /> },
  { path: "data/sources/:id/edit", element: <EditDataSourcePage /> },
];

// Each page is its own chunk, loaded when first visited (the layout's Suspense shows progress).
import { lazy } from "react";
import type { RouteObject } from "react-router";
import { RequireAccess } from "../../lib/require-access.tsx";

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

const BACK = { to: "/data/sources", label: "Data Sources" };

export const dataSourceRoutes: RouteObject[] = [
  { path: "data/sources", element: <DataSourcesPage /> },
  // A viewer who opens a form's address sees why they cannot use it, not a form that cannot save.
  {
    path: "data/sources/new",
    element: (
      <RequireAccess access="operate" back={BACK}>
        <CreateDataSourcePage />
      </RequireAccess>
    ),
  },
  { path: "data/sources/:id", element: <DataSourceDetailPage /> },
  {
    path: "data/sources/:id/edit",
    element: (
      <RequireAccess access="operate" back={BACK}>
        <EditDataSourcePage />
      </RequireAccess>
    ),
  },
];

import { Anchor, Text } from "@mantine/core";
import { createBrowserRouter, Link, Navigate, RouterProvider } from "react-router";
import { PageHeader } from "../lib/page-states.tsx";
import { AppLayout } from "./layout.tsx";
import { PublicLayout } from "./public-layout.tsx";
import { dataSourceRoutes } from "../features/data-sources/routes.tsx";
import { RequireSession } from "../features/session/components/require-session.tsx";
import { sessionRoutes } from "../features/session/routes.tsx";
import { taskRoutes } from "../features/tasks/routes.tsx";
import { adminRoutes } from "../features/admin/routes.tsx";
import { alertRoutes } from "../features/alerts/routes.tsx";
import { warehouseRoutes } from "../features/warehouse/routes.tsx";

export const routes = [
  // Sign-in, first-run setup and invitations: reachable without a session.
  { path: "/", element: <PublicLayout />, children: sessionRoutes },
  {
    path: "/",
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="/data/sources" replace /> },
      ...dataSourceRoutes,
      ...taskRoutes,
      ...adminRoutes,
      ...alertRoutes,
      ...warehouseRoutes,
      { path: "*", element: <NotFound /> },
    ],
  },
];

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        Go to{" "}
        <Anchor component={Link} to="/data/sources">
          Data Sources
        </Anchor>
        .
      </Text>
    </>
  );
}

export function AppRouter() {
  return <RouterProvider router={createBrowserRouter(routes)} />;
}

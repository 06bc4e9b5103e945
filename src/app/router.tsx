import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { AppLayout } from "./layout.tsx";
import { dataSourceRoutes } from "../features/data-sources/routes.tsx";
import { taskRoutes } from "../features/tasks/routes.tsx";

export const routes = [
  {
    path: "/",
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/data/sources" replace /> },
      ...dataSourceRoutes,
      ...taskRoutes,
      { path: "*", element: <NotFound /> },
    ],
  },
];

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        Go to <a href="/data/sources">Data Sources</a>.
      </p>
    </section>
  );
}

export function AppRouter() {
  return <RouterProvider router={createBrowserRouter(routes)} />;
}

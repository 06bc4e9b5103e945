// Test support: renders routes in a memory router with fresh query state (no retries), the way
// the app provides them (signed-in pages behind RequireSession, so GET /api/session must be
// answered: see session.test-support.ts), and a user-event session to drive them.
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { Suspense } from "react";
import { createMemoryRouter, Outlet, RouterProvider, type RouteObject } from "react-router";
import { AppProviders } from "../app/providers.tsx";
import { RequireSession } from "../features/session/components/require-session.tsx";

const SIGN_IN_STUB: RouteObject = { path: "sign-in", element: <h1>Sign in page</h1> };

export function renderRoutes(path: string, routes: RouteObject[], { publicRoutes = [SIGN_IN_STUB] }: { publicRoutes?: RouteObject[] } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  // Pages are lazy chunks, as in the app; Suspense stands in for the layout's.
  const frame = (
    <Suspense fallback={<p role="status">Loading page…</p>}>
      <Outlet />
    </Suspense>
  );
  const router = createMemoryRouter(
    [
      { path: "/", element: frame, children: publicRoutes },
      { path: "/", element: <RequireSession>{frame}</RequireSession>, children: routes },
    ],
    { initialEntries: [path] },
  );
  const user = userEvent.setup();
  const view = render(
    <AppProviders client={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, user, router, queryClient };
}

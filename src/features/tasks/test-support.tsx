// Helpers for the task component tests: fixtures built on the contract's types and a router over
// the feature's routes. The tests use msw to stand in for the API (a component test has no server).
import { renderRoutes } from "../../render-routes.test-support.tsx";
import { taskRoutes } from "./routes.tsx";

export { makeRun, makeTask } from "#contracts/test-fixtures.ts";

export function renderAt(path: string) {
  return renderRoutes(path, [...taskRoutes, { path: "data/sources/:id", element: <h1>Data source page</h1> }]);
}

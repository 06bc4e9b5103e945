// Each page is its own chunk, loaded when first visited (the layout's Suspense shows progress).
import { lazy } from "react";
import type { RouteObject } from "react-router";
import { RequireAccess } from "../../lib/require-access.tsx";
import { TASKS_ROOT } from "./task-state.ts";

const TasksPage = lazy(() => import("./components/tasks-page.tsx").then((m) => ({ default: m.TasksPage })));
const CreateTaskPage = lazy(() =>
  import("./components/create-task-page.tsx").then((m) => ({ default: m.CreateTaskPage })),
);
const TaskDetailPage = lazy(() =>
  import("./components/task-detail-page.tsx").then((m) => ({ default: m.TaskDetailPage })),
);
const EditTaskPage = lazy(() => import("./components/edit-task-page.tsx").then((m) => ({ default: m.EditTaskPage })));

const BACK = { to: TASKS_ROOT.to, label: TASKS_ROOT.label };

export const taskRoutes: RouteObject[] = [
  { path: "data/integration", element: <TasksPage /> },
  // A viewer who opens a form's address sees why they cannot use it, not a form that cannot save.
  {
    path: "data/integration/new",
    element: (
      <RequireAccess access="operate" back={BACK}>
        <CreateTaskPage />
      </RequireAccess>
    ),
  },
  { path: "data/integration/:id", element: <TaskDetailPage /> },
  {
    path: "data/integration/:id/edit",
    element: (
      <RequireAccess access="operate" back={BACK}>
        <EditTaskPage />
      </RequireAccess>
    ),
  },
];

// Each page is its own chunk, loaded when first visited (the layout's Suspense shows progress).
import { lazy } from "react";
import type { RouteObject } from "react-router";

const TasksPage = lazy(() => import("./components/tasks-page.tsx").then((m) => ({ default: m.TasksPage })));
const CreateTaskPage = lazy(() =>
  import("./components/create-task-page.tsx").then((m) => ({ default: m.CreateTaskPage })),
);
const TaskDetailPage = lazy(() =>
  import("./components/task-detail-page.tsx").then((m) => ({ default: m.TaskDetailPage })),
);
const EditTaskPage = lazy(() => import("./components/edit-task-page.tsx").then((m) => ({ default: m.EditTaskPage })));

export const taskRoutes: RouteObject[] = [
  { path: "data/integration", element: <TasksPage /> },
  { path: "data/integration/new", element: <CreateTaskPage /> },
  { path: "data/integration/:id", element: <TaskDetailPage /> },
  { path: "data/integration/:id/edit", element: <EditTaskPage /> },
];

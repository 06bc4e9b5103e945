import type { RouteObject } from "react-router";
import { CreateTaskPage } from "./components/create-task-page.tsx";
import { TaskDetailPage } from "./components/task-detail-page.tsx";
import { TasksPage } from "./components/tasks-page.tsx";

export const taskRoutes: RouteObject[] = [
  { path: "data/integration", element: <TasksPage /> },
  { path: "data/integration/new", element: <CreateTaskPage /> },
  { path: "data/integration/:id", element: <TaskDetailPage /> },
];

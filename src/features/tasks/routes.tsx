import { TasksPage } from "./components/tasks-page.tsx";

export const taskRoutes = [{ path: "data/integration", element: <TasksPage /> }];

// What other features may use of the tasks feature: the list query.
export { useTasks } from "./api/get-tasks.ts";

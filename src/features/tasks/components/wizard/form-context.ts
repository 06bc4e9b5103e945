// The wizard's form as its steps see it (one react-hook-form over all four steps).
import { useFormContext } from "react-hook-form";
import type { SourceScope, TaskFormValues, TaskInput } from "#contracts/task.ts";

export function useTaskForm() {
  return useFormContext<TaskFormValues, SourceScope | undefined, TaskInput>();
}

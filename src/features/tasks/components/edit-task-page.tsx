// Edit a stopped task: the create wizard, filled from the record, saving with PUT. A task meant to
// run cannot be changed (the API answers 409), so the page says to stop it instead of a form.
import { Alert, Anchor } from "@mantine/core";
import { Link, useParams } from "react-router";
import { Loading, LoadError, PageHeader } from "../../../lib/page-states.tsx";
import { useDataSources } from "../../data-sources/public.ts";
import { useTask } from "../api/get-task.ts";
import { TASKS_ROOT, taskPath } from "../task-state.ts";
import { EDIT_BLOCKED } from "./task-actions.tsx";
import { TaskWizard } from "./wizard/task-wizard.tsx";

export function EditTaskPage() {
  const id = useParams().id ?? "";
  const task = useTask(id);
  const sources = useDataSources();
  const name = task.data?.name ?? id;
  const trail = [TASKS_ROOT, { label: name, to: taskPath(id) }, { label: "Edit" }];

  let body;
  if (task.isPending || sources.isPending) body = <Loading what="the task" />;
  else if (task.isError) body = <LoadError error={task.error} what="task" retry={() => void task.refetch()} back={TASKS_ROOT} />;
  else if (sources.isError) {
    body = <LoadError error={sources.error} what="data sources" retry={() => void sources.refetch()} back={TASKS_ROOT} />;
  } else if (task.data.desired_state === "running") {
    body = (
      <Alert color="blue" variant="light" title={EDIT_BLOCKED}>
        The task is running; its settings can change only while it is stopped.{" "}
        <Anchor component={Link} to={taskPath(id)} size="sm">
          Back to the task
        </Anchor>
      </Alert>
    );
  } else {
    body = <TaskWizard key={task.data.id} sources={sources.data} task={task.data} />;
  }

  return (
    <>
      <PageHeader title={`Edit ${name}`} lede="Change the task's settings; they apply the next time it starts." trail={trail} />
      {body}
    </>
  );
}

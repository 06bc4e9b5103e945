// The shared page states (src/lib/page-states.tsx), with "not found" leading back to Data Sources.
import type { ComponentProps } from "react";
import { LoadError as SharedLoadError } from "../../../lib/page-states.tsx";

export { Breadcrumbs, Loading } from "../../../lib/page-states.tsx";

export function LoadError(props: Omit<ComponentProps<typeof SharedLoadError>, "back">) {
  return <SharedLoadError {...props} back={{ to: "/data/sources", label: "Data Sources" }} />;
}

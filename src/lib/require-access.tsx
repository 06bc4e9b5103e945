// A page only some roles may use (create and edit forms): others see why instead of a form they
// could fill in but never save.
import { Alert, Anchor } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Access } from "#contracts/roles.ts";
import { PageHeader } from "./page-states.tsx";
import { useCan } from "./use-can.ts";

export function RequireAccess({
  access,
  back,
  children,
}: {
  access: Access;
  /** Where to go instead, e.g. the list the form belongs to. */
  back: { to: string; label: string };
  children: ReactNode;
}) {
  const can = useCan(access);
  if (can.allowed) return children;
  return (
    <>
      <PageHeader title="Your role cannot make changes here" />
      <Alert color="blue" variant="light" maw={720}>
        {can.reason}.{" "}
        <Anchor component={Link} to={back.to} size="sm">
          Back to {back.label}
        </Anchor>
      </Alert>
    </>
  );
}

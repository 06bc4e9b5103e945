// Page pieces shared by the console's features: the page header (h1 that takes focus on
// navigation), loading, a failed load (404 or other), breadcrumbs.
import { Anchor, Breadcrumbs as MantineBreadcrumbs, Button, Group, Loader, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ApiRequestError } from "./api-client.ts";
import { ErrorAlert } from "./error-detail.tsx";

export function Loading({ what }: { what: string }) {
  return (
    <Group role="status" gap="xs" c="dimmed" py="md">
      <Loader size="xs" aria-hidden="true" />
      <Text size="sm">Loading {what}…</Text>
    </Group>
  );
}

/** A failed query: "not found" for 404 with a link back to `back`, otherwise the error with a retry. */
export function LoadError({
  error,
  what,
  retry,
  back,
}: {
  error: Error;
  what: string;
  retry: () => void;
  back: { to: string; label: string };
}) {
  if (error instanceof ApiRequestError && error.status === 404) {
    return (
      <ErrorAlert title={`This ${what} does not exist`} message="It may have been deleted.">
        {/* The alert's own text colour, underlined: the theme's blue on its red tint is below AA contrast. */}
        <Anchor component={Link} to={back.to} size="sm" c="inherit" underline="always">
          Back to {back.label}
        </Anchor>
      </ErrorAlert>
    );
  }
  return (
    <ErrorAlert
      title={`Could not load the ${what}`}
      message={error.message}
      detail={error instanceof ApiRequestError ? error.detail : undefined}
    >
      <Group>
        <Button variant="default" size="xs" onClick={retry}>
          Retry
        </Button>
      </Group>
    </ErrorAlert>
  );
}

export function Breadcrumbs({ trail }: { trail: { label: string; to?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb">
      <MantineBreadcrumbs separator="/" separatorMargin={6} mb="xs" style={{ flexWrap: "wrap" }}>
        {trail.map((step, index) =>
          step.to ? (
            <Anchor key={index} component={Link} to={step.to} size="sm">
              {step.label}
            </Anchor>
          ) : (
            <Text key={index} size="sm" c="dimmed" aria-current="page">
              {step.label}
            </Text>
          ),
        )}
      </MantineBreadcrumbs>
    </nav>
  );
}

/**
 * A page's heading row: breadcrumbs, the h1 (focusable so navigation can move focus to it), an
 * optional lede, and actions that wrap under the title on a narrow screen.
 */
export function PageHeader({
  title,
  lede,
  trail,
  actions,
}: {
  title: ReactNode;
  lede?: ReactNode;
  trail?: { label: string; to?: string }[];
  actions?: ReactNode;
}) {
  return (
    <Stack gap={4} mb="md">
      {trail ? <Breadcrumbs trail={trail} /> : null}
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: "1 1 16rem" }}>
          <Title order={1} size="h2" tabIndex={-1} style={{ overflowWrap: "anywhere" }}>
            {title}
          </Title>
          {lede ? (
            <Text c="dimmed" size="sm">
              {lede}
            </Text>
          ) : null}
        </Stack>
        {actions ? <Group gap="xs">{actions}</Group> : null}
      </Group>
    </Stack>
  );
}

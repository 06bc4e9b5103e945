// Pieces the organization's pages share: the role badge, the role choice (with what each role may
// do), a failed load that says "only admins" in the API's own words for a 403, and a date cell.
import { Badge, Modal, Radio, Stack, Text } from "@mantine/core";
import { useState, type ReactNode, type Ref } from "react";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from "#contracts/roles.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { LoadError } from "../../../lib/page-states.tsx";
import { Controller, type Control, type FieldPath, type FieldValues } from "react-hook-form";

const ROLE_COLOR: Record<Role, string> = { admin: "grape", operator: "blue", viewer: "gray" };

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge
      color={ROLE_COLOR[role]}
      variant="light"
      // As StatusBadge: body-coloured words on the tint keep AA contrast; the tint is the second cue.
      c="var(--mantine-color-text)"
      radius="sm"
      tt="none"
      fw={600}
      // Never cut to "Op…" when a narrow table squeezes its column: the badge keeps its word's width.
      miw="max-content"
      style={{ flexShrink: 0, overflow: "visible" }}
      styles={{ label: { overflow: "visible", textOverflow: "clip" } }}
    >
      {ROLE_LABELS[role]}
    </Badge>
  );
}

/** Admin, Operator, Viewer as radio buttons, each with what it may do. */
export function RoleField({
  value,
  onChange,
  onBlur,
  error,
  inputRef,
  label = "Role",
  description,
}: {
  value: Role | undefined;
  onChange: (role: Role) => void;
  onBlur?: () => void;
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
  label?: string;
  description?: string;
}) {
  return (
    <Radio.Group
      label={label}
      description={description}
      value={value ?? null}
      onChange={(next) => onChange(next as Role)}
      error={error}
      withAsterisk
    >
      <Stack gap="sm" mt="xs">
        {ROLES.map((role, index) => (
          <Radio
            key={role}
            ref={index === 0 ? inputRef : undefined}
            value={role}
            label={ROLE_LABELS[role]}
            description={ROLE_DESCRIPTIONS[role]}
            onBlur={onBlur}
          />
        ))}
      </Stack>
    </Radio.Group>
  );
}

/** The API refused the caller's role (403): not an admin of this organization. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 403;
}

/** A 403 is said in the API's words (whyNotAllowed: "Only an organization's admins…"); no retry helps. */
export function AdminLoadError({ error, what, retry }: { error: Error; what: string; retry: () => void }) {
  if (isForbidden(error)) {
    return <ErrorAlert title={`You cannot see the ${what}`} message={error.message} />;
  }
  return <LoadError error={error} what={what} retry={retry} back={{ to: "/data/sources", label: "Data Sources" }} />;
}

export function DateCell({ iso }: { iso: string }) {
  return (
    <Text size="sm" span style={{ whiteSpace: "nowrap" }}>
      <time dateTime={iso}>{formatDateTime(iso)}</time>
    </Text>
  );
}

/** The role field of a react-hook-form form (the invite and create-key modals). */
export function RoleController<T extends FieldValues>({ control, name, description }: { control: Control<T>; name: FieldPath<T>; description?: string }) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <RoleField
          value={field.value as Role | undefined}
          onChange={field.onChange}
          onBlur={field.onBlur}
          inputRef={field.ref}
          error={fieldState.error?.message}
          {...(description ? { description } : {})}
        />
      )}
    />
  );
}

/**
 * A modal whose form makes a secret (an API key, an invitation link) and then shows it once. The
 * secret lives only in this modal's state, so closing it forgets the secret for good, and a stray
 * click outside cannot close it while it is shown.
 */
export function ShownOnceModal<T>({
  opened,
  onClose,
  title,
  form,
  shown,
}: {
  opened: boolean;
  onClose: () => void;
  title: (created: T | null) => string;
  form: (onCreated: (created: T) => void, onCancel: () => void) => ReactNode;
  shown: (created: T, onDone: () => void) => ReactNode;
}) {
  const [created, setCreated] = useState<T | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={title(created)}
      closeButtonProps={{ "aria-label": "Close" }}
      closeOnClickOutside={!created}
      size="lg"
    >
      {created ? shown(created, close) : form(setCreated, close)}
    </Modal>
  );
}

// Add or edit a warehouse connection: Name, Host, Port, User, Password (write-only: on edit it is
// empty and left out unless typed), Database, Use TLS, Make default; the rules and messages are the
// contract's (zodResolver on warehouseConnectionInputSchema). Test connection tries the form's values
// before anything is saved; the API's refusal of a save is shown in the modal, on its fields when it
// names them.
import { zodResolver } from "@hookform/resolvers/zod";
import { Button, Checkbox, Group, Modal, NumberInput, PasswordInput, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import {
  warehouseConnectionInputSchema,
  type WarehouseConnection,
  type WarehouseConnectionFormValues,
  type WarehouseConnectionInput,
  type WarehouseConnectionUpdate,
} from "#contracts/warehouse-connection.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { testSavedWarehouse, testWarehouseInput } from "../api/test-warehouse.ts";
import { useCreateWarehouse, useUpdateWarehouse } from "../api/warehouses.ts";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";
import { runTest, WarehouseTestOutcome, type TestState } from "./warehouse-test-result.tsx";

const FIELDS = ["name", "host", "port", "user", "password", "database", "tls", "is_default"] as const;
type FieldName = (typeof FIELDS)[number];

export const KEEP_PASSWORD = "Leave empty to keep the stored password";
/** Why a changed connection cannot be tested with the stored password: it is never sent back to the console. */
export const PASSWORD_TO_TEST =
  "Enter the password to test changed settings: the stored one never leaves the server, so it is tested only with the saved settings";

const EMPTY: WarehouseConnectionFormValues = {
  name: "",
  host: "",
  port: 8000,
  user: "",
  password: "",
  database: "default",
  tls: false,
  is_default: false,
};

function valuesOf(warehouse: WarehouseConnection): WarehouseConnectionFormValues {
  const { name, host, port, user, database, tls, is_default } = warehouse;
  return { name, host, port, user, password: "", database, tls, is_default };
}

/** The same place to connect to (host, port, user, database, TLS) as the saved warehouse. */
function sameConnection(input: WarehouseConnectionInput, saved: WarehouseConnection): boolean {
  return (
    input.host === saved.host && input.port === saved.port && input.user === saved.user && input.database === saved.database && input.tls === saved.tls
  );
}

/** A PUT body: an empty password is left out (kept), and so is "default" on the default (it stays so). */
export function updateOf(input: WarehouseConnectionInput, saved: WarehouseConnection): WarehouseConnectionUpdate {
  const { password, is_default, ...rest } = input;
  return { ...rest, ...(password === "" ? {} : { password }), ...(saved.is_default ? {} : { is_default }) };
}

/** `warehouse` null: Add warehouse; a warehouse: Edit it. Closed while `opened` is false. */
export function WarehouseFormModal({
  opened,
  warehouse,
  first,
  onClose,
}: {
  opened: boolean;
  warehouse: WarehouseConnection | null;
  /** No warehouse exists yet: this one becomes the default whatever Make default says. */
  first: boolean;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={warehouse ? `Edit warehouse "${warehouse.name}"` : "Add warehouse"}
      closeButtonProps={{ "aria-label": "Close" }}
      size="lg"
    >
      {/* Keyed, so each warehouse opens with its own values and no earlier test result. */}
      {opened ? <WarehouseForm key={warehouse?.id ?? "new"} warehouse={warehouse} first={first} onDone={onClose} /> : null}
    </Modal>
  );
}

function WarehouseForm({ warehouse, first, onDone }: { warehouse: WarehouseConnection | null; first: boolean; onDone: () => void }) {
  const create = useCreateWarehouse();
  const update = useUpdateWarehouse();
  const [sentence, setSentence] = useState<string | null>(null);
  const [test, setTest] = useState<TestState | null>(null);
  const form = useForm<WarehouseConnectionFormValues, unknown, WarehouseConnectionInput>({
    resolver: zodResolver(warehouseConnectionInputSchema),
    mode: "onTouched",
    defaultValues: warehouse ? valuesOf(warehouse) : EMPTY,
  });
  const { register, control, formState, setError, handleSubmit } = form;
  const errors = formState.errors;
  const putOnFields = (error: unknown) =>
    fieldErrorsOrSentence(error, FIELDS, (field, message) => setError(field as FieldName, { type: "server", message }));

  const save = handleSubmit(async (input) => {
    setSentence(null);
    try {
      const saved = warehouse
        ? await update.mutateAsync({ id: warehouse.id, update: updateOf(input, warehouse) })
        : await create.mutateAsync(input);
      notifySuccess(warehouse ? `Saved warehouse "${saved.name}"` : `Added warehouse "${saved.name}"`);
      onDone();
    } catch (error) {
      setSentence(putOnFields(error));
    }
  });

  // Test connection checks the same rules as saving first, then tries the values as typed.
  const testForm = handleSubmit(async (input) => {
    setSentence(null);
    if (warehouse && input.password === "" && warehouse.has_password && !sameConnection(input, warehouse)) {
      setError("password", { type: "test", message: PASSWORD_TO_TEST }, { shouldFocus: true });
      return;
    }
    const viaSaved = warehouse !== null && input.password === "" && warehouse.has_password;
    await runTest(() => (viaSaved ? testSavedWarehouse(warehouse.id) : testWarehouseInput(input)), (state) => {
      if (state.phase === "refused") {
        const unnamed = putOnFields(state.error);
        if (unnamed === null) return setTest(null);
      }
      setTest(state);
    });
  });

  const pending = create.isPending || update.isPending;
  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-label={warehouse ? "Edit warehouse" : "Add warehouse"}>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="How tasks and pages name this warehouse, like production."
          autoComplete="off"
          withAsterisk
          data-autofocus
          error={errors.name?.message}
          {...register("name")}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <TextInput
            label="Host"
            description="Without https:// or a port."
            placeholder="databend.example.com"
            autoComplete="off"
            withAsterisk
            error={errors.host?.message}
            style={{ gridColumn: "span 2" }}
            {...register("host")}
          />
          <Controller
            control={control}
            name="port"
            render={({ field, fieldState }) => (
              <NumberInput
                ref={field.ref}
                name={field.name}
                label="Port"
                description="8000, or 443 with TLS."
                withAsterisk
                allowDecimal={false}
                allowNegative={false}
                value={typeof field.value === "number" || typeof field.value === "string" ? field.value : ""}
                onChange={field.onChange}
                onBlur={field.onBlur}
                error={fieldState.error?.message}
              />
            )}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput label="User" autoComplete="off" withAsterisk error={errors.user?.message} {...register("user")} />
          <PasswordInput
            label="Password"
            description={warehouse?.has_password ? KEEP_PASSWORD : "Write-only: stored encrypted, never shown again."}
            autoComplete="new-password"
            error={errors.password?.message}
            {...register("password")}
          />
        </SimpleGrid>
        <TextInput
          label="Database"
          description="The database the connection opens; tasks may load into any database this user can write."
          autoComplete="off"
          withAsterisk
          error={errors.database?.message}
          maw={420}
          {...register("database")}
        />
        <Controller
          control={control}
          name="tls"
          render={({ field }) => (
            <Checkbox
              ref={field.ref}
              label="Use TLS"
              description="HTTPS to the warehouse: on for Databend Cloud, off for a local databend-query."
              checked={field.value ?? false}
              onChange={(event) => field.onChange(event.currentTarget.checked)}
            />
          )}
        />
        <Controller
          control={control}
          name="is_default"
          render={({ field }) => (
            <Checkbox
              ref={field.ref}
              label="Make default"
              description={
                warehouse?.is_default
                  ? "This is the organization's default; make another warehouse the default to change that."
                  : first
                    ? "The first warehouse is always the default."
                    : "Tasks that name no warehouse load into the default."
              }
              disabled={Boolean(warehouse?.is_default) || first}
              checked={Boolean(warehouse?.is_default) || first || (field.value ?? false)}
              onChange={(event) => field.onChange(event.currentTarget.checked)}
            />
          )}
        />
        {test ? <WarehouseTestOutcome state={test} name={form.getValues("name") || "the warehouse"} /> : null}
        {sentence ? <ErrorAlert title={warehouse ? "Could not save the warehouse" : "Could not add the warehouse"} message={sentence} /> : null}
      </Stack>
      <Group justify="space-between" mt="md" gap="xs">
        <Button variant="default" onClick={() => void testForm()} loading={test?.phase === "running"} disabled={pending}>
          Test connection
        </Button>
        <ModalActions submit={warehouse ? "Save warehouse" : "Add warehouse"} pending={pending} onCancel={onDone} />
      </Group>
    </form>
  );
}

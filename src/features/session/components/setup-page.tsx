// First run: the first organization and its admin, with the one-time token from the link `npm start`
// printed (`/setup#token=…`; a fragment never reaches a server log). Then signed in, on to the
// data sources. Once someone has set the console up (the API's sign-in options say setup is no
// longer needed), the link is spent: the page says so and offers sign-in instead of a form that
// could only be refused.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useLocation, useNavigate } from "react-router";
import { IDENTITY_MESSAGES, PASSWORD_MIN_LENGTH, setupInputSchema, type SetupInput } from "#contracts/identity.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { HOME } from "../../../lib/session.ts";
import { setUp } from "../api/first-run.ts";
import { useForgetEverything, useSignInOptions } from "../api/sign-in.ts";

type Failure = { kind: "token" | "done" | "other"; message: string; detail?: string | undefined };

function tokenFrom(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
}

export function SetupPage() {
  const options = useSignInOptions();
  if (options.isPending) return <Loading what="the setup" />;
  // If the options cannot be read, the form stays: the API's answer to it says what is wrong.
  if (options.data && !options.data.setup_needed) return <AlreadySetUp />;
  return <SetupForm />;
}

function AlreadySetUp() {
  return (
    <>
      <PageHeader title="Already set up" lede="This console has its first organization and admin." />
      <Stack gap="md" align="flex-start">
        <Text size="sm">
          This setup link has already been used, so it no longer works. Sign in with your account, or ask an admin of
          your organization for an invitation.
        </Text>
        <Button component={Link} to="/sign-in">
          Sign in
        </Button>
      </Stack>
    </>
  );
}

function SetupForm() {
  const token = tokenFrom(useLocation().hash);
  const navigate = useNavigate();
  const forget = useForgetEverything();
  const [failure, setFailure] = useState<Failure | null>(null);
  const { register, handleSubmit, formState, setError } = useForm<SetupInput>({
    resolver: zodResolver(setupInputSchema),
    defaultValues: { token, organization_name: "", name: "", email: "", password: "" },
  });

  async function onValid(input: SetupInput) {
    setFailure(null);
    try {
      await setUp(input);
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      if (error.status === 403) return setFailure({ kind: "token", message: error.message });
      if (error.status === 409) return setFailure({ kind: "done", message: error.message });
      for (const [field, message] of Object.entries(error.fields)) {
        if (field !== "token") setError(field as keyof SetupInput, { message });
      }
      return setFailure({ kind: "other", message: error.message, detail: error.detail });
    }
    forget();
    await navigate(HOME, { replace: true });
  }

  return (
    <>
      <PageHeader title="Set up this console" lede="Create the first organization and its admin account. You can invite others afterwards." />
      {!token ? (
        <Alert color="blue" variant="light" mb="md" title="The setup link is missing its token">
          <Text size="sm">{IDENTITY_MESSAGES.setupTokenRequired}.</Text>
        </Alert>
      ) : null}
      <form noValidate onSubmit={handleSubmit(onValid)} aria-label="Set up">
        <Stack gap="sm">
          <TextInput {...register("organization_name")} label="Organization name" autoComplete="organization" error={formState.errors.organization_name?.message} />
          <TextInput {...register("name")} label="Your name" autoComplete="name" error={formState.errors.name?.message} />
          <TextInput {...register("email")} label="Email" type="email" autoComplete="username" error={formState.errors.email?.message} />
          <PasswordInput
            {...register("password")}
            label="Password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters`}
            autoComplete="new-password"
            error={formState.errors.password?.message}
          />
          {failure?.kind === "token" || formState.errors.token ? (
            <ErrorAlert title="This setup link is not valid" message={failure?.message ?? formState.errors.token?.message} />
          ) : null}
          {failure?.kind === "done" ? (
            <ErrorAlert title="Already set up" message={failure.message}>
              <Anchor component={Link} to="/sign-in" size="sm">
                Go to sign in
              </Anchor>
            </ErrorAlert>
          ) : null}
          {failure?.kind === "other" ? <ErrorAlert title="Could not set up the console" message={failure.message} detail={failure.detail} /> : null}
          <Button type="submit" loading={formState.isSubmitting}>
            Create organization
          </Button>
        </Stack>
      </form>
    </>
  );
}

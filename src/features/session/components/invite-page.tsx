// Accept an invitation (the link is the secret): what one is joining, then a name and a password;
// the API signs the new member in, and on to the data sources. Someone who already has an account
// joins while signed in as it (the API checks that it is the invitation's email).
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate, useParams } from "react-router";
import { acceptInvitationInputSchema, PASSWORD_MIN_LENGTH } from "#contracts/identity.ts";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "#contracts/roles.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { HOME } from "../../../lib/session.ts";
import { acceptInvitation, useInvitation, type AcceptInvitationInput } from "../api/first-run.ts";
import { useForgetEverything } from "../api/sign-in.ts";

export const INVITATION_GONE = "This invitation is not valid anymore; ask the admin for a new one";

function Gone() {
  return (
    <Alert color="blue" variant="light" title="Invitation not valid">
      <Text size="sm">
        {INVITATION_GONE}.{" "}
        <Anchor component={Link} to="/sign-in" size="sm">
          Go to sign in
        </Anchor>
      </Text>
    </Alert>
  );
}

function JoinWithAccount({ id, email, organizationName, onJoined }: { id: string; email: string; organizationName: string; onJoined: () => Promise<void> }) {
  const [failure, setFailure] = useState<ApiRequestError | null>(null);
  const [busy, setBusy] = useState(false);
  async function join() {
    setFailure(null);
    setBusy(true);
    try {
      await acceptInvitation(id, {});
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      setBusy(false);
      return setFailure(error);
    }
    await onJoined();
  }
  const signIn = `/sign-in?next=${encodeURIComponent(`/invite/${id}`)}`;
  return (
    <Stack gap="sm">
      <Text size="sm">
        <strong>{email}</strong> already has an account here: join while signed in as it.
      </Text>
      {failure?.status === 401 ? (
        <Alert color="blue" variant="light" title="Sign in first">
          <Text size="sm">
            Sign in as {email}, then this page opens again.{" "}
            <Anchor component={Link} to={signIn} size="sm">
              Sign in
            </Anchor>
          </Text>
        </Alert>
      ) : failure ? (
        <ErrorAlert title="Could not accept the invitation" message={failure.message} detail={failure.detail} />
      ) : null}
      <Button onClick={() => void join()} loading={busy} w="fit-content">
        Join {organizationName}
      </Button>
    </Stack>
  );
}

export function InvitePage() {
  const id = useParams().id ?? "";
  const invitation = useInvitation(id);
  const navigate = useNavigate();
  const forget = useForgetEverything();
  const [failure, setFailure] = useState<ApiRequestError | null>(null);
  const { register, handleSubmit, formState, setError } = useForm<AcceptInvitationInput>({
    resolver: zodResolver(acceptInvitationInputSchema),
    defaultValues: { name: "", password: "" },
  });

  async function onValid(input: AcceptInvitationInput) {
    setFailure(null);
    try {
      await acceptInvitation(id, input);
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      for (const [field, message] of Object.entries(error.fields)) {
        if (field === "name" || field === "password") setError(field, { message });
      }
      return setFailure(error);
    }
    forget();
    await navigate(HOME, { replace: true });
  }

  const gone = (error: unknown) => error instanceof ApiRequestError && (error.status === 404 || error.status === 410);
  let body;
  if (invitation.isPending) body = <Loading what="the invitation" />;
  else if (invitation.isError) {
    body = gone(invitation.error) ? (
      <Gone />
    ) : (
      <ErrorAlert title="Could not load the invitation" message={invitation.error.message}>
        <Button variant="default" size="xs" w="fit-content" onClick={() => void invitation.refetch()}>
          Retry
        </Button>
      </ErrorAlert>
    );
  } else if (failure && gone(failure)) body = <Gone />;
  else {
    const { organization_name, email, role, account_exists } = invitation.data;
    const joined = async () => {
      forget();
      await navigate(HOME, { replace: true });
    };
    body = (
      <Stack gap="md">
        <Text>
          You are invited to <strong>{organization_name}</strong> as {ROLE_LABELS[role]} ({ROLE_DESCRIPTIONS[role].toLowerCase()}).
        </Text>
        {account_exists ? <JoinWithAccount id={id} email={email} organizationName={organization_name} onJoined={joined} /> : <form noValidate onSubmit={handleSubmit(onValid)} aria-label="Accept invitation">
          <Stack gap="sm">
            <TextInput label="Email" value={email} readOnly description="The invitation is for this address" />
            <TextInput {...register("name")} label="Name" autoComplete="name" error={formState.errors.name?.message} />
            <PasswordInput
              {...register("password")}
              label="Password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters`}
              autoComplete="new-password"
              error={formState.errors.password?.message}
            />
            {failure ? <ErrorAlert title="Could not accept the invitation" message={failure.message} detail={failure.detail} /> : null}
            <Button type="submit" loading={formState.isSubmitting}>
              Join {organization_name}
            </Button>
          </Stack>
        </form>}
      </Stack>
    );
  }

  return (
    <>
      <PageHeader title="Accept invitation" />
      {body}
    </>
  );
}

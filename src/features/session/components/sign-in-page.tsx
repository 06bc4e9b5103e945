// Sign in with email and password (contracts/identity.ts signInInputSchema), or with single sign-on
// when the server offers it; then back to the page that asked (`next`, same-site paths only). An
// empty console says how its first organization is made instead.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Button, Code, Divider, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router";
import { signInInputSchema, type SignInInput } from "#contracts/identity.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { PageHeader } from "../../../lib/page-states.tsx";
import { safeNext } from "../../../lib/session.ts";
import { signInFailure, signInWithEmail, signInWithSso, ssoFailure, useForgetEverything, useSignInOptions } from "../api/sign-in.ts";

function SetupNotice() {
  return (
    <Alert color="blue" variant="light" title="This console has no user yet">
      <Text size="sm">
        Open the first-run link that <Code>npm start</Code> printed (it ends in <Code>/setup#token=…</Code>) to create the
        first organization and its admin.
      </Text>
    </Alert>
  );
}

function SsoButton({ providerId, label, next }: { providerId: string; label: string; next: string }) {
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function start() {
    setFailure(null);
    setBusy(true);
    try {
      window.location.assign(await signInWithSso(providerId, next));
    } catch (error) {
      setFailure(signInFailure(error));
      setBusy(false);
    }
  }
  return (
    <Stack gap="xs">
      <Button variant="default" onClick={() => void start()} loading={busy}>
        Sign in with {label}
      </Button>
      {failure ? <ErrorAlert title="Could not start single sign-on" message={failure} /> : null}
    </Stack>
  );
}

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const forget = useForgetEverything();
  const options = useSignInOptions();
  const [failure, setFailure] = useState<string | null>(null);
  const { register, handleSubmit, formState } = useForm<SignInInput>({
    resolver: zodResolver(signInInputSchema),
    defaultValues: { email: "", password: "" },
  });

  async function onValid(input: SignInInput) {
    setFailure(null);
    try {
      await signInWithEmail(input);
    } catch (error) {
      setFailure(signInFailure(error));
      return;
    }
    forget();
    await navigate(next, { replace: true });
  }

  const sso = options.data?.sso;
  const ssoError = params.get("error");
  return (
    <>
      <PageHeader title="Sign in" lede="Sign in to manage your data sources and integration tasks." />
      <Stack gap="md">
        {ssoError ? <ErrorAlert title="Single sign-on failed" message={ssoFailure(ssoError)} detail={ssoError} /> : null}
        {options.data?.setup_needed ? <SetupNotice /> : null}
        <form noValidate onSubmit={handleSubmit(onValid)} aria-label="Sign in">
          <Stack gap="sm">
            <TextInput
              {...register("email")}
              label="Email"
              type="email"
              autoComplete="username"
              error={formState.errors.email?.message}
            />
            <PasswordInput
              {...register("password")}
              label="Password"
              autoComplete="current-password"
              error={formState.errors.password?.message}
            />
            {failure ? <ErrorAlert title="Could not sign in" message={failure} /> : null}
            <Button type="submit" loading={formState.isSubmitting}>
              Sign in
            </Button>
          </Stack>
        </form>
        {sso ? (
          <>
            <Divider label="or" labelPosition="center" />
            <SsoButton providerId={sso.provider_id} label={sso.label} next={next} />
          </>
        ) : null}
      </Stack>
    </>
  );
}

// The signed-in part of the console: nothing of it renders before GET /api/session answers (a
// Loading notice, never a flash of the sign-in page), nobody signed in goes to the sign-in page
// with the way back in `next`, and any API call that answers 401 later (the session expired, or
// someone signed out in another tab) does the same.
import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { Loading, LoadError } from "../../../lib/page-states.tsx";
import { signInPath, useSession } from "../../../lib/session.ts";
import { useSignOut } from "../api/sign-out.ts";

const isUnauthorized = (error: unknown) => error instanceof ApiRequestError && error.status === 401;

/** Any query or mutation that fails with 401 sends the user to sign in, keeping where they were. */
function useSignInOnUnauthorized() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  }, [location]);
  useEffect(() => {
    const go = (error: unknown) => {
      if (isUnauthorized(error)) void navigate(signInPath(here.current), { replace: true });
    };
    const queries = client.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") go(event.action.error);
    });
    const mutations = client.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error") go(event.action.error);
    });
    return () => {
      queries();
      mutations();
    };
  }, [client, navigate]);
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <Center component="main" mih="100vh" p="md">
      <Stack maw={480} w="100%">
        {children}
      </Stack>
    </Center>
  );
}

function NoOrganization({ email }: { email: string }) {
  const signOut = useSignOut();
  return (
    <Frame>
      <Title order={1} size="h2">
        No organization yet
      </Title>
      <Text>
        You are signed in as {email} but belong to no organization. Ask an organization's admin to invite you, then open
        the invitation link.
      </Text>
      <Button variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending} w="fit-content">
        Sign out
      </Button>
    </Frame>
  );
}

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  useSignInOnUnauthorized();
  if (session.isPending) {
    return (
      <Frame>
        <Loading what="your session" />
      </Frame>
    );
  }
  if (session.isError) {
    if (isUnauthorized(session.error)) return <Navigate to={signInPath(location)} replace />;
    return (
      <Frame>
        <Title order={1} size="h2">
          Databend Cloud
        </Title>
        <LoadError error={session.error} what="your session" retry={() => void session.refetch()} back={{ to: "/", label: "the console" }} />
      </Frame>
    );
  }
  if (!session.data.active) return <NoOrganization email={session.data.user.email} />;
  return children;
}

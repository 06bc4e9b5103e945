// Signing in through better-auth's endpoints (the API passes them on): email and password, or single
// sign-on, which answers with the identity provider's address to go to. The session cookie is
// HttpOnly and set by the response; the console never sees it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { SignInInput } from "#contracts/identity.ts";
import type { SignInOptions } from "#contracts/session.ts";
import { apiRequest, ApiRequestError } from "../../../lib/api-client.ts";

export function useSignInOptions() {
  return useQuery({
    queryKey: ["sign-in-options"],
    queryFn: ({ signal }) => apiRequest<SignInOptions>("/api/sign-in-options", { signal }),
  });
}

export function signInWithEmail(input: SignInInput): Promise<unknown> {
  return apiRequest<unknown>("/api/auth/sign-in/email", { method: "POST", body: input });
}

/** better-auth's social sign-in answer (generic-oauth providers use it too): the provider's authorization URL. */
interface OAuthStart {
  url?: string;
  redirect?: boolean;
}

export async function signInWithSso(providerId: string, callbackURL: string): Promise<string> {
  // A failure at the provider or on the way back lands on the sign-in page with ?error=<code>.
  const answer = await apiRequest<OAuthStart>("/api/auth/sign-in/social", {
    method: "POST",
    body: { provider: providerId, callbackURL, errorCallbackURL: "/sign-in" },
  });
  if (!answer?.url) throw new ApiRequestError(502, "The sign-in service did not say where to sign in; try again");
  return answer.url;
}

/** After signing in: nothing cached from before (another user's data, a 401) survives. */
export function useForgetEverything() {
  const client = useQueryClient();
  return () => client.clear();
}

/** A failed sign-in in words: better-auth's own bodies carry `message`, not our `error`. */
export function signInFailure(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : "Signing in failed";
  if (error.status === 401) return "Wrong email or password";
  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    return wait === undefined
      ? "Too many sign-in attempts; wait a minute and try again"
      : `Too many sign-in attempts; try again in ${wait} ${wait === 1 ? "second" : "seconds"}`;
  }
  if (error.status === 403) return error.message === `Request failed with status 403` ? "This account may not sign in here" : error.message;
  return error.message;
}

/**
 * Why single sign-on came back to the sign-in page (better-auth's `?error=<code>`), in words; the
 * code itself is kept for the details.
 */
export function ssoFailure(code: string): string {
  switch (code) {
    case "account_not_linked":
      return "An account with this email already signs in with a password here; sign in with the password instead";
    case "sso_not_set_up":
      return "Single sign-on is not set up for an organization on this console; ask an admin";
    case "state_mismatch":
    case "please_restart_the_process":
      return "The single sign-on attempt expired or was started in another tab; try again";
    case "access_denied":
      return "The identity provider did not allow signing in here";
    default:
      return "Single sign-on did not complete; try again, or sign in with email and password";
  }
}

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

/** better-auth's generic-oauth answer: the provider's authorization URL. */
interface OAuthStart {
  url?: string;
  redirect?: boolean;
}

export async function signInWithSso(providerId: string, callbackURL: string): Promise<string> {
  const answer = await apiRequest<OAuthStart>("/api/auth/sign-in/oauth2", { method: "POST", body: { providerId, callbackURL } });
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

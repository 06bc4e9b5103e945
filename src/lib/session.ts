// Who is signed in: GET /api/session through TanStack Query, read by its contract type (no zod on
// the first route; the API checks the answer against contracts/session.ts before sending it), and
// where to send someone who is not signed in.
import { useQuery } from "@tanstack/react-query";
import type { Session } from "#contracts/session.ts";
import { apiRequest } from "./api-client.ts";

export const sessionQueryKey = ["session"] as const;

export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => apiRequest<Session>("/api/session", { signal }),
    // The role and organizations change rarely; a switch or sign-out refreshes them itself.
    staleTime: 60_000,
  });
}

/** Where a page goes when nobody is signed in. */
export const HOME = "/data/sources";
const SIGN_IN = "/sign-in";

/**
 * `next` as a path on this site, or HOME. Only a relative path that stays on this origin passes:
 * `//evil.example`, `/\evil.example`, `https://…` and `javascript:` would send the user elsewhere
 * after signing in (an open redirect).
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return HOME;
  // Control characters and backslashes are never in our paths; browsers read some of them as "/".
  if ([...raw].some((c) => c === "\\" || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return HOME;
  const base = "https://console.invalid";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return HOME;
  }
  if (url.origin !== base || url.pathname === SIGN_IN) return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, coming back to `location` afterwards. */
export function signInPath(location: { pathname: string; search: string; hash: string }): string {
  return `${SIGN_IN}?next=${encodeURIComponent(safeNext(`${location.pathname}${location.search}${location.hash}`))}`;
}

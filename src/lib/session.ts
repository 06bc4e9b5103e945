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
/** A second fixed origin the normalized `next` is resolved against, to see it cannot leave the site. */
const OTHER_ORIGIN = "https://other.invalid";

/**
 * `next` as a path on this site, or HOME. Only a relative path that stays on this origin passes:
 * `//evil.example`, `/\evil.example`, `https://…` and `javascript:` would send the user elsewhere
 * after signing in (an open redirect). The path is normalized first (URL resolution against a fixed
 * origin: dot segments, percent-encoded dots), then judged: `/.//evil.example`, `/..//evil.example`
 * and `/%2e%2e//evil.example` all normalize to `//evil.example`, which a browser reads as another
 * host, so what comes out must itself resolve to the same origin from any page.
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
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The normalized path must be a path: one leading slash, and the same origin from another page.
  if (path.startsWith("//") || new URL(path, OTHER_ORIGIN).origin !== OTHER_ORIGIN) return HOME;
  return path;
}

/** The sign-in page, coming back to `location` afterwards. */
export function signInPath(location: { pathname: string; search: string; hash: string }): string {
  return `${SIGN_IN}?next=${encodeURIComponent(safeNext(`${location.pathname}${location.search}${location.hash}`))}`;
}

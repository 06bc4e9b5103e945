// Drafts of a form kept in this browser tab (sessionStorage): a refresh, Back and Forward find them;
// closing the tab forgets them. Keyed by user and organization, so one person's draft never shows
// in another organization (or for another person on a shared browser). Callers store only what
// their form shows in plain text: never a password, a key or a token.
import { useSession } from "./session.ts";

const PREFIX = "draft:v1";

/** The storage key of the signed-in user's draft of `form` in the active organization (null while unknown). */
export function useDraftKey(form: string): string | null {
  const session = useSession().data;
  if (!session?.active) return null;
  return `${PREFIX}:${session.user.id}:${session.active.org_id}:${form}`;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be refused (privacy settings): the form then works without drafts.
    return null;
  }
}

export function readDraft<T>(key: string | null): T | null {
  if (!key) return null;
  try {
    const raw = storage()?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeDraft(key: string | null, value: unknown): void {
  if (!key) return;
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: the draft is a convenience, never a reason to fail the form.
  }
}

export function clearDraft(key: string | null): void {
  if (!key) return;
  try {
    storage()?.removeItem(key);
  } catch {
    // As above.
  }
}

// The first-run setup token: made once per start while the store has no user, printed as a link
// by main.ts, compared in constant time, and dead once used.
import { randomBytes, timingSafeEqual } from "node:crypto";

export interface SetupToken {
  value: string;
  used: boolean;
}

export function newSetupToken(): SetupToken {
  return { value: randomBytes(24).toString("base64url"), used: false };
}

export function matchesSetupToken(token: SetupToken, presented: string): boolean {
  if (token.used) return false;
  const a = Buffer.from(token.value);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The link main.ts prints: the console's setup page with the token in the fragment, which no server log sees. */
export function setupLink(origin: string, token: SetupToken): string {
  return `${origin}/setup#token=${token.value}`;
}

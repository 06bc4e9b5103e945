// The first-run setup token: made once per start while the store has no user, handed to the
// operator as a link (announceSetupLink), compared in constant time, and dead once used.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

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

/** The link handed to the operator: the console's setup page with the token in the fragment, which no server log sees. */
export function setupLink(origin: string, token: SetupToken): string {
  return `${origin}/setup#token=${token.value}`;
}

/** Where the link is written for the operator (mode 0600), under DATA_DIR. */
export const SETUP_LINK_FILE = "first-run-link.txt";

/**
 * Hands the first-run link to the operator without putting the token in a log line (whoever reads
 * the log could set the console up first): it is written to DATA_DIR/first-run-link.txt, readable
 * by this user only, and the log says where. On a console bound to loopback only (a developer's
 * `npm start`) the link itself is also written to the terminal, outside the log stream.
 */
export function announceSetupLink(args: {
  link: string;
  dataDir: string;
  loopbackOnly: boolean;
  log: (message: string) => void;
  terminal: (text: string) => void;
}): string {
  const file = path.join(args.dataDir, SETUP_LINK_FILE);
  // DATA_DIR may not exist yet when the store is PostgreSQL.
  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${args.link}\n`, { mode: 0o600 });
  args.log(`first run: the one-time link that creates the first organization and its admin is in ${file} (readable by this user only; it works once)`);
  if (args.loopbackOnly) args.terminal(`\nFirst run: open ${args.link} to create the first organization and its admin (this link works once).\n\n`);
  return file;
}

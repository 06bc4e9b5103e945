// Password guessing per account, beside better-auth's limit per address (options.ts). Delays that
// grow with each failure, kept per account and address pair, so a stranger guessing from their
// address slows only themselves: the owner, signing in from another address, is not locked out.
// Guesses spread over many addresses are slowed per account too: once an account has had
// ACCOUNT_FREE failures from addresses it has never signed in from, every such address waits
// (growing, capped short), while addresses the account has signed in from lately do not.
// A refused attempt never reaches better-auth and is not counted. In memory, per API process
// (like the address limit); bounded in size, forgotten after an hour without failures.
import { createHash } from "node:crypto";

export interface SignInThrottleOptions {
  /** Failures per pair before delays start. */
  pairFree?: number;
  /** Failures per account, from addresses that never signed in to it, before those addresses wait. */
  accountFree?: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs?: number;
  pairMaxDelayMs?: number;
  accountMaxDelayMs?: number;
  now?: () => number;
}

export const SIGN_IN_THROTTLE_DEFAULTS = {
  pairFree: 3,
  accountFree: 10,
  baseDelayMs: 1_000,
  pairMaxDelayMs: 15 * 60_000,
  accountMaxDelayMs: 60_000,
} as const;

/** An entry untouched this long is forgotten (well past the longest delay). */
const FORGET_AFTER_MS = 60 * 60_000;
/** Known-good pairs are remembered this long after their last sign-in. */
const KNOWN_FOR_MS = 30 * 24 * 60 * 60_000;
/** Most entries per map: past it the least recently touched go (memory stays bounded under a flood). */
const MAX_ENTRIES = 100_000;

interface Failures {
  count: number;
  lastAt: number;
  /** Attempts let through and not yet answered: counted, so a burst cannot all pass before any fails. */
  pending: number;
}

export type Verdict = { allowed: true; done(outcome: "success" | "failure" | "other"): void } | { allowed: false; retryAfterSeconds: number };

export class SignInThrottle {
  private readonly pairs = new Map<string, Failures>();
  private readonly accounts = new Map<string, Failures>();
  private readonly known = new Map<string, number>();
  private readonly options: Required<Omit<SignInThrottleOptions, "now">>;
  private readonly now: () => number;

  constructor(options: SignInThrottleOptions = {}) {
    const { now = Date.now, ...rest } = options;
    this.options = { ...SIGN_IN_THROTTLE_DEFAULTS, ...rest };
    this.now = now;
  }

  /** Whether `email` may be tried from `address` now; if so, report the outcome with `done`. */
  attempt(email: string, address: string): Verdict {
    const at = this.now();
    // Hashed: a key's size is fixed whatever a client sends as its email (up to the body limit).
    const account = digest(email.trim().toLowerCase());
    const pairKey = digest(`${account}\u0000${address}`);
    const pair = live(this.pairs, pairKey, at);
    const isKnown = (this.known.get(pairKey) ?? -Infinity) > at - KNOWN_FOR_MS;
    const accountEntry = isKnown ? undefined : live(this.accounts, account, at);
    const { pairFree, accountFree, baseDelayMs, pairMaxDelayMs, accountMaxDelayMs } = this.options;

    const waits = [
      waitFor(pair, pairFree, baseDelayMs, pairMaxDelayMs, at),
      accountEntry ? waitFor(accountEntry, accountFree, baseDelayMs, accountMaxDelayMs, at) : 0,
    ];
    const wait = Math.max(...waits);
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };

    const pairNow = touch(this.pairs, pairKey, pair, at);
    pairNow.pending += 1;
    const accountNow = isKnown ? undefined : touch(this.accounts, account, accountEntry, at);
    if (accountNow) accountNow.pending += 1;
    let reported = false;
    return {
      allowed: true,
      done: (outcome) => {
        if (reported) return;
        reported = true;
        const when = this.now();
        pairNow.pending -= 1;
        if (accountNow) accountNow.pending -= 1;
        if (outcome === "success") {
          this.pairs.delete(pairKey);
          touch(this.known, pairKey, when, when);
        } else if (outcome === "failure") {
          pairNow.count += 1;
          pairNow.lastAt = when;
          if (accountNow) {
            accountNow.count += 1;
            accountNow.lastAt = when;
          }
        }
      },
    };
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest("base64url");

/** How long to wait before the next attempt: nothing within the free failures, then doubling to the cap. */
function waitFor(entry: Failures | undefined, free: number, baseMs: number, maxMs: number, at: number): number {
  if (!entry) return 0;
  const counted = entry.count + entry.pending;
  if (counted < free) return 0;
  // A pending attempt's answer is not in yet: wait for it as if it failed.
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(30, counted - free));
  return Math.max(0, entry.lastAt + delay - at);
}

function live(map: Map<string, Failures>, key: string, at: number): Failures | undefined {
  const entry = map.get(key);
  if (entry && entry.pending === 0 && at - entry.lastAt > FORGET_AFTER_MS) {
    map.delete(key);
    return undefined;
  }
  return entry;
}

/** Moves the key to the newest end (Map order), adding it if new, and trims the oldest past MAX_ENTRIES. */
function touch<V>(map: Map<string, V>, key: string, value: V | undefined, at: number): V {
  const entry = value ?? ({ count: 0, lastAt: at, pending: 0 } as V);
  map.delete(key);
  map.set(key, entry);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  return entry;
}

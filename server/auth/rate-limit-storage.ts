// Counters for better-auth's rate limits, kept by each auth instance rather than in the library's
// module-wide map, so two apps in one process (tests, a seeding instance beside the served one)
// never share a budget. Fixed windows per key, the library's own rule shape; one process only (a
// fleet of API processes behind a balancer would each count: the limit then holds per process).
import type { BetterAuthOptions } from "better-auth";

type Storage = NonNullable<NonNullable<BetterAuthOptions["rateLimit"]>["customStorage"]>;

export function instanceRateLimitStorage(now: () => number = Date.now): Storage {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    async consume(key, { window, max }) {
      const at = now();
      const windowMs = window * 1000;
      const current = windows.get(key);
      if (!current || at - current.startedAt >= windowMs) {
        // Stale windows go as new ones start, so the map holds only recent keys.
        for (const [other, entry] of windows) if (at - entry.startedAt >= windowMs) windows.delete(other);
        windows.set(key, { startedAt: at, count: 1 });
        return { allowed: true, retryAfter: null };
      }
      if (current.count >= max) return { allowed: false, retryAfter: Math.ceil((current.startedAt + windowMs - at) / 1000) };
      current.count += 1;
      return { allowed: true, retryAfter: null };
    },
  };
}

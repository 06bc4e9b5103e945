// The one backoff rule for every pause the worker paces itself (a refused receive, Databend
// refusing S3, a transient conflict, a failed listing page, a message's redelivery): the first
// attempt waits `base`, each further one twice as long, never more than `max`. Units are the
// caller's (seconds for SQS visibility, milliseconds for sleeps). And `sleep`, the one way the
// worker waits: every wait ends at once when the task stops (its abort signal).
export function backoff(attempt: number, base: number, max: number): number {
  // 2^30 already exceeds any cap we use; clamping keeps the arithmetic finite for absurd counts.
  const exponent = Math.max(0, Math.min(30, attempt - 1));
  return Math.min(max, base * 2 ** exponent);
}

/** The longest the worker holds itself back in one pause, in milliseconds. */
export const MAX_PAUSE_MS = 30_000;

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

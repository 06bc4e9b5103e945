// Credentials of the customer's role, cached and refreshed before they expire, so a task runs for
// days. The SDK clients and the COPY statement (which carries the session keys) share one cache.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

export class CredentialCache {
  private current: AwsCredentialIdentity | undefined;
  private fetchedAt = 0;
  private inFlight: Promise<AwsCredentialIdentity> | undefined;
  private readonly source: AwsCredentialIdentityProvider;
  private readonly now: () => number;
  private readonly onRefresh: (() => void) | undefined;
  /** How many times the source was asked (AssumeRole calls). */
  refreshes = 0;

  constructor(source: AwsCredentialIdentityProvider, now: () => number = Date.now, onRefresh?: () => void) {
    this.source = source;
    this.now = now;
    this.onRefresh = onRefresh;
  }

  /**
   * Refresh when less than min(5 min, half the session) is left, or less than `minValidMs` (a
   * COPY must not start with keys about to expire).
   */
  private needsRefresh(minValidMs: number): boolean {
    const c = this.current;
    if (!c) return true;
    if (!c.expiration) return false;
    const expires = c.expiration.getTime();
    const lifetime = Math.max(0, expires - this.fetchedAt);
    const window = Math.max(minValidMs, Math.min(5 * 60_000, lifetime / 2));
    return expires - this.now() <= window;
  }

  async get(minValidMs = 0): Promise<AwsCredentialIdentity> {
    if (!this.needsRefresh(minValidMs)) return this.current!;
    this.inFlight ??= (async () => {
      try {
        const fetchedAt = this.now();
        const creds = await this.source();
        this.refreshes++;
        this.onRefresh?.();
        this.current = creds;
        this.fetchedAt = fetchedAt;
        return creds;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** For SDK clients: they call it whenever their own cached identity looks expired. */
  readonly provider: AwsCredentialIdentityProvider = () => this.get();
}

/**
 * Per-client connection caps and a per-client connection-rate limit (token bucket: `rate` new
 * connections per second, burst of `rate`), keyed by the client address.
 */
export class ClientLimiter {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private maxPerClient: number,
    private ratePerSecond: number,
  ) {}

  configure(maxPerClient: number, ratePerSecond: number): void {
    this.maxPerClient = maxPerClient;
    this.ratePerSecond = ratePerSecond;
  }

  /** Admits one new connection, or says which limit it hits. */
  admit(client: string, now: number): 'ok' | 'per-client' | 'rate' {
    if (this.maxPerClient > 0 && (this.open.get(client) ?? 0) >= this.maxPerClient) return 'per-client';
    if (this.ratePerSecond > 0) {
      const b = this.buckets.get(client) ?? { tokens: this.ratePerSecond, at: now };
      b.tokens = Math.min(this.ratePerSecond, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
      b.at = now;
      this.buckets.set(client, b);
      if (b.tokens < 1) return 'rate';
      b.tokens -= 1;
    }
    if (this.maxPerClient > 0) this.open.set(client, (this.open.get(client) ?? 0) + 1);
    return 'ok';
  }

  release(client: string): void {
    const n = this.open.get(client);
    if (n === undefined) return;
    if (n <= 1) this.open.delete(client);
    else this.open.set(client, n - 1);
  }

  /** Drops full buckets (clients idle for a while) so the map stays small. */
  sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (now - b.at > 60_000) this.buckets.delete(k);
    }
  }
}

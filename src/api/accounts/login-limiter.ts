/**
 * Login rate limiting and lockout, in memory (per process): a client address gets `perAddress` failed
 * logins per `windowMs`; a user name gets `perUser` failures in a row, then is locked for `lockMs`.
 * A success clears the user's count. Maps are bounded (oldest entries dropped).
 */
export interface LimiterOptions { perAddress?: number; perUser?: number; windowMs?: number; lockMs?: number; now?: () => number }

interface Bucket { count: number; since: number }

const MAX_ENTRIES = 10_000;

export class LoginLimiter {
  private readonly byAddress = new Map<string, Bucket>();
  private readonly byUser = new Map<string, Bucket>();
  private readonly perAddress: number;
  private readonly perUser: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(o: LimiterOptions = {}) {
    this.perAddress = o.perAddress ?? 20;
    this.perUser = o.perUser ?? 5;
    this.windowMs = o.windowMs ?? 5 * 60_000;
    this.lockMs = o.lockMs ?? 15 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Seconds to wait before this address may try for this user again (0: go ahead), and why. */
  check(address: string, user: string): { wait: number; reason: string } {
    const t = this.now();
    const a = this.byAddress.get(address);
    if (a && t - a.since < this.windowMs && a.count >= this.perAddress) {
      return { wait: Math.ceil((a.since + this.windowMs - t) / 1000), reason: 'too many failed sign-ins from this address' };
    }
    const u = this.byUser.get(user.toLowerCase());
    if (u && u.count >= this.perUser && t - u.since < this.lockMs) {
      return { wait: Math.ceil((u.since + this.lockMs - t) / 1000), reason: `account locked after ${this.perUser} failed sign-ins` };
    }
    return { wait: 0, reason: '' };
  }

  failed(address: string, user: string): void {
    const t = this.now();
    bump(this.byAddress, address, t, this.windowMs, false);
    bump(this.byUser, user.toLowerCase(), t, this.lockMs, true);
  }

  succeeded(user: string): void {
    this.byUser.delete(user.toLowerCase());
  }
}

/** Counts a failure; `sliding`: the window restarts at each failure (a lock lasts from the last one). */
function bump(map: Map<string, Bucket>, key: string, t: number, windowMs: number, sliding: boolean): void {
  const b = map.get(key);
  if (b === undefined || t - b.since >= windowMs) {
    map.delete(key);
    map.set(key, { count: 1, since: t });
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  } else {
    b.count++;
    if (sliding) b.since = t;
  }
}

import { RRType, nameKey, nameToText, rdataToText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Lookup, LookupResult } from './resolver-client.js';

/** What a query for A or AAAA at an ALIAS name is answered with: the target's addresses (empty: NODATA). */
export interface AddressAnswer {
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
  /** Served after the target's TTL ran out because refreshing it failed (failure policy `stale`). */
  readonly stale: boolean;
}

export interface AliasTargetsOptions {
  lookup: Lookup;
  /** A target that cannot be resolved: SERVFAIL once its last answer's TTL ran out (`servfail`), or that
   * answer for up to `maxStaleMs` more (`stale`). */
  failure?: 'servfail' | 'stale';
  /** With `stale`: how long past its TTL the last good answer is served (default 1 h). */
  maxStaleMs?: number;
  /** TTL of answers served stale (RFC 8767 §4: 30 s). */
  staleTtl?: number;
  /** Refreshes of one target are at least this far apart (default 1 s), whatever its TTL. */
  minRefreshMs?: number;
  /** ... and at most this far (default 1 day). */
  maxRefreshMs?: number;
  /** Lookups under way at once (default 32); more wait their turn. */
  concurrency?: number;
  /** Told when a target's answer changes or its resolution fails or recovers (for logs). */
  onEvent?: (event: AliasEvent) => void;
  now?: () => number;
}

export interface AliasEvent {
  kind: 'resolved' | 'changed' | 'failed' | 'recovered' | 'expired';
  target: string;
  type: 'A' | 'AAAA';
  /** Addresses now served (presentation form). */
  addresses?: string[];
  ttl?: number;
  error?: string;
  /** With `failed`: what queries get now. */
  serving?: 'servfail' | 'last good answer' | 'previous answer until its TTL ends';
}

/** One record type of one target. */
interface Slot {
  readonly type: number;
  /** What queries get now; null: SERVFAIL (not resolved yet, or failed past its TTL and stale time). */
  current: AddressAnswer | null;
  /** The last good answer and when it was fetched (ms). */
  good: LookupResult | null;
  goodAt: number;
  /** Start of the current window of one TTL, and the largest TTL seen for the same addresses in it. */
  since: number;
  maxSeen: number;
  failures: number;
  error: string | null;
  inflight: boolean;
  timer: NodeJS.Timeout | null;
  /** When `current` (from `good`) runs out: its TTL, then the stale time. */
  expiryTimer: NodeJS.Timeout | null;
  settled: boolean;
}

interface Target {
  readonly name: Name;
  readonly key: string;
  readonly a: Slot;
  readonly aaaa: Slot;
  /** In a served zone (else only asked for by a query: dropped once no query needs it). */
  tracked: boolean;
  /** A query asked for it since `usedAt`. */
  used: boolean;
  usedAt: number;
  dropped: boolean;
  /** Resolves when both record types have had their first lookup (null once they have). */
  firstLookup: Promise<void> | null;
  firstDone: () => void;
}

const MAX_BACKOFF_MS = 30_000;

/** A target only queries asked for is dropped when none did for this long. */
const UNUSED_MS = 600_000;

/** A target's state, for status pages and logs. */
export interface TargetStatus {
  target: string;
  tracked: boolean;
  types: Array<{ type: 'A' | 'AAAA'; addresses: string[] | null; ttl: number | null; stale: boolean; error: string | null; resolvedAt: number | null }>;
}

/**
 * ALIAS targets outside the zones served here, resolved through recursive resolvers and kept current:
 * each record type is looked up when the target appears, then again before its TTL runs out (at 90 %),
 * so queries read the answer synchronously and never wait on a lookup. A failed refresh is retried with
 * backoff (1 s doubling to 30 s); meanwhile the failure policy decides what queries get.
 */
export class AliasTargets {
  private readonly targets = new Map<string, Target>();
  private readonly lookup: Lookup;
  private readonly failure: 'servfail' | 'stale';
  private readonly maxStaleMs: number;
  private readonly staleTtl: number;
  private readonly minRefreshMs: number;
  private readonly maxRefreshMs: number;
  private readonly concurrency: number;
  private readonly onEvent: (e: AliasEvent) => void;
  private readonly now: () => number;
  private running = 0;
  /** Lookups finished, and how many of them failed (for metrics). */
  lookups = 0;
  lookupFailures = 0;
  private readonly queue: Array<() => void> = [];
  private waiters: Array<() => void> = [];
  private readonly changeListeners: Array<() => void> = [];
  private closed = false;

  constructor(options: AliasTargetsOptions) {
    this.lookup = options.lookup;
    this.failure = options.failure ?? 'servfail';
    this.maxStaleMs = options.maxStaleMs ?? 3_600_000;
    this.staleTtl = options.staleTtl ?? 30;
    this.minRefreshMs = options.minRefreshMs ?? 1000;
    this.maxRefreshMs = options.maxRefreshMs ?? 86_400_000;
    this.concurrency = options.concurrency ?? 32;
    this.onEvent = options.onEvent ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /**
   * The answer for `type` (A or AAAA) at `target`, synchronously; null means SERVFAIL. A target not
   * known yet is looked up from now on (this query gets null).
   */
  addresses(target: Name, type: number): AddressAnswer | null {
    let t = this.targets.get(nameKey(target));
    if (t === undefined) t = this.add(target, false);
    t.used = true;
    return (type === RRType.AAAA ? t.aaaa : t.a).current;
  }

  /** While the target's first lookups are under way (it was just added): when they are done; else null. */
  firstLookup(target: Name): Promise<void> | null {
    return this.targets.get(nameKey(target))?.firstLookup ?? null;
  }

  /** The targets the served zones hold: new ones are looked up at once; ones no longer held are dropped
   * (unless queries still ask for them). */
  track(targets: Iterable<Name>): void {
    const keep = new Set<string>();
    for (const name of targets) {
      const key = nameKey(name);
      keep.add(key);
      const t = this.targets.get(key);
      if (t === undefined) this.add(name, true);
      else t.tracked = true;
    }
    for (const t of this.targets.values()) {
      if (!keep.has(t.key) && t.tracked) {
        t.tracked = false;
        t.usedAt = this.now();
      }
    }
  }

  /** `fn` is called whenever the answer of a target changes (addresses, TTL, failure, staleness). */
  onChange(fn: () => void): void {
    this.changeListeners.push(fn);
  }

  /** Resolves once every target known now has had its first answer or failure, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.allSettled()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.push(done);
    });
  }

  get size(): number {
    return this.targets.size;
  }

  status(): TargetStatus[] {
    return [...this.targets.values()].map((t) => ({
      target: nameToText(t.name),
      tracked: t.tracked,
      types: [t.a, t.aaaa].map((s) => ({
        type: s.type === RRType.AAAA ? 'AAAA' as const : 'A' as const,
        addresses: s.current === null ? null : s.current.rdata.map((r) => addressText(r)),
        ttl: s.current?.ttl ?? null,
        stale: s.current?.stale ?? false,
        error: s.error,
        resolvedAt: s.good === null ? null : s.goodAt,
      })),
    }));
  }

  close(): void {
    this.closed = true;
    for (const t of this.targets.values()) {
      this.drop(t);
      t.firstDone();
    }
    this.targets.clear();
    this.queue.length = 0;
    for (const w of [...this.waiters]) w();
  }

  private add(name: Name, tracked: boolean): Target {
    const slot = (type: number): Slot => ({
      type, current: null, good: null, goodAt: 0, since: 0, maxSeen: 0, failures: 0, error: null, inflight: false, timer: null,
      expiryTimer: null, settled: false,
    });
    let firstDone = (): void => undefined;
    const firstLookup = new Promise<void>((resolve) => { firstDone = resolve; });
    const t: Target = {
      name: name.slice(), key: nameKey(name), a: slot(RRType.A), aaaa: slot(RRType.AAAA), tracked, used: false,
      usedAt: this.now(), dropped: false, firstLookup, firstDone,
    };
    this.targets.set(t.key, t);
    if (!this.closed) {
      this.refresh(t, t.a);
      this.refresh(t, t.aaaa);
    }
    return t;
  }

  private drop(t: Target): void {
    t.dropped = true;
    for (const s of [t.a, t.aaaa]) {
      if (s.timer !== null) clearTimeout(s.timer);
      if (s.expiryTimer !== null) clearTimeout(s.expiryTimer);
      s.timer = s.expiryTimer = null;
    }
  }

  private schedule(t: Target, s: Slot, ms: number): void {
    if (s.timer !== null) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = null;
      // A target no zone holds and no query asked for in the last 10 minutes goes.
      if (!t.tracked && s.type === RRType.A) {
        const now = this.now();
        if (t.used) {
          t.used = false;
          t.usedAt = now;
        } else if (now - t.usedAt > UNUSED_MS) {
          this.drop(t);
          if (this.targets.get(t.key) === t) this.targets.delete(t.key);
          return;
        }
      }
      this.refresh(t, s);
    }, ms);
    s.timer.unref();
  }

  private refresh(t: Target, s: Slot): void {
    if (s.inflight || t.dropped || this.closed) return;
    s.inflight = true;
    const run = (): void => {
      this.running++;
      this.lookup(t.name, s.type).then(
        (r) => this.succeeded(t, s, r),
        (err: unknown) => this.failed(t, s, err instanceof Error ? err.message : String(err)),
      ).finally(() => {
        this.lookups++;
        if (s.error !== null) this.lookupFailures++;
        s.inflight = false;
        this.running--;
        this.queue.shift()?.();
        if (!s.settled) {
          s.settled = true;
          if (t.a.settled && t.aaaa.settled) {
            t.firstLookup = null;
            t.firstDone();
          }
          if (this.allSettled()) for (const w of [...this.waiters]) w();
        }
      });
    };
    if (this.running < this.concurrency) run();
    else this.queue.push(run);
  }

  private succeeded(t: Target, s: Slot, r: LookupResult): void {
    if (t.dropped || this.closed) return;
    const now = this.now();
    const ttl = Math.max(0, Math.floor(r.ttl));
    const prev = s.current;
    const same = prev !== null && !prev.stale && sameRdata(prev.rdata, r.rdata);
    // The TTL answered stays put while the addresses do (a caching resolver hands out ever smaller TTLs);
    // it rises when the resolver fetched anew, and falls to the largest seen when a whole TTL passed
    // without seeing it again (the origin lowered it).
    if (!same || ttl > prev.ttl) {
      this.set(s, { ttl, rdata: r.rdata, stale: false });
      s.since = now;
      s.maxSeen = -1;
    } else {
      s.maxSeen = Math.max(s.maxSeen, ttl);
      if (now - s.since > prev.ttl * 1000 + this.minRefreshMs) {
        // slack: a refetch seen a second or two late
        if (s.maxSeen < prev.ttl - Math.max(2, prev.ttl / 10)) this.set(s, { ttl: s.maxSeen, rdata: r.rdata, stale: false });
        s.since = now;
        s.maxSeen = -1;
      }
    }
    s.good = r;
    s.goodAt = now;
    const wasFailing = s.error !== null;
    s.error = null;
    s.failures = 0;
    if (s.expiryTimer !== null) { clearTimeout(s.expiryTimer); s.expiryTimer = null; }
    const type = s.type === RRType.AAAA ? 'AAAA' : 'A';
    const target = nameToText(t.name);
    const addresses = r.rdata.map(addressText);
    if (prev === null && !wasFailing) this.onEvent({ kind: 'resolved', target, type, addresses, ttl });
    else if (wasFailing) this.onEvent({ kind: 'recovered', target, type, addresses, ttl });
    else if (!same) this.onEvent({ kind: 'changed', target, type, addresses, ttl });
    this.schedule(t, s, clamp(ttl * 900, this.minRefreshMs, this.maxRefreshMs));
  }

  private failed(t: Target, s: Slot, message: string): void {
    if (t.dropped || this.closed) return;
    s.failures++;
    s.error = message;
    const type = s.type === RRType.AAAA ? 'AAAA' : 'A';
    const target = nameToText(t.name);
    // Retries back off from minRefreshMs, doubling, to 30 s (or the TTL of the last good answer, if shorter).
    const cap = s.good === null ? MAX_BACKOFF_MS : clamp(s.good.ttl * 1000, this.minRefreshMs, MAX_BACKOFF_MS);
    const backoff = Math.min(cap, this.minRefreshMs * 2 ** Math.min(s.failures - 1, 10));
    if (s.good === null) {
      this.set(s, null);
      if (s.failures === 1) this.onEvent({ kind: 'failed', target, type, error: message, serving: 'servfail' });
      this.schedule(t, s, backoff);
      return;
    }
    // The last good answer serves until its TTL ends, then (policy stale) for up to maxStaleMs more.
    const expires = s.goodAt + s.good.ttl * 1000;
    const until = this.failure === 'stale' ? expires + this.maxStaleMs : expires;
    const now = this.now();
    if (now >= until) {
      this.expire(t, s);
    } else if (s.expiryTimer === null) {
      if (now >= expires) this.serveStale(t, s);
      const stepAt = now < expires ? expires : until;
      s.expiryTimer = setTimeout(() => this.onExpiry(t, s, until), stepAt - now);
      s.expiryTimer.unref();
    }
    if (s.failures === 1) {
      const serving = s.current === null ? 'servfail' : s.current.stale ? 'last good answer' : 'previous answer until its TTL ends';
      this.onEvent({ kind: 'failed', target, type, error: message, serving });
    }
    this.schedule(t, s, backoff);
  }

  /** The good answer's TTL ended while failing: serve it stale, or stop when past `until`. */
  private onExpiry(t: Target, s: Slot, until: number): void {
    s.expiryTimer = null;
    if (s.error === null || t.dropped) return;
    const now = this.now();
    if (now >= until) { this.expire(t, s); return; }
    this.serveStale(t, s);
    s.expiryTimer = setTimeout(() => this.onExpiry(t, s, until), until - now);
    s.expiryTimer.unref();
  }

  /** Policy stale: the last good answer, marked stale; policy servfail: it expires (SERVFAIL, and said so
   * even when the failure is seen only after the TTL ended). */
  private serveStale(t: Target, s: Slot): void {
    if (this.failure !== 'stale' || s.good === null) { this.expire(t, s); return; }
    if (s.current?.stale === true) return;
    this.set(s, { ttl: Math.min(s.good.ttl, this.staleTtl), rdata: s.good.rdata, stale: true });
  }

  private expire(t: Target, s: Slot): void {
    if (s.current === null) return;
    this.set(s, null);
    this.onEvent({ kind: 'expired', target: nameToText(t.name), type: s.type === RRType.AAAA ? 'AAAA' : 'A', error: s.error ?? undefined, serving: 'servfail' });
  }

  /** What queries get changes: answers kept elsewhere (encoded) must go. */
  private set(s: Slot, v: AddressAnswer | null): void {
    if (s.current === v) return;
    s.current = v;
    for (const fn of this.changeListeners) fn();
  }

  private allSettled(): boolean {
    for (const t of this.targets.values()) if (!t.a.settled || !t.aaaa.settled) return false;
    return true;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function sameRdata(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  const key = (r: Uint8Array): string => Buffer.from(r).toString('hex');
  const set = new Set(a.map(key));
  return b.every((r) => set.has(key(r)));
}

function addressText(r: Uint8Array): string {
  return rdataToText(r.length === 4 ? RRType.A : RRType.AAAA, r);
}

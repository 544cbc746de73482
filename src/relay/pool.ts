/**
 * A pool of upstreams and its balancing: smooth weighted round-robin (nginx), least connections
 * (active / weight), or consistent hashing on the client address (weighted rendezvous hashing, so
 * removing a server moves only its clients). Backups serve only when no primary is available.
 */
import type { PoolOptions } from './options.js';
import { Upstream } from './upstream.js';
import type { UpstreamStats } from './upstream.js';

export interface PoolStats {
  readonly name: string;
  readonly balance: string;
  readonly healthy: boolean;
  readonly upstreams: readonly UpstreamStats[];
}

export class Pool {
  readonly opts: PoolOptions;
  readonly upstreams: readonly Upstream[];
  private rr = 0;

  /** `reuse` hands over the state of servers kept across a reload (same pool name and address). */
  constructor(opts: PoolOptions, reuse?: (address: string) => Upstream | undefined) {
    this.opts = opts;
    this.upstreams = opts.servers.map((s) => {
      const fresh = new Upstream(s);
      const old = reuse?.(fresh.address);
      if (!old) return fresh;
      old.opts = s;
      return old;
    });
  }

  /** Picks an upstream for a client (its address, read only for hashing), skipping `tried`. */
  pick(client: string | (() => string), tried: ReadonlySet<Upstream> | undefined, now: number): Upstream | undefined {
    const ok = (u: Upstream, backup: boolean): boolean => u.opts.backup === backup && u.available(now) && !tried?.has(u);
    let cands = this.upstreams.filter((u) => ok(u, false));
    if (cands.length === 0) cands = this.upstreams.filter((u) => ok(u, true));
    // Every server passively marked down: try them anyway (as nginx does) rather than refuse.
    if (cands.length === 0) cands = this.upstreams.filter((u) => u.usable() && !tried?.has(u));
    if (cands.length <= 1) return cands[0];
    switch (this.opts.balance) {
      case 'least-conn':
        return this.leastConn(cands);
      case 'hash':
        return rendezvous(cands, typeof client === 'string' ? client : client());
      default:
        return smoothWeighted(cands);
    }
  }

  private leastConn(cands: readonly Upstream[]): Upstream | undefined {
    let best: Upstream | undefined;
    let bestLoad = Infinity;
    const start = this.rr++ % cands.length;
    for (let i = 0; i < cands.length; i++) {
      const u = cands[(start + i) % cands.length] as Upstream;
      const load = u.active / Math.max(u.opts.weight, 1e-9);
      if (load < bestLoad) {
        best = u;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Healthy when at least one server (primary or backup) can take connections. */
  healthy(now: number): boolean {
    return this.upstreams.some((u) => u.available(now));
  }

  stats(now: number): PoolStats {
    return { name: this.opts.name, balance: this.opts.balance, healthy: this.healthy(now), upstreams: this.upstreams.map((u) => u.stats(now)) };
  }
}

function smoothWeighted(cands: readonly Upstream[]): Upstream | undefined {
  let total = 0;
  let best: Upstream | undefined;
  for (const u of cands) {
    u.currentWeight += u.opts.weight;
    total += u.opts.weight;
    if (!best || u.currentWeight > best.currentWeight) best = u;
  }
  if (best) best.currentWeight -= total;
  return best;
}

function rendezvous(cands: readonly Upstream[], client: string): Upstream | undefined {
  let best: Upstream | undefined;
  let bestScore = -Infinity;
  for (const u of cands) {
    const h = (fnv1a(client + '|' + u.address) + 0.5) / 4294967296; // (0,1)
    const score = -u.opts.weight / Math.log(h);
    if (score > bestScore) {
      best = u;
      bestScore = score;
    }
  }
  return best;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so near-identical keys spread.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

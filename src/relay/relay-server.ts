/**
 * The relay: listeners, pools, active health checks and the health/status HTTP listener, with
 * reload (listeners on unchanged addresses and their open connections stay) and graceful drain.
 */
import { healthChannel } from './channels.js';
import type { HealthEvent } from './channels.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { HealthChecker } from './health-check.js';
import { nativeRelay } from '../native/index.js';
import { TcpListener } from './listener.js';
import type { Listener, ListenerHost } from './listener-base.js';
import { NativeTcpListener } from './native-listener.js';
import { UdpListener } from './udp-listener.js';
import type { ListenerOptions, RelayOptions } from './options.js';
import { Pool } from './pool.js';
import type { RelayHealth, RelayStats } from './relay-stats.js';
import { StatusServer } from './status-server.js';
import type { Upstream } from './upstream.js';

const listenerKey = (l: ListenerOptions): string => `${l.protocol} ${l.port === 0 ? `name:${l.name}` : `${l.host}:${l.port}`}`;
/** TCP on the native relay loop when the addon has it (accept to close in C), else node:net. */
const makeListener = (l: ListenerOptions, host: ListenerHost): Listener => {
  if (l.protocol === 'udp') return new UdpListener(l, host);
  const native = nativeRelay();
  return native ? new NativeTcpListener(l, host, native) : new TcpListener(l, host);
};

export class RelayServer implements ListenerHost {
  private opts: RelayOptions;
  private pools = new Map<string, Pool>();
  private checkers: HealthChecker[] = [];
  private readonly listeners = new Map<string, Listener>();
  private status: StatusServer | undefined;
  private draining = false;
  private readonly startedAt = new Date();

  constructor(opts: RelayOptions) {
    this.opts = opts;
    this.pools = this.buildPools(opts, undefined);
  }

  get noDelay(): boolean {
    return this.opts.noDelay;
  }
  get keepAliveMs(): number {
    return this.opts.keepAliveMs;
  }

  async start(): Promise<void> {
    try {
      for (const l of this.opts.listeners) {
        const listener = makeListener(l, this);
        this.listeners.set(listenerKey(l), listener);
        await listener.listen();
      }
      await this.startStatus(this.opts);
    } catch (err) {
      await this.close({ drainTimeoutMs: 0 });
      throw err;
    }
    this.startChecks();
  }

  /** Listener name → bound port (handy with port 0). */
  ports(): Record<string, number> {
    return Object.fromEntries([...this.listeners.values()].map((l) => [l.opts.name, l.port]));
  }

  get statusPort(): number | undefined {
    return this.status?.port;
  }

  pool(name: string): Pool | undefined {
    return this.pools.get(name);
  }

  passiveFailure(pool: Pool, u: Upstream, reason: string): void {
    const now = Date.now();
    const before = u.available(now);
    u.fail(now, reason, pool.opts.maxFails, pool.opts.failTimeoutMs);
    if (before && !u.available(now)) this.publishHealth(pool.opts.name, u, false, 'passive', reason);
  }

  private publishHealth(pool: string, u: Upstream, healthy: boolean, source: HealthEvent['source'], reason: string | undefined): void {
    if (healthChannel.hasSubscribers) healthChannel.publish({ pool, upstream: u.address, healthy, source, reason } satisfies HealthEvent);
  }

  /**
   * Applies new options. Everything is built first, so a bad config changes nothing. Listeners on
   * the same address stay bound and keep their connections; removed ones stop accepting while
   * their connections finish.
   */
  async reload(next: RelayOptions): Promise<void> {
    if (this.draining) throw new RelayError(RelayErrorCode.closed, 'relay is draining');
    const pools = this.buildPools(next, this.pools);
    const keep = new Map<string, Listener>();
    const fresh: Listener[] = [];
    for (const l of next.listeners) {
      const old = this.listeners.get(listenerKey(l));
      if (old) keep.set(listenerKey(l), old);
      else fresh.push(makeListener(l, this));
    }
    for (const l of fresh) await l.listen().catch(async (err: unknown) => {
      for (const f of fresh) {
        f.stopAccepting();
        f.destroyAll('reload-failed');
      }
      throw err;
    });
    for (const l of next.listeners) keep.get(listenerKey(l))?.update(l);
    for (const [key, l] of this.listeners) {
      if (!keep.has(key)) {
        l.stopAccepting();
        this.listeners.delete(key);
        this.retire(l);
      }
    }
    for (const l of fresh) this.listeners.set(listenerKey(l.opts), l);
    this.stopChecks();
    this.pools = pools;
    const statusChanged = JSON.stringify(next.healthListen) !== JSON.stringify(this.opts.healthListen);
    this.opts = next;
    if (statusChanged) {
      await this.status?.close();
      this.status = undefined;
      await this.startStatus(next);
    }
    this.startChecks();
  }

  /** A removed listener's connections get the drain timeout, then are cut. */
  private retire(l: Listener): void {
    if (l.openCount === 0) return l.destroyAll('listener-removed');
    setTimeout(() => l.destroyAll('listener-removed'), this.opts.drainTimeoutMs).unref();
  }

  private buildPools(opts: RelayOptions, old: Map<string, Pool> | undefined): Map<string, Pool> {
    const pools = new Map<string, Pool>();
    for (const p of opts.pools) {
      const prev = old?.get(p.name);
      pools.set(p.name, new Pool(p, (addr) => prev?.upstreams.find((u) => u.address === addr)));
    }
    for (const l of opts.listeners) {
      for (const name of [...l.routes.map((r) => r.pool), ...(l.defaultPool ? [l.defaultPool] : [])]) {
        if (!pools.has(name)) throw new RelayError(RelayErrorCode.config, `listener ${l.name}: unknown pool "${name}"`);
      }
    }
    return pools;
  }

  private startChecks(): void {
    for (const pool of this.pools.values()) {
      const hc = pool.opts.healthCheck;
      if (!hc) {
        for (const u of pool.upstreams) u.checkUp = true;
        continue;
      }
      const checker = new HealthChecker(hc, pool.upstreams, (u, up, reason) => this.publishHealth(pool.opts.name, u, up, 'active', reason));
      this.checkers.push(checker);
      checker.start();
    }
  }

  private stopChecks(): void {
    for (const c of this.checkers) c.stop();
    this.checkers = [];
  }

  /** Runs one active check round on every pool now (tests, `status --check`). */
  async checkNow(): Promise<void> {
    await Promise.all(this.checkers.map((c) => c.round()));
  }

  private async startStatus(opts: RelayOptions): Promise<void> {
    if (!opts.healthListen) return;
    const status = new StatusServer(this);
    await status.listen(opts.healthListen.host, opts.healthListen.port);
    this.status = status;
  }

  /**
   * Graceful drain: stop accepting, let open connections finish for `drainTimeoutMs` (default
   * from the options), then cut the rest.
   */
  async close(o?: { drainTimeoutMs?: number }): Promise<void> {
    this.draining = true;
    this.stopChecks();
    const all = [...this.listeners.values()];
    for (const l of all) l.stopAccepting();
    const deadline = Date.now() + (o?.drainTimeoutMs ?? this.opts.drainTimeoutMs);
    // UDP sessions have no FIN to wait for: only TCP connections are drained.
    while (all.some((l) => l.opts.protocol === 'tcp' && l.openCount > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const l of all) l.destroyAll('shutdown');
    this.listeners.clear();
    await this.status?.close();
    this.status = undefined;
  }

  health(): RelayHealth {
    const now = Date.now();
    const used = new Set<string>();
    for (const l of this.opts.listeners) {
      for (const r of l.routes) used.add(r.pool);
      if (l.defaultPool) used.add(l.defaultPool);
    }
    const pools: Record<string, boolean> = {};
    for (const [name, p] of this.pools) if (used.has(name)) pools[name] = p.healthy(now);
    return { healthy: !this.draining && Object.values(pools).every(Boolean), pools };
  }

  stats(): RelayStats {
    const now = Date.now();
    return {
      startedAt: this.startedAt.toISOString(),
      uptimeS: Math.round((now - this.startedAt.getTime()) / 1000),
      draining: this.draining,
      listeners: [...this.listeners.values()].map((l) => l.stats()),
      pools: [...this.pools.values()].map((p) => p.stats(now)),
    };
  }
}

/**
 * What TCP and UDP listeners share: options and router (swapped on reload), admission (address
 * lists, per-client caps and rates), counters per listener and per route, the link to the relay.
 */
import { rejectChannel } from './channels.js';
import type { RejectEvent } from './channels.js';
import { ClientLimiter } from './client-limiter.js';
import { newListenerCounters, newRouteCounters } from './counters.js';
import type { ListenerCounters, RouteCounters } from './counters.js';
import { networkList, plainAddress } from './networks.js';
import type { NetworkList } from './networks.js';
import type { ListenerOptions } from './options.js';
import type { Pool } from './pool.js';
import { Router } from './router.js';
import type { Upstream } from './upstream.js';

/** What a listener needs from the relay that owns it. */
export interface ListenerHost {
  readonly noDelay: boolean;
  readonly keepAliveMs: number;
  pool(name: string): Pool | undefined;
  passiveFailure(pool: Pool, upstream: Upstream, reason: string): void;
}

export interface ListenerStats {
  readonly name: string;
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly counters: ListenerCounters;
  readonly routes: Readonly<Record<string, RouteCounters>>;
  /** UDP listeners whose sessions run in C: datagrams carried each way, and those dropped (socket full,
   * too big once the PROXY header is added...). */
  readonly datagrams?: { up: number; upDropped: number; down: number; downDropped: number };
}

/** A routed connection or session: its rule, pool and route counters (already counted). */
export interface RoutePick {
  readonly rule: string;
  readonly pool: Pool;
  readonly counters: RouteCounters;
}

/** The surface `RelayServer` drives, for both protocols. */
export interface Listener {
  readonly opts: ListenerOptions;
  readonly port: number;
  /** Open connections (TCP) or sessions (UDP). */
  readonly openCount: number;
  listen(): Promise<void>;
  update(opts: ListenerOptions): void;
  stopAccepting(): void;
  destroyAll(reason: string): void;
  stats(): ListenerStats;
}

export abstract class ListenerBase {
  opts: ListenerOptions;
  router: Router;
  readonly counters = newListenerCounters();
  protected draining = false;
  private readonly routes = new Map<string, RouteCounters>();
  private readonly limiter: ClientLimiter;
  protected trusted!: NetworkList;
  private allow!: NetworkList;
  private deny!: NetworkList;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    opts: ListenerOptions,
    protected readonly host: ListenerHost,
  ) {
    this.opts = opts;
    this.router = new Router(opts.routes, opts.defaultPool);
    this.limiter = new ClientLimiter(opts.maxConnectionsPerClient, opts.connectionRatePerClient);
    this.setLists(opts);
    this.sweeper = setInterval(() => this.limiter.sweep(Date.now()), 30_000).unref();
  }

  /** Swaps in new options (same address); open connections keep what they started with. */
  update(opts: ListenerOptions): void {
    this.opts = opts;
    this.router = new Router(opts.routes, opts.defaultPool);
    this.limiter.configure(opts.maxConnectionsPerClient, opts.connectionRatePerClient);
    this.setLists(opts);
  }

  private setLists(opts: ListenerOptions): void {
    this.trusted = networkList(opts.acceptProxyFrom, `listener ${opts.name} accept_proxy_from`);
    this.allow = networkList(opts.allow, `listener ${opts.name} allow`);
    this.deny = networkList(opts.deny, `listener ${opts.name} deny`);
    this.checksAddresses = !this.allow.empty || !this.deny.empty || opts.maxConnectionsPerClient > 0 || opts.connectionRatePerClient > 0;
  }

  /** False when no address list or per-client limit applies (admission needs no peer address). */
  checksAddresses = true;

  /** Admission by address; false = refused (counted and published). */
  admit(client: string): boolean {
    const addr = plainAddress(client);
    if (this.deny.has(addr)) return this.reject(addr, 'deny');
    if (!this.allow.empty && !this.allow.has(addr)) return this.reject(addr, 'not-allowed');
    const r = this.limiter.admit(addr, Date.now());
    return r === 'ok' ? true : this.reject(addr, r);
  }

  release(client: string): void {
    this.limiter.release(plainAddress(client));
  }

  protected reject(client: string, reason: RejectEvent['reason']): false {
    this.counters.rejected++;
    if (rejectChannel.hasSubscribers) rejectChannel.publish({ listener: this.opts.name, client, reason } satisfies RejectEvent);
    return false;
  }

  /** Routes by SNI/ALPN and counts the outcome (on the route, or as no-route). */
  routeFor(sni: string | undefined, alpn: readonly string[]): RoutePick | undefined {
    const match = this.router.route(sni, alpn);
    const pool = match && this.host.pool(match.pool);
    if (!match || !pool) {
      this.counters.noRoute++;
      return undefined;
    }
    const counters = this.routeCounters(match.rule);
    counters.connections++;
    counters.active++;
    return { rule: match.rule, pool, counters };
  }

  routeCounters(rule: string): RouteCounters {
    let r = this.routes.get(rule);
    if (!r) this.routes.set(rule, (r = newRouteCounters()));
    return r;
  }

  pool(name: string): Pool | undefined {
    return this.host.pool(name);
  }

  passiveFailure(pool: Pool, upstream: Upstream, reason: string): void {
    this.host.passiveFailure(pool, upstream, reason);
  }

  protected stopSweeper(): void {
    clearInterval(this.sweeper);
  }

  protected baseStats(address: string): ListenerStats {
    const routes = Object.fromEntries([...this.routes].map(([k, v]) => [k, { ...v }]));
    return { name: this.opts.name, protocol: this.opts.protocol, address, counters: { ...this.counters }, routes };
  }
}

/**
 * One listening socket and what its connections share: options, router, limits, counters. On a
 * reload the listener (and its open connections) stays; only its options and router are swapped.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { rejectChannel } from './channels.js';
import type { RejectEvent } from './channels.js';
import { ClientLimiter } from './client-limiter.js';
import { Connection } from './connection.js';
import type { ConnectionContext } from './connection.js';
import { newListenerCounters, newRouteCounters } from './counters.js';
import type { ListenerCounters, RouteCounters } from './counters.js';
import { RelayError, RelayErrorCode } from './errors.js';
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
  readonly address: string;
  readonly counters: ListenerCounters;
  readonly routes: Readonly<Record<string, RouteCounters>>;
}

export class RelayListener implements ConnectionContext {
  opts: ListenerOptions;
  router: Router;
  readonly counters = newListenerCounters();
  readonly connections = new Set<Connection>();
  private readonly routes = new Map<string, RouteCounters>();
  private readonly limiter: ClientLimiter;
  private trusted!: NetworkList;
  private allow!: NetworkList;
  private deny!: NetworkList;
  private readonly server: Server;
  private draining = false;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    opts: ListenerOptions,
    private readonly host: ListenerHost,
  ) {
    this.opts = opts;
    this.router = new Router(opts.routes, opts.defaultPool);
    this.limiter = new ClientLimiter(opts.maxConnectionsPerClient, opts.connectionRatePerClient);
    this.setLists(opts);
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, this.onSocket);
    this.sweeper = setInterval(() => this.limiter.sweep(Date.now()), 30_000).unref();
  }

  get noDelay(): boolean {
    return this.host.noDelay;
  }
  get keepAliveMs(): number {
    return this.host.keepAliveMs;
  }

  /** Binds the socket; rejects with GDNS_ERR_RELAY_LISTEN. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new RelayError(RelayErrorCode.listen, `listener ${this.opts.name}: cannot listen on ${this.address}: ${err.message}`, { cause: err }));
      };
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port, backlog: this.opts.backlog }, () => {
        this.server.removeListener('error', onError);
        resolve();
      });
    });
  }

  get address(): string {
    const a = this.server.address();
    if (a && typeof a === 'object') return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    return `${this.opts.host}:${this.opts.port}`;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : this.opts.port;
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
  }

  private readonly onSocket = (sock: Socket): void => {
    this.counters.accepted++;
    if (this.draining || (this.opts.maxConnections > 0 && this.counters.active >= this.opts.maxConnections)) {
      this.reject(sock.remoteAddress ?? '', this.draining ? 'draining' : 'max-connections');
      sock.on('error', () => {});
      sock.destroy();
      return;
    }
    this.counters.active++;
    const trusted = !this.trusted.empty && this.trusted.has(sock.remoteAddress ?? '');
    this.connections.add(new Connection(this, sock, trusted));
  };

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

  private reject(client: string, reason: RejectEvent['reason']): false {
    this.counters.rejected++;
    if (rejectChannel.hasSubscribers) rejectChannel.publish({ listener: this.opts.name, client, reason } satisfies RejectEvent);
    return false;
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

  done(conn: Connection): void {
    if (this.connections.delete(conn)) this.counters.active--;
  }

  /** Stops accepting; open connections continue (server.close's callback would wait for them). */
  stopAccepting(): void {
    this.draining = true;
    clearInterval(this.sweeper);
    this.server.close();
  }

  /** Ends every open connection now. */
  destroyAll(reason: string): void {
    for (const c of [...this.connections]) c.abort(reason);
  }

  stats(): ListenerStats {
    return { name: this.opts.name, address: this.address, counters: { ...this.counters }, routes: Object.fromEntries([...this.routes].map(([k, v]) => [k, { ...v }])) };
  }
}

/**
 * A TCP listener on the native relay loop (src/native/relay-loop.ts): accept, ClientHello peek,
 * connect and the byte pump run in C; this class only decides. Per connection it sees a few events
 * (data peeked, connected, closed; accept and hello timeout when they matter) and answers with
 * synchronous calls, so a connection costs one small object here and no node:net socket.
 * Same behaviour as `TcpListener` + `Connection` (the node:net path used without the addon).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { RelayEvent, addressRecord, errnoName } from '../native/index.js';
import type { NativeListener, NativeRelay, RelayEventKind } from '../native/index.js';
import { connectionChannel } from './channels.js';
import type { ConnectionEvent } from './channels.js';
import type { RouteCounters } from './counters.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { ListenerBase } from './listener-base.js';
import type { Listener, ListenerHost, ListenerStats } from './listener-base.js';
import type { ListenerOptions } from './options.js';
import type { Pool } from './pool.js';
import { encodeProxyHeader, parseProxyHeader } from './proxy-protocol.js';
import type { ProxyAddresses } from './proxy-protocol.js';
import { peekClientHello } from './sni.js';
import type { Upstream } from './upstream.js';

const ETIMEDOUT = 110;
/** relayConnect's answer for a connection C already closed (its closed event is on its way). */
const ESRCH = 3;
/** Room for an inbound PROXY header in front of the ClientHello when peeking. */
const PROXY_ROOM = 1024;

const enum Phase {
  Proxy,
  Hello,
  Connecting,
  Piping,
  Ending,
}

/** What one connection's decisions need (the sockets themselves live in C). */
class NativeConnection {
  phase = Phase.Hello;
  sni: string | undefined;
  alpn: readonly string[] = [];
  rule: string | undefined;
  route: RouteCounters | undefined;
  pool: Pool | undefined;
  upstream: Upstream | undefined;
  tried: Set<Upstream> | undefined;
  admitted = false;
  ending: string | undefined;
  client: string | undefined;
  clientPort = 0;
  inbound: ProxyAddresses | undefined;
  readonly startedAt = Date.now();
  constructor(readonly id: number) {}
}

const ENDINGS: readonly (string | undefined)[] = [undefined, 'idle-timeout', 'client error', 'upstream error', undefined, 'relay error', 'total-timeout'];

export class NativeTcpListener extends ListenerBase implements Listener {
  private readonly conns = new Map<number, NativeConnection>();
  private handle: NativeListener | undefined;
  private bindHost: string;
  /** Address records of upstreams given as IP addresses (names are looked up per connection). */
  private readonly records = new Map<string, Uint8Array>();

  constructor(
    opts: ListenerOptions,
    host: ListenerHost,
    private readonly relay: NativeRelay,
  ) {
    super(opts, host);
    this.bindHost = opts.host;
  }

  get openCount(): number {
    return Math.max(this.conns.size, this.handle?.stats().open ?? 0);
  }

  get port(): number {
    return this.handle?.port ?? this.opts.port;
  }

  get address(): string {
    return this.bindHost.includes(':') ? `[${this.bindHost}]:${this.port}` : `${this.bindHost}:${this.port}`;
  }

  /** Binds the socket; rejects with GDNS_ERR_RELAY_LISTEN. */
  async listen(): Promise<void> {
    const where = `${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${this.opts.port}`;
    try {
      if (!isIP(this.bindHost)) this.bindHost = (await lookup(this.bindHost)).address;
      this.handle = this.relay.listen(this.bindHost, this.opts.port, this.opts.backlog, this.onEvent);
    } catch (err) {
      throw new RelayError(RelayErrorCode.listen, `listener ${this.opts.name}: cannot listen on ${where}: ${(err as Error).message}`, { cause: err });
    }
    this.configure();
  }

  override update(opts: ListenerOptions): void {
    super.update(opts);
    this.records.clear();
    this.configure();
  }

  /** Accept events only when something must be decided before the first byte. */
  private configure(): void {
    const o = this.opts;
    const atAccept = this.draining || this.checksAddresses || !this.trusted.empty || !o.peek || this.router.onlyDefault || o.maxConnections > 0;
    this.handle?.configure(atAccept, this.host.noDelay, o.clientHelloTimeoutMs, o.maxHelloBytes + PROXY_ROOM);
  }

  private readonly onEvent = (kind: RelayEventKind, id: number, a: number, b: number, c: number, d: number, e: number, data: Buffer): void => {
    switch (kind) {
      case RelayEvent.accept:
        return this.onAccept(id);
      case RelayEvent.data:
        return this.onData(id, data.subarray(a, a + b), c === 1);
      case RelayEvent.timeout:
        return this.onHelloTimeout(id);
      case RelayEvent.connected:
        return this.onConnected(id);
      case RelayEvent.connectFailed:
        return this.onConnectFailed(id, a);
      case RelayEvent.closed:
        return this.onClosed(id, a, b, c, d, e);
    }
  };

  /** A connection seen for the first time (at accept, or at its first data without accept events). */
  private track(id: number): NativeConnection {
    const conn = new NativeConnection(id);
    this.counters.accepted++;
    this.counters.active++;
    this.conns.set(id, conn);
    if (connectionChannel.hasSubscribers) this.clientOf(conn);
    return conn;
  }

  private clientOf(conn: NativeConnection): string {
    if (conn.client === undefined) {
      const a = this.relay.address(conn.id, false);
      conn.client = a?.[0] ?? '';
      conn.clientPort = a?.[1] ?? 0;
    }
    return conn.client;
  }

  private onAccept(id: number): void {
    const max = this.opts.maxConnections;
    if (this.draining || (max > 0 && this.counters.active >= max)) {
      this.counters.accepted++;
      this.reject(this.relay.address(id, false)?.[0] ?? '', this.draining ? 'draining' : 'max-connections');
      return this.relay.close(id, false);
    }
    const conn = this.track(id);
    const trusted = !this.trusted.empty && this.trusted.has(this.clientOf(conn));
    conn.phase = trusted ? Phase.Proxy : Phase.Hello;
    if (!trusted && !this.admitConn(conn)) return;
    if (!trusted && (!this.opts.peek || this.router.onlyDefault)) return this.decide(conn, undefined, []);
    this.relay.peek(id);
  }

  private admitConn(conn: NativeConnection): boolean {
    if (!this.checksAddresses) return true;
    if (!this.admit(this.clientOf(conn))) {
      this.abort(conn, 'rejected');
      return false;
    }
    conn.admitted = true;
    return true;
  }

  private onData(id: number, bytes: Buffer, eof: boolean): void {
    const conn = this.conns.get(id) ?? this.track(id);
    if (conn.phase === Phase.Proxy) {
      const p = parseProxyHeader(bytes);
      if (p.kind === 'need-more') return eof ? this.abort(conn, 'proxy-header-incomplete') : undefined;
      if (p.kind === 'invalid') return this.abort(conn, undefined);
      const err = this.relay.consume(id, p.length);
      if (err !== 0) return this.abort(conn, `client error: ${errnoName(err)}`);
      if (p.addresses) {
        conn.inbound = p.addresses;
        conn.client = p.addresses.sourceAddress;
        conn.clientPort = p.addresses.sourcePort;
      }
      conn.phase = Phase.Hello;
      if (!this.admitConn(conn)) return;
      if (!this.opts.peek || this.router.onlyDefault) return this.decide(conn, undefined, []);
      bytes = bytes.subarray(p.length);
      if (bytes.length === 0) return eof ? this.decide(conn, undefined, []) : undefined;
    }
    if (conn.phase !== Phase.Hello) return;
    const r = peekClientHello(bytes, this.opts.maxHelloBytes);
    if (r.kind === 'need-more') return eof ? this.decide(conn, undefined, []) : undefined;
    if (r.kind === 'hello') return this.decide(conn, r.sni, r.alpn);
    this.counters.notTls++;
    this.decide(conn, undefined, []);
  }

  private onHelloTimeout(id: number): void {
    const conn = this.conns.get(id) ?? this.track(id);
    if (conn.phase === Phase.Proxy) return this.abort(conn, 'proxy-header-timeout');
    if (conn.phase !== Phase.Hello) return;
    this.counters.helloTimeouts++;
    this.decide(conn, undefined, []);
  }

  private decide(conn: NativeConnection, sni: string | undefined, alpn: readonly string[]): void {
    conn.sni = sni;
    conn.alpn = alpn;
    const pick = this.routeFor(sni, alpn);
    if (!pick) {
      conn.ending = 'no-route';
      conn.phase = Phase.Ending;
      return this.relay.close(conn.id, true);
    }
    conn.rule = pick.rule;
    conn.route = pick.counters;
    conn.pool = pick.pool;
    conn.phase = Phase.Connecting;
    this.connectNext(conn);
  }

  private connectNext(conn: NativeConnection): void {
    const pool = conn.pool as Pool;
    for (;;) {
      const tries = conn.tried?.size ?? 0;
      const u = tries < pool.opts.tries ? pool.pick(() => this.clientOf(conn), conn.tried, Date.now()) : undefined;
      if (!u) {
        if (conn.route) conn.route.errors++;
        return this.abort(conn, tries === 0 ? 'no-upstream' : 'upstream-failed');
      }
      (conn.tried ??= new Set()).add(u);
      conn.upstream = u;
      u.active++;
      const rec = this.records.get(u.address) ?? (isIP(u.opts.host) ? this.remember(u) : undefined);
      if (!rec) return void this.resolveAndConnect(conn, u);
      const err = this.connectTo(conn, rec);
      if (err === 0) return;
      if (err === ESRCH) return this.forget(conn);
      this.upFailed(conn, errnoName(err));
      if (conn.phase !== Phase.Connecting) return;
    }
  }

  private remember(u: Upstream): Uint8Array {
    const rec = addressRecord(u.opts.host, u.opts.port);
    this.records.set(u.address, rec);
    return rec;
  }

  /** Upstreams given by name: looked up per connection (as node:net does), then connected. */
  private async resolveAndConnect(conn: NativeConnection, u: Upstream): Promise<void> {
    let rec: Uint8Array;
    try {
      const a = await lookup(u.opts.host);
      rec = addressRecord(a.address, u.opts.port);
    } catch (err) {
      if (conn.phase !== Phase.Connecting || conn.upstream !== u) return;
      this.upFailed(conn, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      if (conn.phase === Phase.Connecting) this.connectNext(conn);
      return;
    }
    if (conn.phase !== Phase.Connecting || conn.upstream !== u) return;
    const e = this.connectTo(conn, rec);
    if (e === 0) return;
    if (e === ESRCH) return this.forget(conn);
    this.upFailed(conn, errnoName(e));
    if (conn.phase === Phase.Connecting) this.connectNext(conn);
  }

  private connectTo(conn: NativeConnection, rec: Uint8Array): number {
    const pool = conn.pool as Pool;
    const proxy = pool.opts.proxyProtocol;
    const head = proxy ? encodeProxyHeader(proxy, this.proxyAddresses(conn), conn.sni) : undefined;
    const o = this.opts;
    return this.relay.connect(conn.id, rec, head, pool.opts.connectTimeoutMs, o.idleTimeoutMs, o.totalTimeoutMs,
      Math.ceil(this.host.keepAliveMs / 1000), this.host.noDelay);
  }

  private proxyAddresses(conn: NativeConnection): ProxyAddresses {
    const client = this.clientOf(conn);
    const local = conn.inbound ? undefined : this.relay.address(conn.id, true);
    return {
      sourceAddress: client,
      sourcePort: conn.clientPort,
      destAddress: conn.inbound?.destAddress ?? local?.[0] ?? '0.0.0.0',
      destPort: conn.inbound?.destPort ?? local?.[1] ?? 0,
    };
  }

  /** C closed the connection meanwhile (its closed event follows): undo the attempt, blame no server. */
  private forget(conn: NativeConnection): void {
    if (conn.upstream) conn.upstream.active--;
    conn.upstream = undefined;
    conn.phase = Phase.Ending;
  }

  /** A failed attempt: passive health, and the connection goes back to choosing. */
  private upFailed(conn: NativeConnection, reason: string): void {
    const u = conn.upstream as Upstream;
    u.active--;
    this.passiveFailure(conn.pool as Pool, u, reason);
    conn.upstream = undefined;
  }

  private onConnected(id: number): void {
    const conn = this.conns.get(id);
    const u = conn?.upstream;
    if (!conn || !u) return;
    u.succeed();
    u.connections++;
    conn.phase = Phase.Piping;
  }

  private onConnectFailed(id: number, errno: number): void {
    const conn = this.conns.get(id);
    if (!conn || !conn.upstream) return;
    this.upFailed(conn, errno === ETIMEDOUT ? 'connect timeout' : errnoName(errno));
    if (conn.phase === Phase.Connecting) this.connectNext(conn);
  }

  private abort(conn: NativeConnection, reason: string | undefined): void {
    conn.ending ??= reason;
    conn.phase = Phase.Ending;
    this.relay.close(conn.id, false);
  }

  private onClosed(id: number, end: number, errno: number, bytesUp: number, bytesDown: number, surfaced: number): void {
    const conn = this.conns.get(id);
    if (!conn) {
      if (surfaced === 0) this.counters.accepted++; // reset before JS heard of it
      return;
    }
    this.conns.delete(id);
    this.counters.active--;
    const why = ENDINGS[end];
    if (why) conn.ending ??= errno && (end === 2 || end === 3 || end === 5) ? `${why}: ${errnoName(errno)}` : why;
    if (conn.admitted) this.release(conn.client ?? '');
    const u = conn.upstream;
    if (u) {
      u.active--;
      u.bytesUp += bytesUp;
      u.bytesDown += bytesDown;
    }
    const r = conn.route;
    if (r) {
      r.active--;
      r.bytesUp += bytesUp;
      r.bytesDown += bytesDown;
    }
    if (connectionChannel.hasSubscribers) connectionChannel.publish(this.event(conn, bytesUp, bytesDown));
  }

  private event(conn: NativeConnection, bytesUp: number, bytesDown: number): ConnectionEvent {
    return {
      listener: this.opts.name,
      client: conn.client ?? '',
      clientPort: conn.clientPort,
      sni: conn.sni,
      alpn: conn.alpn,
      route: conn.rule,
      pool: conn.pool?.opts.name,
      upstream: conn.upstream?.address,
      bytesUp,
      bytesDown,
      durationMs: Date.now() - conn.startedAt,
      end: conn.ending ?? 'closed',
    };
  }

  /** Stops accepting; open connections continue. */
  stopAccepting(): void {
    this.draining = true;
    this.stopSweeper();
    this.handle?.stop(false);
  }

  /** Ends every open connection now (closed events follow). */
  destroyAll(reason: string): void {
    for (const conn of this.conns.values()) conn.ending ??= reason;
    this.handle?.stop(true);
  }

  stats(): ListenerStats {
    return this.baseStats(this.address);
  }
}

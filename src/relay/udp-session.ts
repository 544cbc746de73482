/**
 * One UDP client (address + port) on a UDP listener: buffers its first datagrams until the QUIC
 * ClientHello's SNI is known (or the datagrams are not QUIC), then pins the session to one upstream
 * through a connected socket of its own. Replies go back through the listener's socket.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenerCounters, RouteCounters } from './counters.js';
import type { RoutePick } from './listener-base.js';
import type { ListenerOptions } from './options.js';
import type { Pool } from './pool.js';
import { encodeProxyHeader } from './proxy-protocol.js';
import { QuicHelloCollector } from './quic-initial.js';
import type { Router } from './router.js';
import type { Upstream } from './upstream.js';

/** What a session needs from its UDP listener. */
export interface UdpSessionHost {
  readonly opts: ListenerOptions;
  readonly router: Router;
  readonly counters: ListenerCounters;
  routeFor(sni: string | undefined, alpn: readonly string[]): RoutePick | undefined;
  passiveFailure(pool: Pool, upstream: Upstream, reason: string): void;
  localAddress(): { address: string; port: number };
  reply(msg: Buffer, s: UdpSession): void;
  sessionClosed(s: UdpSession): void;
}

const MAX_PENDING = 16;

export class UdpSession {
  lastSeen = Date.now();
  readonly startedAt = this.lastSeen;
  private pending: Buffer[] | undefined = [];
  private collector: QuicHelloCollector | undefined;
  private up: Socket | undefined;
  private connected = false;
  private proxyHeader: Buffer | undefined;
  upstream: Upstream | undefined;
  pool: Pool | undefined;
  route: RouteCounters | undefined;
  rule: string | undefined;
  sni: string | undefined;
  alpn: readonly string[] = [];
  bytesUp = 0;
  bytesDown = 0;
  closed = false;
  ending: string | undefined;

  constructor(
    private readonly listener: UdpSessionHost,
    readonly client: string,
    readonly clientPort: number,
    /** the listener's key for this client */
    readonly key: number | string,
    /** the client's address record (src/native layout), where replies go */
    readonly record: Uint8Array,
  ) {
    const o = listener.opts;
    if (o.peek && !listener.router.onlyDefault) this.collector = new QuicHelloCollector(o.maxHelloBytes);
  }

  /** A datagram from the client. */
  fromClient(msg: Buffer): void {
    this.lastSeen = Date.now();
    this.bytesUp += msg.length;
    if (this.connected) return this.send(msg);
    if (!this.pending) return; // routed, upstream socket not connected yet: pending was kept below
    this.pending.push(msg);
    if (this.up) return;
    if (!this.collector) return this.decide(undefined, []);
    const r = this.collector.add(msg);
    if (r.kind === 'hello') return this.decide(r.sni, r.alpn);
    if (r.kind === 'need-more' && this.pending.length < MAX_PENDING) return;
    if (r.kind === 'not-quic') this.listener.counters.notTls++;
    this.decide(undefined, []);
  }

  /** Hello deadline passed without a complete ClientHello: default route with what we have. */
  helloExpired(now: number): boolean {
    return !this.up && !this.closed && now - this.startedAt > this.listener.opts.clientHelloTimeoutMs;
  }

  expire(): void {
    this.listener.counters.helloTimeouts++;
    this.decide(undefined, []);
  }

  private decide(sni: string | undefined, alpn: readonly string[]): void {
    this.collector = undefined;
    this.sni = sni;
    this.alpn = alpn;
    const pick = this.listener.routeFor(sni, alpn);
    if (!pick) return this.close('no-route');
    const pool = pick.pool;
    this.rule = pick.rule;
    this.route = pick.counters;
    this.pool = pool;
    const u = pool.pick(this.client, undefined, Date.now());
    if (!u) {
      this.route.errors++;
      return this.close('no-upstream');
    }
    this.upstream = u;
    u.active++;
    u.connections++;
    if (pool.opts.proxyProtocol === 'v2') {
      const local = this.listener.localAddress();
      this.proxyHeader = encodeProxyHeader('v2', { sourceAddress: this.client, sourcePort: this.clientPort, destAddress: local.address, destPort: local.port }, sni, true);
    }
    const up = createSocket(isIPv6(u.opts.host) ? 'udp6' : 'udp4');
    this.up = up;
    up.on('message', (m: Buffer) => {
      this.lastSeen = Date.now();
      this.bytesDown += m.length;
      this.listener.reply(m, this);
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      // A connected UDP socket reports ICMP port unreachable as ECONNREFUSED.
      this.listener.passiveFailure(pool, u, err.code ?? err.message);
      this.close(`upstream error: ${err.code ?? err.message}`);
    });
    up.connect(u.opts.port, u.opts.host, () => {
      this.connected = true;
      const queued = this.pending ?? [];
      this.pending = undefined;
      for (const m of queued) this.send(m);
    });
  }

  private send(msg: Buffer): void {
    if (!this.up || this.closed) return;
    this.up.send(this.proxyHeader ? [this.proxyHeader, msg] : msg);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ending ??= reason;
    this.pending = undefined;
    try {
      this.up?.close();
    } catch {
      // already closed
    }
    if (this.upstream) {
      this.upstream.active--;
      this.upstream.bytesUp += this.bytesUp;
      this.upstream.bytesDown += this.bytesDown;
    }
    if (this.route) {
      this.route.active--;
      this.route.bytesUp += this.bytesUp;
      this.route.bytesDown += this.bytesDown;
    }
    this.listener.sessionClosed(this);
  }
}

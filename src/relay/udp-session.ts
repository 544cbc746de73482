/**
 * One UDP client (address + port) on a UDP listener: buffers its first datagrams until the QUIC
 * ClientHello's SNI is known (or the datagrams are not QUIC), then pins the session to one upstream
 * through a connected socket of its own. Replies go back through the listener's socket. With a
 * native group the session then runs in C both ways: fromClient sees only the datagrams that
 * arrived before it was opened there; bytes and activity are read back from C (refresh, close).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import { addressRecord, errnoName } from '../native/index.js';
import type { NativeUdpGroup } from '../native/index.js';
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
  /** Upstream sockets in C (replies go back without JS), when the listener socket is native. */
  readonly group: NativeUdpGroup | undefined;
  trackNative(id: number, s: UdpSession | undefined): void;
}

const MAX_PENDING = 16;

export class UdpSession {
  lastSeen = Date.now();
  readonly startedAt = this.lastSeen;
  private pending: Buffer[] | undefined = [];
  private collector: QuicHelloCollector | undefined;
  private up: Socket | undefined;
  /** the session's upstream socket in C (NativeUdpGroup), when it has one */
  private nid: number | undefined;
  private connected = false;
  /** decide() ran: routed (or closed), whether or not an upstream socket was made */
  private routed = false;
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

  /** A datagram from the client (a view valid during the call only). */
  fromClient(view: Uint8Array): void {
    this.lastSeen = Date.now();
    this.bytesUp += view.length;
    if (this.connected) return this.send(view);
    if (!this.pending) return; // routed, upstream socket not connected yet: pending was kept below
    const msg = Buffer.from(view);
    this.pending.push(msg);
    if (this.routed) return;
    if (!this.collector) return this.decide(undefined, []);
    const r = this.collector.add(msg);
    if (r.kind === 'hello') return this.decide(r.sni, r.alpn);
    if (r.kind === 'need-more' && this.pending.length < MAX_PENDING) return;
    if (r.kind === 'not-quic') this.listener.counters.notTls++;
    this.decide(undefined, []);
  }

  /** Hello deadline passed without a complete ClientHello: default route with what we have. Not
   *  for a routed session (a native one has no node:dgram socket, so `up` does not tell). */
  helloExpired(now: number): boolean {
    return !this.routed && !this.closed && now - this.startedAt > this.listener.opts.clientHelloTimeoutMs;
  }

  expire(): void {
    this.listener.counters.helloTimeouts++;
    this.decide(undefined, []);
  }

  private decide(sni: string | undefined, alpn: readonly string[]): void {
    if (this.routed) return;
    this.routed = true;
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
    const group = this.listener.group;
    if (group && isIP(u.opts.host)) {
      try {
        this.nid = group.open(addressRecord(u.opts.host, u.opts.port), this.record, this.proxyHeader);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        this.listener.passiveFailure(pool, u, code);
        return this.close(`upstream error: ${code}`);
      }
      this.listener.trackNative(this.nid, this);
      this.connected = true;
      const queued = this.pending ?? [];
      this.pending = undefined;
      for (const m of queued) this.send(m);
      return;
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

  private send(msg: Uint8Array): void {
    if (this.closed) return;
    if (this.nid !== undefined) return void this.listener.group?.send(this.nid, msg);
    if (!this.up) return;
    const copy = Buffer.from(msg); // dgram may queue it; the caller's bytes are reused
    this.up.send(this.proxyHeader ? [this.proxyHeader, copy] : copy);
  }

  /** The upstream's socket failed (ICMP unreachable...): passive failure, session closed. */
  upstreamError(errno: number): void {
    const code = errnoName(errno);
    if (this.pool && this.upstream) this.listener.passiveFailure(this.pool, this.upstream, code);
    this.close(`upstream error: ${code}`);
  }

  /** Takes the datagrams C carried into account (they do not pass through JS). */
  refresh(now: number): void {
    if (this.nid === undefined) return;
    const st = this.listener.group?.state(this.nid);
    if (st) this.lastSeen = Math.max(this.lastSeen, now - st[1]);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ending ??= reason;
    this.pending = undefined;
    if (this.nid !== undefined) {
      const carried = this.listener.group?.close(this.nid);
      if (carried) {
        this.bytesUp += carried[0];
        this.bytesDown += carried[1];
      }
      this.listener.trackNative(this.nid, undefined);
      this.nid = undefined;
    }
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

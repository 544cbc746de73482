/**
 * A UDP listener: one session per client address and port, each with its own connected upstream
 * socket; QUIC Initials are peeked for SNI. Sessions end after `idle_timeout` without traffic.
 * With the addon, the listening socket is the native batched one (recvmmsg) and each session lives
 * in C once JS has routed its first datagrams (NativeUdpGroup): the client's later datagrams go to
 * the upstream and the upstream's back to the client without JavaScript, so only datagrams of
 * clients without a session reach onBatch. Else node:dgram for both (src/native openUdp).
 */
import { ADDR_BYTES, RelayEvent, nativeRelay, openUdp, peerAddress, peerPort } from '../native/index.js';
import type { NativeUdpGroup, RelayEventKind, UdpBatch, UdpEndpoint } from '../native/index.js';
import { connectionChannel } from './channels.js';
import type { ConnectionEvent } from './channels.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { ListenerBase } from './listener-base.js';
import type { Listener, ListenerHost, ListenerStats } from './listener-base.js';
import type { ListenerOptions } from './options.js';
import { UdpSession } from './udp-session.js';

/** Largest datagram relayed (bigger ones are dropped and counted by the endpoint). */
const SLOT = 65536;
const BATCH = 16;

/** A map key for the client of packet i: a number for IPv4 (address * 65536 + port), else text. */
function sessionKey(a: Uint8Array, o: number): number | string {
  if (a[o] === 4) return ((a[o + 4]! * 256 + a[o + 5]!) * 256 + a[o + 6]!) * 256 * 256 * 256 + a[o + 7]! * 65536 + a[o + 2]! * 256 + a[o + 3]!;
  return String.fromCharCode(...a.subarray(o + 2, o + ADDR_BYTES));
}

export class UdpListener extends ListenerBase implements Listener {
  readonly sessions = new Map<number | string, UdpSession>();
  private endpoint: UdpEndpoint | undefined;
  group: NativeUdpGroup | undefined;
  private readonly nativeSessions = new Map<number, UdpSession>();
  private readonly ticker: NodeJS.Timeout;

  constructor(opts: ListenerOptions, host: ListenerHost) {
    super(opts, host);
    this.ticker = setInterval(() => this.tick(Date.now()), 250).unref();
  }

  get openCount(): number {
    return this.sessions.size;
  }

  async listen(): Promise<void> {
    try {
      this.endpoint = await openUdp({ host: this.opts.host, port: this.opts.port, slot: SLOT, batch: BATCH }, this.onBatch);
      const relay = this.endpoint.native ? nativeRelay() : null;
      if (relay && this.endpoint.fd >= 0) this.group = relay.udpGroup(this.endpoint, this.onGroupEvent);
    } catch (err) {
      const why = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      throw new RelayError(RelayErrorCode.listen, `listener ${this.opts.name}: cannot bind udp ${this.opts.host}:${this.opts.port}: ${why}`, { cause: err });
    }
  }

  get port(): number {
    return this.endpoint?.port ?? this.opts.port;
  }

  localAddress(): { address: string; port: number } {
    return { address: this.endpoint?.address ?? this.opts.host, port: this.port };
  }

  private readonly onBatch = (b: UdpBatch): void => {
    for (let i = 0; i < b.count; i++) {
      const at = i * b.slot;
      const msg = b.rx.subarray(at, at + (b.rxLen[i] ?? 0)); // sessions copy what they keep
      const key = sessionKey(b.addr, i * ADDR_BYTES);
      const s = this.sessions.get(key);
      if (s) {
        s.fromClient(msg);
        continue;
      }
      const address = peerAddress(b, i);
      this.counters.accepted++;
      if (this.draining || (this.opts.maxConnections > 0 && this.sessions.size >= this.opts.maxConnections)) {
        this.reject(address, this.draining ? 'draining' : 'max-connections');
        continue;
      }
      if (!this.admit(address)) continue;
      const session = new UdpSession(this, address, peerPort(b, i), key, b.addr.slice(i * ADDR_BYTES, (i + 1) * ADDR_BYTES));
      this.sessions.set(key, session);
      this.counters.active++;
      session.fromClient(msg);
    }
  };

  private readonly onGroupEvent = (kind: RelayEventKind, id: number, errno: number): void => {
    if (kind === RelayEvent.udpError) this.nativeSessions.get(id)?.upstreamError(errno);
  };

  trackNative(id: number, s: UdpSession | undefined): void {
    if (s) this.nativeSessions.set(id, s);
    else this.nativeSessions.delete(id);
  }

  /** A datagram from the session's upstream, back to its client from the listener's address. */
  reply(msg: Buffer, s: UdpSession): void {
    this.endpoint?.sendTo(msg, s.record);
  }

  sessionClosed(s: UdpSession): void {
    if (this.sessions.get(s.key) !== s) return;
    this.sessions.delete(s.key);
    this.counters.active--;
    this.release(s.client);
    if (connectionChannel.hasSubscribers) {
      connectionChannel.publish({
        listener: this.opts.name, client: s.client, clientPort: s.clientPort, sni: s.sni, alpn: s.alpn, route: s.rule,
        pool: s.pool?.opts.name, upstream: s.upstream?.address, bytesUp: s.bytesUp, bytesDown: s.bytesDown,
        durationMs: Date.now() - s.startedAt, end: s.ending ?? 'closed',
      } satisfies ConnectionEvent);
    }
  }

  private tick(now: number): void {
    const idle = this.opts.idleTimeoutMs;
    for (const s of this.sessions.values()) {
      if (s.helloExpired(now)) s.expire();
      else if (idle > 0 && now - s.lastSeen > idle && (s.refresh(now), now - s.lastSeen > idle)) s.close('idle-timeout');
      else if (this.opts.totalTimeoutMs > 0 && now - s.startedAt > this.opts.totalTimeoutMs) s.close('total-timeout');
    }
  }

  stopAccepting(): void {
    this.draining = true;
    this.stopSweeper();
  }

  /** Ends every session and closes the socket (UDP has no connection to drain on its own). */
  destroyAll(reason: string): void {
    for (const s of [...this.sessions.values()]) s.close(reason);
    clearInterval(this.ticker);
    this.group?.dispose();
    this.group = undefined;
    void this.endpoint?.close();
  }

  stats(): ListenerStats {
    const a = this.port;
    const base = this.baseStats(`udp ${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${a}`);
    const g = this.group?.stats();
    return g === undefined ? base : { ...base, datagrams: { up: g.up, upDropped: g.upDrops, down: g.down, downDropped: g.downDrops } };
  }
}

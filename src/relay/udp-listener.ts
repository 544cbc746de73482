/**
 * A UDP listener: one session per client address and port, each with its own connected upstream
 * socket; QUIC Initials are peeked for SNI. Sessions end after `idle_timeout` without traffic.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connectionChannel } from './channels.js';
import type { ConnectionEvent } from './channels.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { ListenerBase } from './listener-base.js';
import type { Listener, ListenerHost, ListenerStats } from './listener-base.js';
import type { ListenerOptions } from './options.js';
import { UdpSession } from './udp-session.js';

export class UdpListener extends ListenerBase implements Listener {
  readonly sessions = new Map<string, UdpSession>();
  private readonly socket: Socket;
  private readonly ticker: NodeJS.Timeout;

  constructor(opts: ListenerOptions, host: ListenerHost) {
    super(opts, host);
    this.socket = createSocket({ type: isIPv6(opts.host) ? 'udp6' : 'udp4' });
    this.socket.on('message', this.onMessage);
    this.socket.on('error', () => {}); // per-datagram send errors; the session idles out
    this.ticker = setInterval(() => this.tick(Date.now()), 250).unref();
  }

  get openCount(): number {
    return this.sessions.size;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new RelayError(RelayErrorCode.listen, `listener ${this.opts.name}: cannot bind udp ${this.opts.host}:${this.opts.port}: ${err.message}`, { cause: err }));
      this.socket.once('error', onError);
      this.socket.bind(this.opts.port, this.opts.host, () => {
        this.socket.removeListener('error', onError);
        resolve();
      });
    });
  }

  get port(): number {
    try {
      return this.socket.address().port;
    } catch {
      return this.opts.port;
    }
  }

  localAddress(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  private readonly onMessage = (msg: Buffer, r: RemoteInfo): void => {
    const key = `${r.address}|${r.port}`;
    const s = this.sessions.get(key);
    if (s) return s.fromClient(msg);
    this.counters.accepted++;
    if (this.draining || (this.opts.maxConnections > 0 && this.sessions.size >= this.opts.maxConnections)) {
      this.reject(r.address, this.draining ? 'draining' : 'max-connections');
      return;
    }
    if (!this.admit(r.address)) return;
    const session = new UdpSession(this, r.address, r.port);
    this.sessions.set(key, session);
    this.counters.active++;
    session.fromClient(msg);
  };

  reply(msg: Buffer, port: number, address: string): void {
    this.socket.send(msg, port, address);
  }

  sessionClosed(s: UdpSession): void {
    const key = `${s.client}|${s.clientPort}`;
    if (this.sessions.get(key) !== s) return;
    this.sessions.delete(key);
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
      else if (idle > 0 && now - s.lastSeen > idle) s.close('idle-timeout');
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
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  stats(): ListenerStats {
    const a = this.port;
    return this.baseStats(`udp ${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${a}`);
  }
}

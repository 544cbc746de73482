/**
 * One relayed TCP connection on node:net (the path without the native addon; see
 * native-listener.ts for the other): optional inbound PROXY header (trusted sources only),
 * ClientHello peek with a deadline, routing, upstream connect with retry on the next server, then
 * a byte pump with backpressure and half-close in both directions.
 */
import { Socket } from 'node:net';
import type { SocketConstructorOpts } from 'node:net';
import { connectionChannel } from './channels.js';
import type { ConnectionEvent } from './channels.js';
import type { ListenerCounters, RouteCounters } from './counters.js';
import type { RoutePick } from './listener-base.js';
import { SOCKET_BUFFER } from './options.js';
import type { ListenerOptions } from './options.js';
import type { Pool } from './pool.js';
import { encodeProxyHeader, parseProxyHeader } from './proxy-protocol.js';
import type { ProxyAddresses } from './proxy-protocol.js';
import type { Router } from './router.js';
import { peekClientHello } from './sni.js';
import type { Upstream } from './upstream.js';

/** What a connection needs from its listener (kept by the listener across reloads). */
export interface ConnectionContext {
  readonly opts: ListenerOptions;
  readonly router: Router;
  readonly counters: ListenerCounters;
  readonly noDelay: boolean;
  readonly keepAliveMs: number;
  routeFor(sni: string | undefined, alpn: readonly string[]): RoutePick | undefined;
  /** False when no address list or per-client limit applies (admission needs no peer address). */
  readonly checksAddresses: boolean;
  /** Admission by address (after any PROXY header); false = refused (counted, published). */
  admit(client: string): boolean;
  release(client: string): void;
  passiveFailure(pool: Pool, upstream: Upstream, reason: string): void;
  done(conn: Connection): void;
}

const enum Phase {
  Proxy,
  Hello,
  Connecting,
  Piping,
  /** Refused after routing (no route): the FIN is on its way. */
  Ending,
  Closed,
}

export class Connection {
  private phase: Phase;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private up: Socket | undefined;
  private upstream: Upstream | undefined;
  private pool: Pool | undefined;
  private tried: Set<Upstream> | undefined;
  private route: RouteCounters | undefined;
  private rule: string | undefined;
  private sni: string | undefined;
  private alpn: readonly string[] = [];
  private admitted = false;
  private ending: string | undefined;
  private bytesUp = 0;
  private bytesDown = 0;
  private readonly startedAt = Date.now();
  /** The visitor's address: from the inbound PROXY header, else the peer (read lazily: a syscall). */
  private clientAddr: string | undefined;
  private clientPortNum: number | undefined;
  private inbound: ProxyAddresses | undefined;

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly sock: Socket,
    trustedProxy: boolean,
  ) {
    if (ctx.noDelay) sock.setNoDelay(true);
    if (ctx.keepAliveMs > 0) sock.setKeepAlive(true, ctx.keepAliveMs);
    sock.on('error', this.onClientError);
    sock.on('close', this.onClientClose);
    const needBytes = trustedProxy || (ctx.opts.peek && !ctx.router.onlyDefault);
    this.phase = trustedProxy ? Phase.Proxy : Phase.Hello;
    if (!trustedProxy && !this.admitClient()) return;
    if (!needBytes) {
      sock.on('data', this.onClientData);
      sock.on('end', this.onClientEnd);
      this.decide(undefined, []);
      return;
    }
    sock.on('data', this.onClientData);
    sock.on('end', this.onClientEnd);
    this.timer = setTimeout(this.onHelloTimeout, ctx.opts.clientHelloTimeoutMs);
  }

  private get client(): string {
    return (this.clientAddr ??= this.sock.remoteAddress ?? '');
  }
  private get clientPort(): number {
    return (this.clientPortNum ??= this.sock.remotePort ?? 0);
  }
  private readonly clientKey = (): string => this.client;

  private admitClient(): boolean {
    if (!this.ctx.checksAddresses) return true;
    if (!this.ctx.admit(this.client)) {
      this.ending = 'rejected';
      this.sock.destroy();
      return false;
    }
    this.admitted = true;
    return true;
  }

  /** The one 'data' handler: pump when piping, else buffer (and peek while routing is open). */
  private readonly onClientData = (chunk: Buffer): void => {
    if (this.phase === Phase.Piping) {
      this.bytesUp += chunk.length;
      if (!(this.up as Socket).write(chunk)) this.sock.pause();
      return;
    }
    if (this.phase === Phase.Connecting) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered > 256 * 1024) this.sock.pause(); // resumed once the upstream is connected
      return;
    }
    if (this.phase !== Phase.Hello && this.phase !== Phase.Proxy) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const all = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    if (this.chunks.length > 1) this.chunks = [all];
    if (this.phase === Phase.Proxy && !this.takeProxyHeader(all)) return;
    if (this.phase !== Phase.Hello) return;
    const data = this.chunks[0];
    if (!data || data.length === 0) return;
    if (!this.ctx.opts.peek || this.ctx.router.onlyDefault) return this.decide(undefined, []);
    const r = peekClientHello(data, this.ctx.opts.maxHelloBytes);
    if (r.kind === 'need-more') return;
    if (r.kind === 'hello') return this.decide(r.sni, r.alpn);
    this.ctx.counters.notTls++;
    this.decide(undefined, []);
  };

  /** Consumes an inbound PROXY header; false while more bytes are needed or on a bad header. */
  private takeProxyHeader(all: Buffer): boolean {
    const p = parseProxyHeader(all);
    if (p.kind === 'need-more') return false;
    if (p.kind === 'invalid') {
      this.sock.destroy();
      return false;
    }
    if (p.addresses) {
      this.inbound = p.addresses;
      this.clientAddr = p.addresses.sourceAddress;
      this.clientPortNum = p.addresses.sourcePort;
    }
    const rest = all.subarray(p.length);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.phase = Phase.Hello;
    if (!this.admitClient()) return false;
    if (!this.ctx.opts.peek || this.ctx.router.onlyDefault) {
      this.decide(undefined, []);
      return false;
    }
    return true;
  }

  /** Client FIN: passed on when piping (or right after connecting); before routing, route what we have. */
  private readonly onClientEnd = (): void => {
    if (this.phase === Phase.Piping) (this.up as Socket).end();
    else if (this.phase === Phase.Hello) this.decide(undefined, []);
    else if (this.phase === Phase.Proxy) this.abort('proxy-header-incomplete');
  };

  private readonly onHelloTimeout = (): void => {
    this.timer = undefined;
    if (this.phase === Phase.Proxy) return this.abort('proxy-header-timeout');
    this.ctx.counters.helloTimeouts++;
    this.decide(undefined, []);
  };

  private decide(sni: string | undefined, alpn: readonly string[]): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.sni = sni;
    this.alpn = alpn;
    const pick = this.ctx.routeFor(sni, alpn);
    if (!pick) {
      this.ending = 'no-route';
      this.phase = Phase.Ending;
      this.sock.end(() => this.sock.destroy());
      return;
    }
    this.rule = pick.rule;
    this.route = pick.counters;
    this.pool = pick.pool;
    this.phase = Phase.Connecting;
    if (this.ctx.opts.totalTimeoutMs > 0) this.timer = setTimeout(this.onTotalTimeout, this.ctx.opts.totalTimeoutMs);
    this.connectNext();
  }

  private connectNext(): void {
    const pool = this.pool as Pool;
    const tries = this.tried?.size ?? 0;
    const u = tries < pool.opts.tries ? pool.pick(this.clientKey, this.tried, Date.now()) : undefined;
    if (!u) {
      if (this.route) this.route.errors++;
      return this.abort(tries === 0 ? 'no-upstream' : 'upstream-failed');
    }
    (this.tried ??= new Set()).add(u);
    this.upstream = u;
    u.active++;
    // Node passes stream options through; @types/node does not list writableHighWaterMark here.
    const up = new Socket({ allowHalfOpen: true, writableHighWaterMark: SOCKET_BUFFER } as SocketConstructorOpts);
    this.up = up;
    up.setTimeout(pool.opts.connectTimeoutMs);
    up.once('connect', this.onUpConnect);
    up.on('timeout', this.onUpTimeout);
    up.on('error', this.onUpError);
    up.on('close', this.onUpClose);
    const keepAlive = this.ctx.keepAliveMs > 0;
    up.connect({ host: u.opts.host, port: u.opts.port, noDelay: this.ctx.noDelay, keepAlive, keepAliveInitialDelay: this.ctx.keepAliveMs });
  }

  private upFailed(reason: string): void {
    const u = this.upstream as Upstream;
    const up = this.up as Socket;
    up.removeAllListeners();
    up.on('error', noop);
    up.destroy();
    u.active--;
    this.ctx.passiveFailure(this.pool as Pool, u, reason);
    this.upstream = undefined;
    this.up = undefined;
    if (this.phase === Phase.Connecting) this.connectNext();
  }

  private readonly onUpTimeout = (): void => {
    if (this.phase === Phase.Connecting) return this.upFailed('connect timeout');
    this.abort('idle-timeout');
  };

  private readonly onUpConnect = (): void => {
    const up = this.up as Socket;
    const u = this.upstream as Upstream;
    u.succeed();
    u.connections++;
    this.phase = Phase.Piping;
    up.setTimeout(0);
    const proxy = (this.pool as Pool).opts.proxyProtocol;
    const chunks = this.chunks;
    const many = chunks.length + (proxy ? 1 : 0) > 1;
    if (many) up.cork();
    if (proxy) up.write(encodeProxyHeader(proxy, this.proxyAddresses(), this.sni));
    for (const c of chunks) {
      this.bytesUp += c.length;
      up.write(c);
    }
    if (many) up.uncork();
    this.chunks = [];
    const sock = this.sock;
    sock.on('drain', this.onClientDrain);
    up.on('data', this.onUpData);
    up.on('end', this.onUpEnd);
    up.on('drain', this.onUpDrain);
    if (this.ctx.opts.idleTimeoutMs > 0) {
      sock.setTimeout(this.ctx.opts.idleTimeoutMs);
      sock.on('timeout', this.onIdle);
    }
    if (sock.readableEnded) up.end();
    if (sock.isPaused()) sock.resume();
  };

  private proxyAddresses(): ProxyAddresses {
    const s = this.sock;
    return {
      sourceAddress: this.client,
      sourcePort: this.clientPort,
      destAddress: this.inbound?.destAddress ?? s.localAddress ?? '0.0.0.0',
      destPort: this.inbound?.destPort ?? s.localPort ?? 0,
    };
  }

  private readonly onUpData = (chunk: Buffer): void => {
    this.bytesDown += chunk.length;
    if (!this.sock.write(chunk)) (this.up as Socket).pause();
  };
  private readonly onClientDrain = (): void => void (this.up as Socket).resume();
  private readonly onUpDrain = (): void => void this.sock.resume();
  private readonly onUpEnd = (): void => void this.sock.end();
  private readonly onIdle = (): void => this.abort('idle-timeout');
  private readonly onTotalTimeout = (): void => this.abort('total-timeout');

  private readonly onClientError = (err: Error): void => {
    this.ending ??= `client error: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
    this.up?.destroy();
  };

  private readonly onUpError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    if (this.phase === Phase.Connecting) return this.upFailed(code);
    this.ending ??= `upstream error: ${code}`;
    this.sock.destroy();
  };

  private readonly onClientClose = (): void => {
    if (this.phase === Phase.Connecting) this.up?.destroy();
    else if (this.up && !this.up.writableEnded) this.up.destroy();
    this.maybeDone();
  };

  private readonly onUpClose = (): void => {
    if (this.phase !== Phase.Piping) return;
    if (!this.sock.writableEnded) this.sock.destroy();
    this.maybeDone();
  };

  /** Ends both sides now. */
  abort(reason: string): void {
    this.ending ??= reason;
    this.sock.destroy();
    this.up?.destroy();
    this.maybeDone();
  }

  private maybeDone(): void {
    if (this.phase === Phase.Closed) return;
    if (!this.sock.destroyed || (this.up && !this.up.destroyed)) return;
    this.phase = Phase.Closed;
    if (this.timer) clearTimeout(this.timer);
    if (this.admitted) this.ctx.release(this.client);
    const u = this.upstream;
    if (u) {
      u.active--;
      u.bytesUp += this.bytesUp;
      u.bytesDown += this.bytesDown;
    }
    const r = this.route;
    if (r) {
      r.active--;
      r.bytesUp += this.bytesUp;
      r.bytesDown += this.bytesDown;
    }
    this.ctx.done(this);
    if (connectionChannel.hasSubscribers) connectionChannel.publish(this.event());
  }

  private event(): ConnectionEvent {
    return {
      listener: this.ctx.opts.name,
      client: this.client,
      clientPort: this.clientPort,
      sni: this.sni,
      alpn: this.alpn,
      route: this.rule,
      pool: this.pool?.opts.name,
      upstream: this.upstream?.address,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      durationMs: Date.now() - this.startedAt,
      end: this.ending ?? 'closed',
    };
  }
}

function noop(): void {}

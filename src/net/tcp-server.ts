import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { HANDOFF } from '../engine/index.js';
import type { ClientInfo, Engine } from '../engine/index.js';
import { parseAddress } from './rrl.js';

/** How a handler answers a message handed to it: `send` may be called several times (a transfer's
 * messages; when it returns false, wait for `drained()`); `done` ends the exchange. */
export interface HandoffReply {
  send(msg: Uint8Array): boolean;
  drained(): Promise<void>;
  done(): void;
  readonly closed: boolean;
}

/** A message handed to a registered handler (NOTIFY, UPDATE, AXFR/IXFR). */
export type HandoffHandler = (message: Uint8Array, client: ClientInfo, reply: HandoffReply) => void;

export interface TcpServerOptions {
  host: string;
  port: number;
  engine: Engine;
  handoff?: HandoffHandler;
  /** Close a connection idle this long (RFC 7766 §6.2.3). Default 10 s. */
  idleTimeoutMs?: number;
  /** Close a connection whose started message is not complete within this time. Default 1 s. */
  stallTimeoutMs?: number;
  maxConnections?: number;
  maxConnectionsPerClient?: number;
}

export interface TcpEndpoint {
  readonly address: string;
  readonly port: number;
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * DNS over TCP (RFC 7766, RFC 9210): two-octet length framing, pipelined queries answered as they are
 * read, an idle timeout, a short deadline for a started message, and caps on connections in total and per
 * client. UDP is served by its own listener and never waits on TCP.
 */
export function listenTcp(opts: TcpServerOptions): Promise<TcpEndpoint> {
  const idle = opts.idleTimeoutMs ?? 10_000;
  const stall = opts.stallTimeoutMs ?? 1_000;
  const maxTotal = opts.maxConnections ?? 1_000;
  const maxPerClient = opts.maxConnectionsPerClient ?? 32;
  const perClient = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: false }, (socket) => {
    const ip = socket.remoteAddress ?? '';
    const count = perClient.get(ip) ?? 0;
    if (sockets.size >= maxTotal || count >= maxPerClient) {
      socket.destroy();
      return;
    }
    perClient.set(ip, count + 1);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const n = (perClient.get(ip) ?? 1) - 1;
      if (n <= 0) perClient.delete(ip); else perClient.set(ip, n);
    });
    serveConnection(socket, opts, idle, stall);
  });
  server.maxConnections = maxTotal + 64;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, opts.host, opts.port)));
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
      resolve({
        address: opts.host,
        port,
        get connections() { return sockets.size; },
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          for (const s of sockets) s.destroy();
        }),
      });
    });
  });
}

/** Where the answers of one read are gathered before one write (shared: a read is handled synchronously). */
const scratch = new Uint8Array(4 * 65537);

function serveConnection(socket: Socket, opts: TcpServerOptions, idle: number, stall: number): void {
  const client: ClientInfo = {
    transport: 'tcp',
    address: parseAddress(stripMapped(socket.remoteAddress ?? '')) ?? new Uint8Array(4),
    port: socket.remotePort ?? 0,
  };
  let pending: Uint8Array = new Uint8Array(0);
  let stallTimer: NodeJS.Timeout | null = null;
  let busy = 0; // handoffs under way: the idle timer waits for them
  socket.setTimeout(idle, () => { if (busy === 0) socket.destroy(); });
  socket.on('error', () => socket.destroy());
  const send = (msg: Uint8Array): boolean => {
    if (socket.destroyed) return false;
    const framed = new Uint8Array(msg.length + 2);
    framed[0] = msg.length >> 8;
    framed[1] = msg.length & 0xff;
    framed.set(msg, 2);
    const ok = socket.write(framed);
    if (!ok) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
    return ok;
  };
  // Answers to the queries of one read are gathered and written at once (one syscall for a pipeline).
  let out = 0;
  const flush = (): void => {
    if (out === 0) return;
    const ok = socket.write(scratch.slice(0, out));
    out = 0;
    if (!ok) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  socket.on('data', (data: Buffer) => {
    // A plain Uint8Array view: Buffer's slice() shares memory, Uint8Array's copies; the codec expects the latter.
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const buf: Uint8Array = pending.length === 0 ? chunk : concat(pending, chunk);
    let off = 0;
    let progressed = false;
    while (buf.length - off >= 2) {
      const len = (buf[off]! << 8) | buf[off + 1]!;
      if (buf.length - off - 2 < len) break;
      const msg = buf.subarray(off + 2, off + 2 + len);
      off += 2 + len;
      progressed = true;
      if (scratch.length - out < 65537) flush();
      const n = opts.engine.answerInto(msg, len, client, scratch, out + 2, 65535);
      if (n > 0) {
        scratch[out] = n >> 8;
        scratch[out + 1] = n & 0xff;
        out += n + 2;
      } else if (n === HANDOFF && opts.handoff !== undefined) {
        flush();
        busy++;
        let finished = false;
        opts.handoff(msg.slice(), client, {
          send,
          drained: () => new Promise<void>((ok) => {
            if (socket.destroyed || socket.writableLength === 0) ok();
            else { socket.once('drain', () => ok()); socket.once('close', () => ok()); }
          }),
          done: () => { if (!finished) { finished = true; busy--; } },
          get closed() { return socket.destroyed; },
        });
      } else if (len < 12) {
        socket.destroy();
        return;
      }
    }
    flush();
    pending = off === buf.length ? new Uint8Array(0) : buf.slice(off);
    // A started message must complete within `stall` of its first byte; trickling bytes do not extend it.
    if (stallTimer !== null && (progressed || pending.length === 0)) { clearTimeout(stallTimer); stallTimer = null; }
    if (pending.length > 0 && stallTimer === null) stallTimer = setTimeout(() => socket.destroy(), stall);
  });
  socket.once('close', () => { if (stallTimer !== null) clearTimeout(stallTimer); });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function stripMapped(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** An error that names the address and port, and for port 53 held by systemd-resolved says how to free it. */
export function bindError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (err.code === 'EADDRINUSE') {
    let msg = `cannot listen on ${where}: the port is already in use by another program`;
    if (port === 53) msg += resolvedHint();
    return new Error(msg, { cause: err });
  }
  if (err.code === 'EACCES') {
    return new Error(`cannot listen on ${where}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)`, { cause: err });
  }
  if (err.code === 'EADDRNOTAVAIL') return new Error(`cannot listen on ${where}: no such local address`, { cause: err });
  return new Error(`cannot listen on ${where}: ${err.message}`, { cause: err });
}

function resolvedHint(): string {
  return '\n  On Debian/Ubuntu this is usually systemd-resolved\'s stub listener on 127.0.0.53:53. To free port 53:\n' +
    '    sudo mkdir -p /etc/systemd/resolved.conf.d\n' +
    '    printf "[Resolve]\\nDNSStubListener=no\\n" | sudo tee /etc/systemd/resolved.conf.d/geodesic.conf\n' +
    '    sudo ln -sf /run/systemd/resolve/resolv.conf /etc/resolv.conf\n' +
    '    sudo systemctl restart systemd-resolved\n' +
    '  or listen on specific addresses only (e.g. --listen 192.0.2.1:53).';
}

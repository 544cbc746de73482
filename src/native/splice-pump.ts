/**
 * The TCP relay pump: hands two connected node:net sockets to C, which moves bytes both ways with
 * splice(2) (src/native/c/splice-pump.c). The fds are dup()ed in C and the JS sockets destroyed at
 * once: Node closes its own fds (libuv takes them out of epoll first), the connections stay open
 * through the duplicates, and no JS object is left per connection but the pump handle.
 * startSplicePump returns null (nothing touched) when the pump cannot be used: not Linux, addon
 * missing, GEODESIC_SPLICE=0, or sockets not in a state to hand over; the caller then pipes in JS.
 */
import type { Socket } from 'node:net';
import { loadAddon } from './addon.js';

export type SpliceEnd = 'closed' | 'idle-timeout' | 'client-error' | 'upstream-error' | 'aborted' | 'local-error';

/** How a pump ended; bytes count what reached the other side (bytes the caller put in `head` excluded). */
export interface SpliceResult {
  end: SpliceEnd;
  /** errno name (ECONNRESET, EPIPE...) for the *-error ends */
  code: string | undefined;
  bytesUp: number;
  bytesDown: number;
}

export interface SplicePumpOptions {
  /** both sides are closed when no byte moves either way for this long; 0 = never (default) */
  idleTimeoutMs?: number;
  /** bytes sent to the upstream before any byte of the client (PROXY header, peeked ClientHello) */
  head?: readonly Uint8Array[];
}

export interface SplicePump {
  /** bytes moved so far (client -> upstream, upstream -> client) */
  stats(): { bytesUp: number; bytesDown: number };
  /** closes both sockets now; onDone follows with end 'aborted' */
  close(): void;
}

const ENDS: readonly SpliceEnd[] = ['closed', 'idle-timeout', 'client-error', 'upstream-error', 'aborted', 'local-error'];

/** Whether startSplicePump can work here, and if not, why. */
export function spliceStatus(): { available: boolean; reason: string | null } {
  if (process.env['GEODESIC_SPLICE'] === '0') return { available: false, reason: 'GEODESIC_SPLICE=0' };
  const { addon, reason } = loadAddon();
  if (!addon) return { available: false, reason };
  if (typeof addon.pumpStart !== 'function') return { available: false, reason: 'the addon predates the splice pump (rebuild)' };
  return { available: true, reason: null };
}

/** Pipes in the pool and pumps open (native path only; undefined without the addon). */
export function spliceInfo(): { pumps: number; sparePipes: number; pipeBytes: number } | undefined {
  const { addon } = loadAddon();
  return addon && typeof addon.spliceInfo === 'function' ? addon.spliceInfo() : undefined;
}

function fdOf(s: Socket): number {
  const fd = (s as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}

function handOverable(s: Socket): boolean {
  return !s.destroyed && !s.connecting && !s.writableEnded && s.writableLength === 0 && fdOf(s) >= 0;
}

/** Everything Node already read from a socket and not yet emitted ('data' listeners must be off). */
function drainReadable(s: Socket): Buffer[] {
  const out: Buffer[] = [];
  if (s.readableLength === 0) return out;
  for (let c = s.read() as Buffer | null; c !== null; c = s.read() as Buffer | null) out.push(c);
  return out;
}

function release(s: Socket): void {
  s.removeAllListeners();
  s.on('error', noop);
  s.setTimeout(0);
  s.destroy(); // closes Node's fd only; the pump holds its own duplicate
}

function concat(parts: readonly Uint8Array[]): Uint8Array | undefined {
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * Moves client <-> upstream in C from now on; both sockets are destroyed before this returns
 * (read what you need from them, remoteAddress included, before calling). Half-close (a FIN is
 * passed on with shutdown(SHUT_WR)), backpressure (a side is read only while its peer takes the
 * bytes) and the idle timeout are in C. onDone runs exactly once, asynchronously.
 */
export function startSplicePump(client: Socket, upstream: Socket, opts: SplicePumpOptions,
  onDone: (r: SpliceResult) => void): SplicePump | null {
  if (!spliceStatus().available) return null;
  const { addon } = loadAddon();
  if (!addon || !handOverable(client) || !handOverable(upstream)) return null;
  client.removeAllListeners('data');
  upstream.removeAllListeners('data');
  client.pause();
  upstream.pause();
  const early = drainReadable(client);
  const earlyDown = drainReadable(upstream);
  const earlyUp = early.reduce((n, c) => n + c.length, 0);
  const headUp = concat([...(opts.head ?? []), ...early]);
  const headDown = concat(earlyDown);
  const downExtra = earlyDown.reduce((n, c) => n + c.length, 0);
  const done = (end: number, code: string | undefined, up: number, down: number): void => {
    onDone({ end: ENDS[end] ?? 'local-error', code, bytesUp: up + earlyUp, bytesDown: down + downExtra });
  };
  let handle: object;
  try {
    handle = addon.pumpStart(fdOf(client), fdOf(upstream), opts.idleTimeoutMs ?? 0, headUp, headDown, done, {});
  } catch (err) { // dup() failed (EMFILE...): the connection ends as it would on the JS path
    release(client);
    release(upstream);
    const code = (err as NodeJS.ErrnoException).code;
    setImmediate(() => onDone({ end: 'local-error', code, bytesUp: 0, bytesDown: 0 }));
    return { stats: () => ({ bytesUp: 0, bytesDown: 0 }), close: noop };
  }
  release(client);
  release(upstream);
  return {
    stats() {
      const s = addon.pumpStats(handle);
      return { bytesUp: s.bytesUp + earlyUp, bytesDown: s.bytesDown + downExtra };
    },
    close: () => addon.pumpClose(handle),
  };
}

function noop(): void {}

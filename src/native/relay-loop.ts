/**
 * The TCP relay's connection loop in C (src/native/c/relay-loop.c): listening sockets, accept,
 * ClientHello peek (MSG_PEEK, the bytes stay in the kernel), non-blocking connect and the byte pump
 * (recv/send, splice(2) for bulk) on one edge-triggered epoll set. JavaScript never holds a socket:
 * it gets a batch of events per wakeup (one call) and answers with synchronous calls (peek,
 * consume, connect, close). `nativeRelay()` is null when the addon cannot do this (not Linux, not
 * built, GEODESIC_NATIVE_RELAY=0); the relay then uses node:net.
 */
import { getSystemErrorName } from 'node:util';
import { loadAddon } from './addon.js';
import type { UdpEndpoint } from './udp-endpoint.js';
import { endpointHandle } from './udp-native.js';

export const RelayEvent = { accept: 1, data: 2, timeout: 3, connected: 4, connectFailed: 5, closed: 6, udpError: 7 } as const;
export type RelayEventKind = (typeof RelayEvent)[keyof typeof RelayEvent];

export type RelayEnd = 'closed' | 'idle-timeout' | 'client-error' | 'upstream-error' | 'aborted' | 'local-error' | 'total-timeout';
export const RELAY_ENDS: readonly RelayEnd[] = ['closed', 'idle-timeout', 'client-error', 'upstream-error', 'aborted', 'local-error', 'total-timeout'];

/**
 * One event of a listener. accept: (id); data: (id, offset, length, eof) = the client's bytes so
 * far, peeked, at data[offset, offset+length) (valid during the call only); timeout: the client
 * hello deadline passed; connected; connectFailed: (id, errno); closed: (id, end, errno, bytesUp,
 * bytesDown, surfaced) where surfaced = 0 when no earlier event named this connection;
 * udpError (UDP groups): (session id, errno) of an upstream socket (ICMP unreachable...), once.
 */
export type RelayEventSink = (kind: RelayEventKind, id: number, a: number, b: number, c: number, d: number, e: number, data: Buffer) => void;

/** Open connections, active listeners, connections with work left, queued events, spare pipes. */
export interface RelayInfo {
  connections: number;
  listeners: number;
  pending: number;
  queued: number;
  sparePipes: number;
  pipeBytes: number;
}

export interface NativeListenerStats {
  open: number;
  accepted: number;
  acceptErrors: number;
}

export interface NativeListener {
  readonly id: number;
  readonly port: number;
  /** acceptEvents: an accept event per connection (then peek/connect/close it); helloMs: deadline for the data events; peekMax: bytes peeked at most */
  configure(acceptEvents: boolean, noDelay: boolean, helloMs: number, peekMax: number): void;
  /** Stops accepting (closes the listening socket); abort: also ends every open connection. */
  stop(abort: boolean): void;
  stats(): NativeListenerStats;
}

/** Datagrams a UDP group's sessions carried in C since it was made, and how many of them were dropped. */
export interface NativeUdpGroupStats {
  /** sessions in the group's client table */
  sessions: number;
  /** client -> upstream, sent and dropped (socket full, too big with the PROXY header...) */
  up: number;
  upDrops: number;
  /** upstream -> client, sent and dropped */
  down: number;
  downDrops: number;
}

/**
 * The sessions of one UDP listener (a native endpoint) in C: each has its own connected socket to
 * its upstream. Once open, the client's datagrams (found by address and port in the listener's
 * batch loop) go to the upstream and the upstream's go back to the client, both without
 * JavaScript; only datagrams of clients without a session reach the endpoint's handler.
 */
export interface NativeUdpGroup {
  /** A session towards `upstream` for `client` (address records); `head` goes before every datagram. */
  open(upstream: Uint8Array, client: Uint8Array, head: Uint8Array | undefined): number;
  /** head + datagram to the session's upstream now (the bytes are not kept, nor counted); 0 or an errno */
  send(id: number, datagram: Uint8Array): number;
  /** [bytes sent back to the client, ms since the last datagram either way, bytes C forwarded
   *  upstream] (undefined: unknown id) */
  state(id: number): [number, number, number] | undefined;
  /** closes the session's socket: [bytes C forwarded upstream, bytes sent back] (undefined: unknown id) */
  close(id: number): [number, number] | undefined;
  stats(): NativeUdpGroupStats;
  /** stops forwarding and closes the group's duplicate of the listener socket (close the sessions first) */
  dispose(): void;
}

export interface NativeRelay {
  /** Binds and listens (host must be an IP address); throws a system error (code EADDRINUSE...). */
  listen(host: string, port: number, backlog: number, sink: RelayEventSink): NativeListener;
  /** After an accept event: read the client's first bytes (data events follow). */
  peek(id: number): void;
  /** Drops the first n bytes the client sent (an inbound PROXY header); 0 or an errno. */
  consume(id: number, n: number): number;
  /**
   * Connects to the upstream in `addr` (an address record, see addressRecord) and, once connected,
   * relays: `head` first (a PROXY header), then the client's bytes (the peeked ones included).
   * 0 or an errno (the connection is unchanged: try another server or close it).
   */
  connect(id: number, addr: Uint8Array, head: Uint8Array | undefined, connectMs: number, idleMs: number, totalMs: number,
    keepAliveS: number, noDelay: boolean): number;
  /** Ends a connection (fin: drain the client's bytes and close with a FIN); a closed event follows. */
  close(id: number, fin: boolean): void;
  /** The client's address and port (local: the relay's end of the client connection). */
  address(id: number, local: boolean): [string, number] | undefined;
  info(): RelayInfo;
  /** Sessions in C for a native UdpEndpoint (throws EBADF for a dgram or closed one). */
  udpGroup(endpoint: UdpEndpoint, sink: RelayEventSink): NativeUdpGroup;
}

interface RelayAddon {
  relayInit(onBatch: (count: number) => void, ev: ArrayBuffer, data: ArrayBuffer, resource: object): boolean;
  relayListen(host: string, port: number, backlog: number): [number, number];
  relayListenerSet(id: number, flags: number, helloMs: number, peekMax: number): void;
  relayListenerStop(id: number, abort: boolean): void;
  relayListenerStats(id: number): NativeListenerStats;
  relayPeek(id: number): boolean;
  relayConsume(id: number, n: number): number;
  relayConnect(id: number, addr: Uint8Array, head: Uint8Array | undefined, connectMs: number, idleMs: number, totalMs: number,
    keepAliveS: number, noDelay: boolean): number;
  relayClose(id: number, fin: boolean): boolean;
  relayAddress(id: number, local: boolean): [string, number] | undefined;
  relayInfo(): RelayInfo;
  relayUdpGroup(fd: number): number;
  relayUdpGroupClose(id: number): void;
  relayUdpGroupStats(id: number): NativeUdpGroupStats;
  relayUdpOpen(group: number, upstream: Uint8Array, client: Uint8Array, head: Uint8Array | undefined): number;
  relayUdpSend(id: number, datagram: Uint8Array): number;
  relayUdpState(id: number): [number, number, number] | undefined;
  relayUdpClose(id: number): [number, number] | undefined;
  forwardTo(handle: object, group: number): void;
}

const EV_FIELDS = 8;
const EV_MAX = 512;
const DATA_BYTES = 1 << 20;
const F_ACCEPT_EVENTS = 1;
const F_NODELAY = 2;

/** Whether the native relay loop can run here, and if not, why. */
export function nativeRelayStatus(): { available: boolean; reason: string | null } {
  if (process.env['GEODESIC_NATIVE_RELAY'] === '0') return { available: false, reason: 'GEODESIC_NATIVE_RELAY=0' };
  const { addon, reason } = loadAddon();
  if (!addon) return { available: false, reason };
  if (typeof (addon as unknown as Partial<RelayAddon>).relayInit !== 'function') return { available: false, reason: 'the addon predates the relay loop (rebuild)' };
  return { available: true, reason: null };
}

/** A system error as node:net would throw it (code, errno, syscall). */
export function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `E${errno}`;
  }
}

let instance: NativeRelay | null | undefined;

/** The process's native relay loop (created on first use), or null when unavailable. */
export function nativeRelay(): NativeRelay | null {
  if (process.env['GEODESIC_NATIVE_RELAY'] === '0') return null; // read each time: tests switch paths
  if (instance !== undefined) return instance;
  if (!nativeRelayStatus().available) return (instance = null);
  const addon = loadAddon().addon as unknown as RelayAddon;
  const ev = new Float64Array(EV_MAX * EV_FIELDS);
  const data = Buffer.alloc(DATA_BYTES); // not pooled: its own ArrayBuffer, offset 0
  const sinks: (RelayEventSink | undefined)[] = [];
  const onBatch = (count: number): void => {
    for (let i = 0, o = 0; i < count; i++, o += EV_FIELDS) {
      const sink = sinks[ev[o + 2] as number];
      if (sink) sink(ev[o] as RelayEventKind, ev[o + 1] as number, ev[o + 3] as number, ev[o + 4] as number, ev[o + 5] as number, ev[o + 6] as number, ev[o + 7] as number, data);
    }
  };
  addon.relayInit(onBatch, ev.buffer, data.buffer, {});
  instance = {
    listen(host, port, backlog, sink) {
      const [id, bound] = addon.relayListen(host, port, backlog);
      sinks[id] = sink;
      return {
        id,
        port: bound,
        configure: (acceptEvents, noDelay, helloMs, peekMax) =>
          addon.relayListenerSet(id, (acceptEvents ? F_ACCEPT_EVENTS : 0) | (noDelay ? F_NODELAY : 0), helloMs, peekMax),
        stop: (abort) => addon.relayListenerStop(id, abort),
        stats: () => addon.relayListenerStats(id),
      };
    },
    peek: (id) => void addon.relayPeek(id),
    consume: (id, n) => addon.relayConsume(id, n),
    connect: (id, addr, head, connectMs, idleMs, totalMs, keepAliveS, noDelay) =>
      addon.relayConnect(id, addr, head, connectMs, idleMs, totalMs, keepAliveS, noDelay),
    close: (id, fin) => void addon.relayClose(id, fin),
    address: (id, local) => addon.relayAddress(id, local),
    info: () => addon.relayInfo(),
    udpGroup(endpoint, sink) {
      const handle = endpointHandle(endpoint);
      if (!handle) throw Object.assign(new Error('udpGroup: an open native UDP endpoint expected'), { code: 'EBADF' });
      const group = addon.relayUdpGroup(endpoint.fd);
      sinks[group] = sink;
      addon.forwardTo(handle, group);
      let disposed = false;
      return {
        open: (upstream, client, head) => addon.relayUdpOpen(group, upstream, client, head),
        send: (id, datagram) => addon.relayUdpSend(id, datagram),
        state: (id) => addon.relayUdpState(id),
        close: (id) => addon.relayUdpClose(id),
        stats: () => addon.relayUdpGroupStats(group),
        dispose: () => {
          if (disposed) return;
          disposed = true;
          sinks[group] = undefined;
          addon.forwardTo(handle, -1);
          addon.relayUdpGroupClose(group);
        },
      };
    },
  };
  return instance;
}

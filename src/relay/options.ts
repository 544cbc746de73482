/** The relay's normalized options (what `RelayServer` runs); built from YAML by `relay-config.ts`. */
import type { ProxyVersion } from './proxy-protocol.js';

export type Balance = 'round-robin' | 'least-conn' | 'hash';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  /** 0 = unlimited. */
  readonly maxConnections: number;
}

export interface HealthCheckOptions {
  readonly type: 'tcp' | 'tls' | 'http';
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Successes in a row to come back up, failures in a row to go down. */
  readonly rise: number;
  readonly fall: number;
  /** http: request path; tls: SNI sent. */
  readonly path: string;
  readonly sni: string | undefined;
}

export interface PoolOptions {
  readonly name: string;
  readonly balance: Balance;
  readonly servers: readonly ServerOptions[];
  readonly proxyProtocol: ProxyVersion | undefined;
  readonly connectTimeoutMs: number;
  /** How many servers one connection may try (connect failure or timeout → next). */
  readonly tries: number;
  /** Passive health: this many failures within failTimeoutMs mark a server down for failTimeoutMs. */
  readonly maxFails: number;
  readonly failTimeoutMs: number;
  readonly healthCheck: HealthCheckOptions | undefined;
}

export interface RouteOptions {
  /** Exact names and `*.suffix` wildcards, lowercased, no trailing dot. */
  readonly sni: readonly string[];
  /** When set, the route applies only if the client offers one of these ALPN protocols. */
  readonly alpn: readonly string[] | undefined;
  readonly pool: string;
}

export interface ListenerOptions {
  readonly name: string;
  /** tcp: connections (TLS peeked for SNI); udp: per-client sessions (QUIC Initials peeked for SNI). */
  readonly protocol: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  /** false: do not wait for client bytes (server-speaks-first protocols, plain UDP); always the default pool. */
  readonly peek: boolean;
  readonly routes: readonly RouteOptions[];
  readonly defaultPool: string | undefined;
  readonly clientHelloTimeoutMs: number;
  readonly maxHelloBytes: number;
  readonly acceptProxyFrom: readonly string[];
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  /** 0 = unlimited for each of these. */
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  readonly connectionRatePerClient: number;
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly backlog: number;
}

export interface RelayOptions {
  readonly listeners: readonly ListenerOptions[];
  readonly pools: readonly PoolOptions[];
  /** The health/status HTTP listener (loopback is the sane choice). */
  readonly healthListen: { readonly host: string; readonly port: number } | undefined;
  readonly drainTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly noDelay: boolean;
}

export const DEFAULTS = {
  clientHelloTimeoutMs: 5000,
  maxHelloBytes: 16 * 1024,
  idleTimeoutMs: 600_000,
  udpIdleTimeoutMs: 120_000,
  totalTimeoutMs: 0,
  connectTimeoutMs: 5000,
  tries: 2,
  maxFails: 1,
  failTimeoutMs: 10_000,
  drainTimeoutMs: 30_000,
  keepAliveMs: 0,
  backlog: 4096,
} as const;

/**
 * Bytes a socket may queue before its peer is paused. Larger than Node's 16 KiB default so a bulk
 * stream pauses and resumes its reader (an epoll change each) far less often.
 */
export const SOCKET_BUFFER = 256 * 1024;

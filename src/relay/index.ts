/** Geodesic's L4 edge relay: TCP with TLS SNI routing, pools, health checks, PROXY protocol. */
export { RelayServer } from './relay-server.js';
export type { RelayStats, RelayHealth } from './relay-stats.js';
export { relayOptionsFromConfig, relayOptionsFromQuick } from './relay-config.js';
export type { QuickRelayArgs } from './relay-config.js';
export type { RelayOptions, ListenerOptions, PoolOptions, RouteOptions, ServerOptions, HealthCheckOptions, Balance } from './options.js';
export { RelayError, RelayErrorCode } from './errors.js';
export { peekClientHello, MAX_CLIENT_HELLO } from './sni.js';
export type { PeekResult, ClientHello } from './sni.js';
export { encodeProxyHeader, parseProxyHeader } from './proxy-protocol.js';
export type { ProxyVersion, ProxyAddresses } from './proxy-protocol.js';
export { connectionChannel, rejectChannel, healthChannel } from './channels.js';
export type { ConnectionEvent, RejectEvent, HealthEvent } from './channels.js';
export type { ListenerStats } from './listener-base.js';
export type { PoolStats } from './pool.js';
export type { UpstreamStats } from './upstream.js';
export { parseHostPort } from './address.js';

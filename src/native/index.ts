/**
 * src/native: the C addon (N-API) and its pure-JS fallbacks. Imports nothing from src/.
 * UDP: batched recvmmsg/sendmmsg over buffers shared with JavaScript; TCP relay: the connection
 * loop (accept, peek, connect, recv/send and splice(2)) in C (README.md).
 */
export { openUdp, nativeStatus } from './open-udp.js';
export type { OpenUdpOptions } from './open-udp.js';
export type { UdpBatch, UdpBatchHandler } from './udp-batch.js';
export { ADDR_BYTES } from './udp-batch.js';
export type { UdpEndpoint, UdpStats } from './udp-endpoint.js';
export { peerAddress, peerPort, addressRecord, recordAddress, recordPort } from './udp-address.js';
export { UdpBindError } from './errors.js';
export { createAnswerCache, ANSWER_CACHE_SLOTS, TAP_HEADER } from './answer-cache.js';
export type { AnswerCache, AnswerCacheStats, CacheRrlBuckets } from './answer-cache.js';
export { nativeRelay, nativeRelayStatus, errnoName, RelayEvent, RELAY_ENDS } from './relay-loop.js';
export type { NativeRelay, NativeListener, NativeListenerStats, NativeUdpGroup, NativeUdpGroupStats, RelayEventKind, RelayEventSink, RelayEnd, RelayInfo } from './relay-loop.js';

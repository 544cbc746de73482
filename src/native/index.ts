/**
 * src/native: the C addon (N-API) and its pure-JS fallbacks. Imports nothing from src/.
 * UDP: batched recvmmsg/sendmmsg over buffers shared with JavaScript (README.md).
 */
export { openUdp, nativeStatus } from './open-udp.js';
export type { OpenUdpOptions } from './open-udp.js';
export type { UdpBatch, UdpBatchHandler } from './udp-batch.js';
export { ADDR_BYTES } from './udp-batch.js';
export type { UdpEndpoint, UdpStats } from './udp-endpoint.js';
export { peerAddress, peerPort, addressRecord, recordAddress, recordPort } from './udp-address.js';
export { UdpBindError } from './errors.js';
export { createAnswerCache } from './answer-cache.js';
export type { AnswerCache, AnswerCacheStats } from './answer-cache.js';
export { startSplicePump, spliceStatus, spliceInfo } from './splice-pump.js';
export type { SplicePump, SplicePumpOptions, SpliceResult, SpliceEnd } from './splice-pump.js';

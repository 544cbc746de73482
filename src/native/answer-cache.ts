/**
 * An answer cache consulted inside the native batch loop: a query whose key is cached is answered in
 * C (its ID and QNAME letter case copied in) and never reaches the handler. Only JavaScript fills it
 * (put) and empties it (clear). Opt-in: pass it to openUdp({ cache }).
 *
 * Key: lowercased QNAME, QTYPE, QCLASS, the header flag bits as sent, EDNS presence, DO and the exact
 * EDNS UDP size. Only plain queries are cacheable: QR=0, OPCODE=0, one question, no other records but
 * one OPT (version 0, no options), so ECS, cookies, NSID and TSIG queries always reach the handler.
 * The caller must put only answers that are the same for every query with that key (static data; not
 * geo, not truncated or dropped by rate limiting, not depending on the source address) and must clear()
 * on every zone change. Hits bypass the handler: rateLimit() has the loop rate limit them itself over a
 * limiter's shared buckets; for the query log and per-query metrics, tap() keeps a record of every hit
 * that takeTap() hands over in bulk (see TAP_HEADER).
 * On the node:dgram path (or without the addon) the cache is inert: put() returns -1.
 */
import { loadAddon } from './addon.js';
import type { NativeAddon } from './addon.js';

export interface AnswerCacheStats {
  entries: number;
  hits: number;
  misses: number;
  puts: number;
  /** hit records the tap had no room for (taken too seldom) */
  tapDropped: number;
}

/**
 * A tap record (little-endian): [0] u16 record length, [2] u16 answer length, [4] u32 slot of the answer
 * (as put() returned it), [8] f64 wall-clock ms of the batch, [16] u32 ns per hit in the batch,
 * [20, 40) the client (the 20-byte address record of udp-batch.ts), then the query as received.
 */
export const TAP_HEADER = 40;

/** Slots by default (24 bytes each, plus each answer's own allocation). Direct-mapped: n distinct questions
 * asked alike are all held with probability about e^(-n/slots) each, so 18,000 names hit ~93% at 2^18
 * (~76% at 2^16). */
export const ANSWER_CACHE_SLOTS = 1 << 18;

export interface AnswerCache {
  /** false when the addon is unavailable: the cache then holds nothing */
  readonly native: boolean;
  /** stores `answer` for queries like `query` and returns the slot it went to (a later put may reuse
   *  it); -1 when the query is not cacheable or the answer's question section differs from the query's.
   *  `rrlToken`: the answer's response rate limiting token (with rateLimit) */
  put(query: Uint8Array, answer: Uint8Array, rrlToken?: number): number;
  clear(): void;
  stats(): AnswerCacheStats;
  /** starts keeping a record of every hit in a buffer of `bytes` (0 stops; records beyond are dropped) */
  tap(bytes: number): void;
  /** moves the hit records gathered so far into `out` (whole records); returns the bytes moved */
  takeTap(out: Uint8Array): number;
  /** rate limits the hits over a response rate limiter's own buckets (net/rrl.ts shared()), so hits and
   *  the engine's answers count alike; the token of each answer comes with put */
  rateLimit(buckets: CacheRrlBuckets): void;
}

/** A response rate limiter's state and settings (see net/rrl.ts); the arrays are shared, not copied. */
export interface CacheRrlBuckets {
  keys: Uint32Array;
  balance: Float64Array;
  stamp: Float64Array;
  limited: Uint32Array;
  counts: Float64Array;
  rate: number;
  slip: number;
  ipv4Prefix: number;
  ipv6Prefix: number;
  /** 18 bytes per network: family (4/6), prefix length, 16 address bytes. */
  exempt: Uint8Array;
}

/** The addon handle behind a cache (for openUdp), or null. */
export const cacheHandles = new WeakMap<AnswerCache, object>();

export function createAnswerCache(opts: { slots?: number; maxAnswer?: number } = {}): AnswerCache {
  const slots = opts.slots ?? ANSWER_CACHE_SLOTS;
  const maxAnswer = opts.maxAnswer ?? 4096;
  if (!Number.isInteger(slots) || slots < 1 || slots > 2 ** 24 || (slots & (slots - 1)) !== 0) {
    throw new RangeError(`slots must be a power of 2 up to 2^24, got ${slots}`);
  }
  const { addon } = loadAddon();
  if (!addon) {
    return {
      native: false, put: () => -1, clear: () => undefined, tap: () => undefined, takeTap: () => 0, rateLimit: () => undefined,
      stats: () => ({ entries: 0, hits: 0, misses: 0, puts: 0, tapDropped: 0 }),
    };
  }
  return nativeCache(addon, addon.cacheCreate(slots, maxAnswer));
}

function nativeCache(addon: NativeAddon, handle: object): AnswerCache {
  const cache: AnswerCache = {
    native: true,
    put: (query, answer, rrlToken = 0) => addon.cachePut(handle, query, answer, rrlToken >>> 0),
    clear: () => addon.cacheClear(handle),
    stats: () => addon.cacheStats(handle),
    tap: (bytes) => addon.cacheTap(handle, bytes),
    takeTap: (out) => addon.cacheTapTake(handle, out),
    rateLimit: (b) => addon.cacheRrl(handle, b.keys.buffer as ArrayBuffer, b.balance.buffer as ArrayBuffer, b.stamp.buffer as ArrayBuffer,
      b.limited.buffer as ArrayBuffer, b.counts.buffer as ArrayBuffer, b.rate, b.slip, b.ipv4Prefix, b.ipv6Prefix, b.exempt),
  };
  cacheHandles.set(cache, handle);
  return cache;
}

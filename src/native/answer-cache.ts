/**
 * An answer cache consulted inside the native batch loop: a query whose key is cached is answered in
 * C (its ID and QNAME letter case copied in) and never reaches the handler. Only JavaScript fills it
 * (put) and empties it (clear). Opt-in: pass it to openUdp({ cache }).
 *
 * Key: lowercased QNAME, QTYPE, QCLASS, the header flag bits as sent, EDNS presence, DO and the exact
 * EDNS UDP size. Only plain queries are cacheable: QR=0, OPCODE=0, one question, no other records but
 * one OPT (version 0, no options), so ECS, cookies, NSID and TSIG queries always reach the handler.
 * The caller must put only answers that are the same for every query with that key (static data; not
 * geo, not rate-limited, not depending on the source address) and must clear() on every zone change.
 * Hits bypass the handler: no per-query logging, metrics or response rate limiting for them.
 * On the node:dgram path (or without the addon) the cache is inert: put() returns false.
 */
import { loadAddon } from './addon.js';
import type { NativeAddon } from './addon.js';

export interface AnswerCacheStats {
  entries: number;
  hits: number;
  misses: number;
  puts: number;
}

export interface AnswerCache {
  /** false when the addon is unavailable: the cache then holds nothing */
  readonly native: boolean;
  /** stores `answer` for queries like `query`; false when the query is not cacheable or the answer's
   *  question section differs from the query's */
  put(query: Uint8Array, answer: Uint8Array): boolean;
  clear(): void;
  stats(): AnswerCacheStats;
}

/** The addon handle behind a cache (for openUdp), or null. */
export const cacheHandles = new WeakMap<AnswerCache, object>();

export function createAnswerCache(opts: { slots?: number; maxAnswer?: number } = {}): AnswerCache {
  const slots = opts.slots ?? 65536;
  const maxAnswer = opts.maxAnswer ?? 4096;
  if (!Number.isInteger(slots) || slots < 1 || slots > 2 ** 24 || (slots & (slots - 1)) !== 0) {
    throw new RangeError(`slots must be a power of 2 up to 2^24, got ${slots}`);
  }
  const { addon } = loadAddon();
  if (!addon) {
    return { native: false, put: () => false, clear: () => undefined, stats: () => ({ entries: 0, hits: 0, misses: 0, puts: 0 }) };
  }
  return nativeCache(addon, addon.cacheCreate(slots, maxAnswer));
}

function nativeCache(addon: NativeAddon, handle: object): AnswerCache {
  const cache: AnswerCache = {
    native: true,
    put: (query, answer) => addon.cachePut(handle, query, answer),
    clear: () => addon.cacheClear(handle),
    stats: () => addon.cacheStats(handle),
  };
  cacheHandles.set(cache, handle);
  return cache;
}

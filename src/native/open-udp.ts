/** openUdp: the native batched socket when the addon loaded, else node:dgram with the same batches. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { loadAddon } from './addon.js';
import { cacheHandles } from './answer-cache.js';
import type { AnswerCache } from './answer-cache.js';
import { UdpBindError } from './errors.js';
import type { UdpBatchHandler } from './udp-batch.js';
import { openDgram } from './udp-dgram.js';
import type { UdpEndpoint } from './udp-endpoint.js';
import { openNative } from './udp-native.js';

export interface OpenUdpOptions {
  /** numeric address ('127.0.0.1', '::1', '0.0.0.0', '::') or a name resolved once */
  host: string;
  /** 0 = any free port (see UdpEndpoint.port) */
  port: number;
  /** bytes per packet slot, default 4096; larger datagrams are dropped */
  slot?: number;
  /** packets per batch, default 64 */
  batch?: number;
  /** force the node:dgram path */
  fallback?: boolean;
  /** answer cache hits in C without calling the handler (native path only; see answer-cache.ts) */
  cache?: AnswerCache;
}

export async function openUdp(opts: OpenUdpOptions, handler: UdpBatchHandler): Promise<UdpEndpoint> {
  const slot = opts.slot ?? 4096;
  const batch = opts.batch ?? 64;
  if (!Number.isInteger(slot) || slot < 12 || slot > 65536) throw new RangeError(`slot must be 12..65536, got ${slot}`);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024) throw new RangeError(`batch must be 1..1024, got ${batch}`);
  try {
    const host = isIP(opts.host) ? opts.host : (await lookup(opts.host)).address;
    const family = isIP(host) === 6 ? 6 : 4;
    const { addon } = loadAddon();
    if (addon && !opts.fallback) {
      const cache = opts.cache ? cacheHandles.get(opts.cache) : undefined;
      return openNative(addon, family, host, opts.port, slot, batch, handler, cache);
    }
    return await openDgram(family, host, opts.port, slot, batch, handler);
  } catch (err) {
    throw new UdpBindError(opts.host, opts.port, err);
  }
}

/** Whether the native path is available, and if not, why (say it once at start). */
export function nativeStatus(): { available: boolean; reason: string | null } {
  const { addon, reason } = loadAddon();
  return { available: addon !== null, reason };
}

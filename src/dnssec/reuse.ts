import type { Zone } from '../zone/index.js';
import type { DnssecKey } from './key.js';
import type { RRsetToSign } from './rrsig.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
}

/**
 * Signatures of a previous signed snapshot that can serve again: the RRset is the same (TTL and every
 * rdata), and each signing key has a signature there that still has more than `refresh` seconds to
 * run (and was made with the same original TTL). Returns null when any key would need a new one.
 */
export function reusableSigs(prev: Zone, nodeKey: string, set: RRsetToSign, by: readonly DnssecKey[], now: number, refresh: number): Uint8Array[] | null {
  const node = prev.node(nodeKey);
  if (node === undefined) return null;
  const old = node.peek(set.type);
  if (old === undefined || old.ttl !== set.ttl || old.rdata.length !== set.rdata.length) return null;
  for (let i = 0; i < old.rdata.length; i++) if (!sameBytes(old.rdata[i]!, set.rdata[i]!)) return null;
  const sigs = node.sigs(set.type);
  if (sigs === undefined) return null;
  const out: Uint8Array[] = [];
  for (const k of by) {
    const sig = sigs.rdata.find((rd) => rd[2] === k.algorithm && ((rd[16]! << 8) | rd[17]!) === k.keyTag &&
      u32(rd, 4) === set.ttl && u32(rd, 8) - now > refresh && u32(rd, 12) <= now);
    if (sig === undefined) return null;
    out.push(sig);
  }
  return out;
}

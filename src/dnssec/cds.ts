import { RRType } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { dsRdata } from './ds.js';
import { dnskeyRdata, isSep } from './key.js';
import type { DnssecKey } from './key.js';
import type { RRsetToSign } from './rrsig.js';

/** 'publish': CDS (SHA-256) and CDNSKEY of the SEP keys (RFC 7344); 'delete': ask the parent to drop the DS (RFC 8078 §4). */
export type CdsMode = 'publish' | 'delete';

/** The apex CDS and CDNSKEY RRsets for `mode` (none when no published key has the SEP bit). */
export function cdsSets(origin: Name, published: readonly DnssecKey[], mode: CdsMode, ttl: number): RRsetToSign[] {
  if (mode === 'delete') {
    return [
      { name: origin, type: RRType.CDS, ttl, rdata: [Uint8Array.of(0, 0, 0, 0, 0)] },
      { name: origin, type: RRType.CDNSKEY, ttl, rdata: [Uint8Array.of(0, 0, 3, 0, 0)] },
    ];
  }
  const sep = published.filter(isSep).map(dnskeyRdata);
  if (sep.length === 0) return [];
  return [
    { name: origin, type: RRType.CDS, ttl, rdata: sortBytes(sep.map((k) => dsRdata(origin, k, 2))) },
    { name: origin, type: RRType.CDNSKEY, ttl, rdata: sortBytes(sep) },
  ];
}

/** Rdata in RFC 4034 §6.3 order (types without embedded names: plain byte order). */
export function sortBytes(rdata: Uint8Array[]): Uint8Array[] {
  return rdata.sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
}

import { createHash } from 'node:crypto';
import { nameLower } from '../wire/index.js';
import type { Name } from '../wire/index.js';

/** A DS record's fields. */
export interface DsFields {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: string;
}

/** RFC 4034 appendix B key tag of a DNSKEY rdata. */
export function keyTag(dnskey: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < dnskey.length; i++) ac += (i & 1) !== 0 ? dnskey[i]! : dnskey[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** The DS (SHA-256, digest type 2) of a DNSKEY owned by `owner` (RFC 4509). */
export function dsFromDnskey(owner: Name, dnskey: Uint8Array): DsFields {
  const h = createHash('sha256');
  h.update(nameLower(owner));
  h.update(dnskey);
  return { keyTag: keyTag(dnskey), algorithm: dnskey[3]!, digestType: 2, digest: h.digest('hex').toUpperCase() };
}

export function dsFromRdata(rdata: Uint8Array): DsFields {
  return {
    keyTag: (rdata[0]! << 8) | rdata[1]!, algorithm: rdata[2]!, digestType: rdata[3]!,
    digest: Buffer.from(rdata.subarray(4)).toString('hex').toUpperCase(),
  };
}

/** True when `ds` matches the key (same tag and algorithm, and, for SHA-1/SHA-256/SHA-384, the digest). */
export function dsMatchesKey(ds: DsFields, owner: Name, dnskey: Uint8Array): boolean {
  if (ds.keyTag !== keyTag(dnskey) || ds.algorithm !== dnskey[3]) return false;
  const algo = ({ 1: 'sha1', 2: 'sha256', 4: 'sha384' } as Record<number, string>)[ds.digestType];
  if (algo === undefined) return false;
  const h = createHash(algo);
  h.update(nameLower(owner));
  h.update(dnskey);
  return h.digest('hex').toUpperCase() === ds.digest;
}

export const dsText = (ds: DsFields): string => `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`;

import { RRClass, nameLabelCount, nameLower, rdataCanonical } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { algorithmOf } from './algorithms.js';
import type { DnssecKey } from './key.js';

/** Signature validity, in seconds since the epoch (RRSIG inception and expiration, u32). */
export interface SignWindow { readonly inception: number; readonly expiration: number }

/** What an RRSIG is made over: one RRset (owner lower-cased, rdata in canonical order). */
export interface RRsetToSign { readonly name: Name; readonly type: number; readonly ttl: number; readonly rdata: readonly Uint8Array[] }

/** RRSIG labels field: the owner's labels, not counting the root or a leading `*` (RFC 4034 §3.1.3). */
function labelsOf(owner: Name): number {
  const n = nameLabelCount(owner);
  return owner[0] === 1 && owner[1] === 42 ? n - 1 : n;
}

function u32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24; b[p + 1] = (v >>> 16) & 0xff; b[p + 2] = (v >>> 8) & 0xff; b[p + 3] = v & 0xff;
}

/**
 * The RRSIG rdata of `set` signed by `key` (RFC 4034 §3.1.8.1): the signed data is the RRSIG rdata
 * without the signature followed by each record in canonical form. `set.rdata` must already be in
 * canonical order (zone RRsets are); embedded names are lower-cased here.
 */
export function signRRset(set: RRsetToSign, signer: Name, key: DnssecKey, win: SignWindow): Uint8Array {
  const owner = nameLower(set.name);
  const signerName = nameLower(signer);
  const head = new Uint8Array(18 + signerName.length);
  head[0] = set.type >> 8; head[1] = set.type & 0xff;
  head[2] = key.algorithm;
  head[3] = labelsOf(owner);
  u32(head, 4, set.ttl);
  u32(head, 8, win.expiration);
  u32(head, 12, win.inception);
  head[16] = key.keyTag >> 8; head[17] = key.keyTag & 0xff;
  head.set(signerName, 18);
  const rdatas = set.rdata.map((rd) => rdataCanonical(set.type, rd));
  let size = head.length;
  for (const rd of rdatas) size += owner.length + 10 + rd.length;
  const data = new Uint8Array(size);
  data.set(head, 0);
  let p = head.length;
  for (const rd of rdatas) {
    data.set(owner, p); p += owner.length;
    data[p++] = set.type >> 8; data[p++] = set.type & 0xff;
    data[p++] = RRClass.IN >> 8; data[p++] = RRClass.IN & 0xff;
    u32(data, p, set.ttl); p += 4;
    data[p++] = rd.length >> 8; data[p++] = rd.length & 0xff;
    data.set(rd, p); p += rd.length;
  }
  const sig = algorithmOf(key.algorithm).sign(key.privateKey, data);
  const out = new Uint8Array(head.length + sig.length);
  out.set(head, 0);
  out.set(sig, head.length);
  return out;
}

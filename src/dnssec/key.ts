import type { KeyObject } from 'node:crypto';
import { algorithmOf } from './algorithms.js';

/** DNSKEY flags: 256 = zone key (ZSK), 257 = zone key + secure entry point (KSK or CSK). */
export const ZSK_FLAGS = 256;
export const SEP_FLAGS = 257;

/** A signing key in memory. `active` keys sign; `published` keys are in the DNSKEY RRset. */
export interface DnssecKey {
  readonly algorithm: number;
  readonly flags: number;
  readonly privateKey: KeyObject;
  /** The DNSKEY public key field. */
  readonly publicKey: Uint8Array;
  readonly keyTag: number;
  readonly active: boolean;
  readonly published: boolean;
}

export interface KeyOptions { flags?: number; active?: boolean; published?: boolean }

/** A key around an existing private key (key files, the store). */
export function makeKey(algorithm: number | string, privateKey: KeyObject, opts: KeyOptions = {}): DnssecKey {
  const alg = algorithmOf(algorithm);
  const flags = opts.flags ?? SEP_FLAGS;
  const publicKey = alg.publicKey(privateKey);
  const keyTag = keyTagOf(dnskeyRdataOf(flags, alg.number, publicKey));
  return { algorithm: alg.number, flags, privateKey, publicKey, keyTag, active: opts.active ?? true, published: opts.published ?? true };
}

/** A fresh key; by default a CSK (flags 257) of algorithm 13 (ECDSA P-256), active and published. */
export function generateKey(algorithm: number | string = 13, opts: KeyOptions = {}): DnssecKey {
  return makeKey(algorithm, algorithmOf(algorithm).generate(), opts);
}

function dnskeyRdataOf(flags: number, algorithm: number, publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + publicKey.length);
  out[0] = flags >> 8;
  out[1] = flags & 0xff;
  out[2] = 3;
  out[3] = algorithm;
  out.set(publicKey, 4);
  return out;
}

/** The DNSKEY rdata of a key (RFC 4034 §2.1; protocol 3). */
export function dnskeyRdata(key: DnssecKey): Uint8Array {
  return dnskeyRdataOf(key.flags, key.algorithm, key.publicKey);
}

/** RFC 4034 Appendix B key tag of DNSKEY rdata (algorithms other than 1). */
export function keyTagOf(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += (i & 1) ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** True for a key with the SEP bit (KSK or CSK): it signs the DNSKEY RRset and has a DS at the parent. */
export function isSep(key: DnssecKey): boolean {
  return (key.flags & 1) === 1;
}

/**
 * The keys that sign data: per algorithm, its ZSKs, or its SEP keys when it has no ZSK (a CSK; the new
 * algorithm in an algorithm rollover), so every algorithm of the DNSKEY RRset signs every RRset.
 */
export function dataSigners(active: readonly DnssecKey[]): DnssecKey[] {
  const out: DnssecKey[] = [];
  for (const alg of new Set(active.map((k) => k.algorithm))) {
    const of = active.filter((k) => k.algorithm === alg);
    const zsk = of.filter((k) => !isSep(k));
    out.push(...(zsk.length > 0 ? zsk : of));
  }
  return out;
}

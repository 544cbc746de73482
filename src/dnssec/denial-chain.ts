import { RRType } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { nsec3Hash, base32hexLower } from '../zone/index.js';
import { typeBitmap } from './type-bitmap.js';

/**
 * One owner of the denial chain: its name, node key and the types its NSEC3 lists (RRSIG included when
 * the owner has signatures). NSEC adds RRSIG and NSEC itself.
 */
export interface ChainEntry { readonly name: Name; readonly key: string; readonly types: number[] }

/** A record of the chain, ready for the zone builder and the signer. */
export interface ChainRecord { readonly key: string; readonly name: Name; readonly rdata: Uint8Array }

export interface Nsec3Options {
  /** Extra hash iterations (RFC 9276: 0, the default). */
  iterations?: number;
  /** Salt (RFC 9276: empty, the default). */
  salt?: Uint8Array;
  /** Opt-out (RFC 5155 §6): insecure delegations get no NSEC3 of their own. */
  optOut?: boolean;
}

/** NSEC records (RFC 4034 §4) for `entries` in canonical order: each names the next, the last the first. */
export function nsecChain(entries: readonly ChainEntry[]): ChainRecord[] {
  return entries.map((e, i) => {
    const next = entries[(i + 1) % entries.length]!.name;
    const bitmap = typeBitmap([...e.types, RRType.RRSIG, RRType.NSEC]);
    const rdata = new Uint8Array(next.length + bitmap.length);
    rdata.set(next, 0);
    rdata.set(bitmap, next.length);
    return { key: e.key, name: e.name, rdata };
  });
}

/** NSEC3PARAM rdata for the chain's parameters (flags 0: opt-out is a flag of the NSEC3 records). */
export function nsec3ParamRdata(opts: Nsec3Options): Uint8Array {
  const salt = opts.salt ?? new Uint8Array(0);
  const iterations = opts.iterations ?? 0;
  return Uint8Array.from([1, 0, iterations >> 8, iterations & 0xff, salt.length, ...salt]);
}

/** An entry with its NSEC3 hash. */
export interface HashedEntry { readonly e: ChainEntry; readonly hash: Uint8Array; readonly label: string }

/** Hashes the entries (RFC 5155 §5), yielding now and then: 100k names take about a second. */
export function* hashEntries(entries: readonly ChainEntry[], opts: Nsec3Options): Generator<void, HashedEntry[]> {
  const salt = opts.salt ?? new Uint8Array(0);
  const iterations = opts.iterations ?? 0;
  const out: HashedEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i % 256 === 255) yield;
    const e = entries[i]!;
    const hash = nsec3Hash(e.name, salt, iterations);
    out.push({ e, hash, label: base32hexLower(hash) });
  }
  return out;
}

/**
 * NSEC3 records (RFC 5155 §7.1) for hashed entries: owner base32hex(H(name)).origin, sorted by hash,
 * each pointing at the next hash. `types` is empty for an empty non-terminal.
 */
export function nsec3Chain(hashed: HashedEntry[], origin: Name, originKey: string, opts: Nsec3Options): ChainRecord[] {
  const salt = opts.salt ?? new Uint8Array(0);
  const iterations = opts.iterations ?? 0;
  hashed.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const head = Uint8Array.from([1, opts.optOut ? 1 : 0, iterations >> 8, iterations & 0xff, salt.length, ...salt]);
  const out: ChainRecord[] = [];
  for (let i = 0; i < hashed.length; i++) {
    const h = hashed[i]!;
    if (i > 0 && hashed[i - 1]!.label === h.label) continue; // a SHA-1 collision: keep the first
    const next = hashed[(i + 1) % hashed.length]!.hash;
    const bitmap = typeBitmap(h.e.types);
    const rdata = new Uint8Array(head.length + 1 + next.length + bitmap.length);
    rdata.set(head, 0);
    rdata[head.length] = next.length;
    rdata.set(next, head.length + 1);
    rdata.set(bitmap, head.length + 1 + next.length);
    const len = h.label.length;
    const name = new Uint8Array(1 + len + origin.length);
    name[0] = len;
    for (let c = 0; c < len; c++) name[1 + c] = h.label.charCodeAt(c);
    name.set(origin, 1 + len);
    out.push({ key: String.fromCharCode(len) + h.label + originKey, name, rdata });
  }
  return out;
}

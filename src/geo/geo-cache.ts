import type { Network } from './address.js';
import { networkHas, networkToText } from './address.js';
import type { Reads } from './evaluation.js';
import { scopeOf } from './evaluation.js';
import type { GeoIp, GeoLocation } from './geoip.js';

/**
 * What the evaluations of one record (one name's LUA RRset, for one query type) have read so far: the
 * union of their Reads. Lookups are keyed on exactly these inputs; when an evaluation reads more, the
 * profile grows and its version changes, so entries keyed on less are uncacheable found again.
 */
interface Profile {
  geo: boolean;
  address: boolean;
  masks: Network[];
  maskText: Set<string>;
  uncacheable: boolean;
  version: number;
}

interface Entry<T> {
  next: Entry<T> | null;
  readonly hash: number;
  readonly record: object;
  readonly qtype: number;
  readonly qname: Uint8Array; // lower-cased
  readonly version: number;
  readonly generation: number;
  readonly parts: Float64Array | null;
  readonly maskBits: number;
  readonly address: Uint8Array | null;
  readonly value: T;
}

/** Up to this many netmask rules are keyed as bits; a record testing more is keyed on the address. */
const MAX_MASKS = 30;

/**
 * Answers of LUA records keyed on exactly the inputs their evaluation read: the GeoIP record pointers
 * of the client address, the outcome of each netmask rule, the full address (hashing), uncacheable more.
 * A lookup costs one GeoIP tree walk, a hash and a compare; nothing is allocated.
 */
export class GeoCache<T> {
  private readonly profiles = new WeakMap<object, Map<number, Profile>>();
  private readonly table = new Map<number, Entry<T>>();
  private count = 0;
  private readonly loc: GeoLocation | null;
  /** After a lookup or store: the ECS scope prefix for the address asked about. */
  scope = 0;
  private maskBits = 0;

  constructor(private readonly geo: GeoIp | null, private readonly capacity = 100_000) {
    this.loc = geo === null ? null : geo.newLocation();
  }

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  private profile(record: object, qtype: number): Profile | undefined {
    return this.profiles.get(record)?.get(qtype);
  }

  /** The key hash of the question for this profile and address; fills loc, maskBits and scope. */
  private key(p: Profile, qname: Uint8Array, qtype: number, address: Uint8Array, sourcePrefix: number): number {
    let h = Math.imul(0x811c9dc5 ^ qtype, 0x01000193) ^ p.version;
    for (let i = 0; i < qname.length; i++) h = Math.imul(h ^ lower(qname[i]!), 0x01000193);
    let geoPrefix = 0;
    if (p.geo && this.geo !== null) {
      const loc = this.geo.locate(address, this.loc!);
      h = Math.imul(h ^ loc.hash, 0x01000193);
      geoPrefix = loc.prefix;
    }
    let bits = 0;
    for (let i = 0; i < p.masks.length; i++) if (networkHas(p.masks[i]!, address)) bits |= 1 << i;
    this.maskBits = bits;
    h = Math.imul(h ^ bits, 0x01000193);
    if (p.address) for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address[i]!, 0x01000193);
    this.scope = scopeOf(p, address, geoPrefix, sourcePrefix);
    return (h ^ (h >>> 16)) & 0x3fffffff;
  }

  /**
   * The cached value for a record asked by `qname`/`qtype` from `address` (ECS network address or
   * source; `sourcePrefix` its ECS source prefix, or the full length), or undefined. Sets `scope`.
   */
  lookup(record: object, qname: Uint8Array, qtype: number, address: Uint8Array, sourcePrefix: number): T | undefined {
    const p = this.profile(record, qtype);
    if (p === undefined || p.uncacheable) return undefined;
    const hash = this.key(p, qname, qtype, address, sourcePrefix);
    const gen = this.geo?.generation ?? 0;
    for (let e = this.table.get(hash) ?? null; e !== null; e = e.next) {
      if (e.record !== record || e.qtype !== qtype || e.version !== p.version || e.generation !== gen ||
        e.maskBits !== this.maskBits || !sameName(e.qname, qname)) continue;
      if (e.parts !== null && !sameParts(e.parts, this.loc!.parts)) continue;
      if (e.address !== null && !sameBytes(e.address, address)) continue;
      return e.value;
    }
    return undefined;
  }

  /**
   * Keeps the value of an evaluation that read `reads` (uncacheable reads are not kept). Sets `scope`.
   */
  store(record: object, qname: Uint8Array, qtype: number, address: Uint8Array, sourcePrefix: number, reads: Reads,
    value: T): void {
    const p = this.grow(record, qtype, reads);
    if (p.uncacheable) {
      this.scope = sourcePrefix;
      return;
    }
    const hash = this.key(p, qname, qtype, address, sourcePrefix);
    if (this.count >= this.capacity) this.clear();
    const entry: Entry<T> = {
      next: this.table.get(hash) ?? null, hash, record, qtype, qname: lowerCopy(qname), version: p.version,
      generation: this.geo?.generation ?? 0, parts: p.geo && this.loc !== null ? this.loc.parts.slice() : null,
      maskBits: this.maskBits, address: p.address ? address.slice() : null, value,
    };
    this.table.set(hash, entry);
    this.count++;
  }

  /** The scope for an evaluation that was not cached (reads as given). */
  scopeFor(reads: Reads, address: Uint8Array, sourcePrefix: number): number {
    const prefix = reads.geo && this.geo !== null ? this.geo.locate(address, this.loc!).prefix : 0;
    return scopeOf(reads, address, prefix, sourcePrefix);
  }

  private grow(record: object, qtype: number, reads: Reads): Profile {
    let byType = this.profiles.get(record);
    if (byType === undefined) {
      byType = new Map();
      this.profiles.set(record, byType);
    }
    let p = byType.get(qtype);
    if (p === undefined) {
      p = { geo: false, address: false, masks: [], maskText: new Set(), uncacheable: false, version: 0 };
      byType.set(qtype, p);
    }
    let changed = false;
    if (reads.geo && !p.geo) { p.geo = true; changed = true; }
    if (reads.address && !p.address) { p.address = true; changed = true; }
    if (reads.uncacheable && !p.uncacheable) { p.uncacheable = true; changed = true; }
    for (const m of reads.masks) {
      const t = networkToText(m);
      if (p.maskText.has(t)) continue;
      p.maskText.add(t);
      p.masks.push(m);
      changed = true;
    }
    if (p.masks.length > MAX_MASKS && !p.address) { p.address = true; p.masks = []; changed = true; }
    if (changed) p.version++;
    return p;
  }
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function lowerCopy(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = lower(b[i]!);
  return out;
}

function sameName(lowered: Uint8Array, b: Uint8Array): boolean {
  if (lowered.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (lowered[i] !== lower(b[i]!)) return false;
  return true;
}

function sameParts(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

import { RRType } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { SlabRRset, type RRset } from './rrset.js';
import { keyToName } from './name-key.js';

/** Bytes before each RRset's rdata in the zone slab: type u16, ttl u32, count u16, rdata bytes u32. */
export const SET_HEADER = 12;

/**
 * One owner name of a zone (or an empty non-terminal). Built by ZoneBuilder, then read-only.
 * Kept small for million-record zones: the RRsets live in the zone's byte slab as
 * `[header][u16 len][rdata]...` runs starting at `off`; an RRset object is made the first time it is
 * asked for and kept, and `name` is made from `key` on first use.
 */
export class ZoneNode {
  /** @internal the zone's slab (null for an empty non-terminal) */
  slab: Uint8Array | null = null;
  /** @internal offset of the first RRset header in `slab` */
  off = 0;
  /** @internal number of RRsets other than RRSIG, sorted by type */
  nsets = 0;
  /** @internal RRSIG RRsets, one per covered type (type 46, rdata all covering the same type). */
  sigSets: readonly SlabRRset[] | null = null;
  /** @internal set by the builder */
  isApex = false;
  /** @internal order of first appearance while loading */
  ord: number;
  private cache: SlabRRset | (SlabRRset | undefined)[] | null = null;
  private nameCache: Name | null = null;

  constructor(readonly key: string, ord: number) {
    this.ord = ord;
  }

  get name(): Name {
    return this.nameCache ??= keyToName(this.key);
  }

  /** The name if it was already made (no allocation). */
  peekName(): Name | null {
    return this.nameCache;
  }

  /** Offset of the header of the i-th RRset. */
  private at(i: number): number {
    const s = this.slab!;
    let p = this.off;
    for (let k = 0; k < i; k++) p += SET_HEADER + ((s[p + 8]! << 24) >>> 0) + (s[p + 9]! << 16) + (s[p + 10]! << 8) + s[p + 11]!;
    return p;
  }

  private make(p: number): SlabRRset {
    const s = this.slab!;
    const ttl = ((s[p + 2]! << 24) >>> 0) + (s[p + 3]! << 16) + (s[p + 4]! << 8) + s[p + 5]!;
    return new SlabRRset(this, (s[p]! << 8) | s[p + 1]!, ttl, s, p + SET_HEADER, (s[p + 6]! << 8) | s[p + 7]!);
  }

  /** The i-th RRset (RRSIG excluded), made once and kept. */
  setAt(i: number): SlabRRset {
    if (this.nsets === 1) return (this.cache as SlabRRset | null) ?? (this.cache = this.make(this.off));
    const c = (this.cache as (SlabRRset | undefined)[] | null) ?? (this.cache = new Array<SlabRRset | undefined>(this.nsets));
    return c[i] ?? (c[i] = this.make(this.at(i)));
  }

  /** The i-th RRset for one pass: the kept object if it exists, else a copy that is not kept. */
  transientAt(i: number): RRset {
    const c = this.cache;
    const kept = c === null ? undefined : this.nsets === 1 ? c as SlabRRset : (c as (SlabRRset | undefined)[])[i];
    return kept ?? this.make(this.at(i)).transient();
  }

  /** Index of the RRset of `type`, or -1. */
  indexOf(type: number): number {
    const s = this.slab;
    if (s === null) return -1;
    let p = this.off;
    for (let i = 0; i < this.nsets; i++) {
      const t = (s[p]! << 8) | s[p + 1]!;
      if (t === type) return i;
      if (t > type) return -1;
      p += SET_HEADER + ((s[p + 8]! << 24) >>> 0) + (s[p + 9]! << 16) + (s[p + 10]! << 8) + s[p + 11]!;
    }
    return -1;
  }

  get(type: number): RRset | undefined {
    const i = this.indexOf(type);
    return i < 0 ? undefined : this.setAt(i);
  }

  /** Like get, but an RRset not yet kept comes as a one-pass copy (checks and walks do not grow the zone). */
  peek(type: number): RRset | undefined {
    const i = this.indexOf(type);
    return i < 0 ? undefined : this.transientAt(i);
  }

  has(type: number): boolean {
    return this.indexOf(type) >= 0;
  }

  /** The RRsets other than RRSIG, by type (all made and kept). */
  get sets(): readonly SlabRRset[] {
    const out: SlabRRset[] = [];
    for (let i = 0; i < this.nsets; i++) out.push(this.setAt(i));
    return out;
  }

  /** Types present, ascending, RRSIG excluded. */
  types(): Iterable<number> {
    const out: number[] = [];
    const s = this.slab;
    let p = this.off;
    for (let i = 0; i < this.nsets; i++) {
      out.push((s![p]! << 8) | s![p + 1]!);
      p += SET_HEADER + ((s![p + 8]! << 24) >>> 0) + (s![p + 9]! << 16) + (s![p + 10]! << 8) + s![p + 11]!;
    }
    return out;
  }

  /** Every RRset, RRSIGs after the others. */
  rrsets(): readonly RRset[] {
    return this.sigSets ? [...this.sets, ...this.sigSets] : this.sets;
  }

  /** RRSIGs of this node covering `coveredType` (pre-signed zones). */
  sigs(coveredType: number): RRset | undefined {
    const s = this.sigSets;
    if (s === null) return undefined;
    for (let i = 0; i < s.length; i++) if (s[i]!.covered === coveredType) return s[i];
    return undefined;
  }

  get isEmptyNonTerminal(): boolean {
    return this.nsets === 0 && this.sigSets === null;
  }

  /** NS at a name other than the apex: a zone cut. */
  get isDelegation(): boolean {
    return !this.isApex && this.indexOf(RRType.NS) >= 0;
  }

  get rrsetCount(): number {
    return this.nsets + (this.sigSets ? this.sigSets.length : 0);
  }

  get recordCount(): number {
    let n = 0;
    const s = this.slab;
    let p = this.off;
    for (let i = 0; i < this.nsets; i++) {
      n += (s![p + 6]! << 8) | s![p + 7]!;
      p += SET_HEADER + ((s![p + 8]! << 24) >>> 0) + (s![p + 9]! << 16) + (s![p + 10]! << 8) + s![p + 11]!;
    }
    if (this.sigSets) for (const x of this.sigSets) n += x.count;
    return n;
  }
}

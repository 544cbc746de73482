import { RRType } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { RRset, SlabRRset } from './rrset.js';
import { keyToName } from './name-key.js';

const NO_SETS: readonly SlabRRset[] = Object.freeze([]);

/**
 * One owner name of a zone (or an empty non-terminal). Built by ZoneBuilder, then read-only.
 * Kept small for million-record zones: one RRset is held without an array, `name` is made from
 * `key` on first use and kept.
 */
export class ZoneNode {
  /** @internal RRsets other than RRSIG, sorted by type: null, one RRset, or an array. */
  data: SlabRRset | readonly SlabRRset[] | null = null;
  /** @internal RRSIG RRsets, one per covered type (type 46, rdata all covering the same type). */
  sigSets: readonly SlabRRset[] | null = null;
  /** @internal set by the builder */
  isApex = false;
  /** @internal order of first appearance while loading */
  ord: number;
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

  /** The RRsets other than RRSIG, by type. */
  get sets(): readonly SlabRRset[] {
    const d = this.data;
    return d === null ? NO_SETS : Array.isArray(d) ? d as readonly SlabRRset[] : [d as SlabRRset];
  }

  get(type: number): RRset | undefined {
    const d = this.data;
    if (d === null) return undefined;
    if (!Array.isArray(d)) return (d as SlabRRset).type === type ? d as SlabRRset : undefined;
    for (let i = 0; i < d.length; i++) if ((d[i] as SlabRRset).type === type) return d[i] as SlabRRset;
    return undefined;
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  /** Types present, ascending, RRSIG excluded. */
  types(): Iterable<number> {
    return this.sets.map((s) => s.type);
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
    return this.data === null && this.sigSets === null;
  }

  /** NS at a name other than the apex: a zone cut. */
  get isDelegation(): boolean {
    return !this.isApex && this.get(RRType.NS) !== undefined;
  }

  get rrsetCount(): number {
    return this.sets.length + (this.sigSets ? this.sigSets.length : 0);
  }

  get recordCount(): number {
    let n = 0;
    for (const s of this.sets) n += s.count;
    if (this.sigSets) for (const s of this.sigSets) n += s.count;
    return n;
  }
}

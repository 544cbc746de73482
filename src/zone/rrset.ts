import type { Name } from '../wire/index.js';
import { keyToName } from './name-key.js';

/** One RRset of a zone: lower-cased owner, uncompressed wire rdata in canonical order, deduplicated. */
export interface RRset {
  readonly name: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
}

/** What an RRset needs of its node: the owner name (made lazily by ZoneNode). */
export interface RRsetOwner { readonly name: Name; readonly key: string; peekName(): Name | null }

/**
 * An RRset whose rdata live in the zone's shared slab as `[u16 length][bytes]...`. The Uint8Array
 * views are made on first use of `rdata` and kept (a 1M-record zone holds no view it never served).
 */
export class SlabRRset implements RRset {
  private views: Uint8Array[] | null = null;

  constructor(
    readonly node: RRsetOwner,
    readonly type: number,
    readonly ttl: number,
    private readonly slab: Uint8Array,
    private readonly offset: number,
    readonly count: number,
  ) {}

  get name(): Name {
    return this.node.name;
  }

  /** For an RRSIG set: the type its signatures cover (read from the first rdata). */
  get covered(): number {
    const p = this.offset + 2;
    return this.count > 0 ? (this.slab[p]! << 8) | this.slab[p + 1]! : 0;
  }

  get rdata(): readonly Uint8Array[] {
    return this.views ??= this.materialize();
  }

  /**
   * This RRset for one pass (AXFR, printing): the cached views if any, else a plain object whose views
   * are not kept, so walking a whole zone does not leave a view per record behind.
   */
  transient(): RRset {
    if (this.views !== null) return this;
    const name = this.node.peekName() ?? keyToName(this.node.key);
    return { name, type: this.type, ttl: this.ttl, rdata: this.materialize() };
  }

  private materialize(): Uint8Array[] {
    const out: Uint8Array[] = new Array<Uint8Array>(this.count);
    const slab = this.slab;
    let p = this.offset;
    for (let i = 0; i < this.count; i++) {
      const len = (slab[p]! << 8) | slab[p + 1]!;
      out[i] = slab.subarray(p + 2, p + 2 + len);
      p += 2 + len;
    }
    return out;
  }
}

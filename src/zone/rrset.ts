import type { Name } from '../wire/index.js';
import type { ZoneNode } from './zone-node.js';

/** One RRset of a zone: lower-cased owner, uncompressed wire rdata in canonical order, deduplicated. */
export interface RRset {
  readonly name: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: readonly Uint8Array[];
}

/**
 * An RRset whose rdata live in the zone's shared slab as `[u16 length][bytes]...`. The Uint8Array
 * views are made on first use of `rdata` and kept (a 1M-record zone holds no view it never served).
 */
export class SlabRRset implements RRset {
  private views: Uint8Array[] | null = null;

  constructor(
    readonly node: ZoneNode,
    readonly type: number,
    readonly ttl: number,
    private readonly slab: Uint8Array,
    private readonly offset: number,
    readonly count: number,
  ) {}

  get name(): Name {
    return this.node.name;
  }

  get rdata(): readonly Uint8Array[] {
    return this.views ??= this.materialize();
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

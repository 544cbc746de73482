import type { ZoneNode } from './zone-node.js';

/** Changed owners of a new zone version: the new node, or null when the name is gone. */
export type NodeChanges = ReadonlyMap<string, ZoneNode | null>;

/**
 * The node map of a zone version: a shared base Map plus a small layer of changes (a write to a big
 * zone copies the layer, never the base). The layer is folded into a new base once it outgrows about
 * twice the square root of the base (the copy cost is then spread over as many writes as it holds).
 */
export class NodeMap {
  constructor(
    private readonly base: ReadonlyMap<string, ZoneNode>,
    private readonly top: ReadonlyMap<string, ZoneNode | null> | null = null,
    readonly size = base.size,
  ) {}

  get(key: string): ZoneNode | undefined {
    if (this.top !== null) {
      const n = this.top.get(key);
      if (n !== undefined) return n ?? undefined;
    }
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every node, unordered. */
  *values(): IterableIterator<ZoneNode> {
    const top = this.top;
    if (top === null) {
      yield* this.base.values();
      return;
    }
    for (const [k, n] of this.base) if (!top.has(k)) yield n;
    for (const n of top.values()) if (n !== null) yield n;
  }

  /** A new version with `changes` applied (this one is left as it is). */
  with(changes: NodeChanges): NodeMap {
    let size = this.size;
    for (const [k, n] of changes) {
      const had = this.get(k) !== undefined;
      if (had && n === null) size--;
      else if (!had && n !== null) size++;
    }
    const layer = new Map<string, ZoneNode | null>(this.top ?? []);
    for (const [k, n] of changes) {
      // a name the base never had needs no tombstone
      if (n === null && !this.base.has(k)) layer.delete(k);
      else layer.set(k, n);
    }
    if (layer.size <= Math.max(1024, 2 * Math.sqrt(this.base.size))) return new NodeMap(this.base, layer, size);
    const merged = new Map(this.base);
    for (const [k, n] of layer) {
      if (n === null) merged.delete(k);
      else merged.set(k, n);
    }
    return new NodeMap(merged, null, size);
  }
}

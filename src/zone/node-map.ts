import { ZoneNode } from './zone-node.js';

/** FNV-1a over a node key's characters (latin1 bytes). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The nodes of a zone by key: an array of nodes and an open-addressing index into it (linear probing,
 * load at most 2/3). Built once by adding nodes, then only read. Cheaper to build and smaller than a Map
 * of a million string keys (no entry objects, no rehash of entries while growing).
 */
export class NodeTable {
  readonly nodes: ZoneNode[] = [];
  private slots: Int32Array;  // index into nodes + 1; 0: empty
  private mask: number;

  constructor(expected = 0) {
    let cap = 64;
    while (cap * 2 < expected * 3) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.nodes.length;
  }

  get(key: string): ZoneNode | undefined {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return undefined;
      const n = this.nodes[s - 1]!;
      if (n.key === key) return n;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The node of `key`; made (`new ZoneNode(key, ord)`) and added when absent. One hash either way. */
  getOrAdd(key: string, ord: number): ZoneNode {
    const slots = this.slots;
    const mask = this.mask;
    let i = hashKey(key) & mask;
    for (; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) break;
      const n = this.nodes[s - 1]!;
      if (n.key === key) return n;
    }
    const node = new ZoneNode(key, ord);
    this.nodes.push(node);
    if (this.nodes.length * 3 > slots.length * 2) this.grow();
    else slots[i] = this.nodes.length;
    return node;
  }

  /** Adds a node whose key is not in the table yet. */
  add(node: ZoneNode): void {
    this.nodes.push(node);
    if (this.nodes.length * 3 > this.slots.length * 2) this.grow();
    else this.place(node.key, this.nodes.length);
  }

  values(): IterableIterator<ZoneNode> {
    return this.nodes.values();
  }

  private place(key: string, ref: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = hashKey(key) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = ref;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let k = 0; k < this.nodes.length; k++) this.place(this.nodes[k]!.key, k + 1);
  }
}

/** Changed owners of a new zone version: the new node, or null when the name is gone. */
export type NodeChanges = ReadonlyMap<string, ZoneNode | null>;

/**
 * The node map of a zone version: a shared base table plus a small layer of changes (a write to a big
 * zone copies the layer, never the base). The layer is folded into a new base once it outgrows about
 * twice the square root of the base (the copy cost is then spread over as many writes as it holds).
 */
export class NodeMap {
  constructor(
    private readonly base: NodeTable,
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
    for (const n of this.base.nodes) if (!top.has(n.key)) yield n;
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
    const merged = new NodeTable(size);
    for (const n of this.base.nodes) if (!layer.has(n.key)) merged.add(n);
    for (const n of layer.values()) if (n !== null) merged.add(n);
    return new NodeMap(merged, null, size);
  }
}

import { RRType, soaSerial } from '../wire/index.js';
import { keyOf } from './name-key.js';
import type { Name } from '../wire/index.js';
import type { Diagnostic } from './errors.js';
import type { RRset } from './rrset.js';
import type { ZoneNode } from './zone-node.js';
import { canonicalSortKey, compareKeys, floorIndex } from './canonical-key.js';
import type { NodeMap } from './node-map.js';

/** Result of walking a query name down from the apex. */
export interface LookupPath {
  cut: ZoneNode | undefined;        // highest zone cut (delegation) at or above qname, below the apex
  node: ZoneNode | undefined;       // the exact node for qname, if it exists (may be an ENT)
  closestEncloser: ZoneNode;        // deepest existing ancestor-or-self of qname
  dname: ZoneNode | undefined;      // deepest ancestor strictly above qname owning a DNAME
}

export interface Nsec3Params { algorithm: number; iterations: number; salt: Uint8Array; flags: number }

interface Sorted { keys: string[]; nodes: ZoneNode[] }

/** How a patched version gets its canonical order from an earlier one: drop `removed`, insert `added`. */
export interface SortedDelta { base: readonly ZoneNode[]; removed: Set<string>; added: Map<string, ZoneNode> }

/**
 * An immutable zone snapshot. Nodes are keyed by nameKey (lower-cased wire bytes); every name between
 * the apex and an owner exists as a node (empty non-terminals). Sorted views (canonical order, NSEC
 * and NSEC3 chains) are computed on first use and kept.
 */
export class Zone {
  readonly originKey: string;
  readonly soa: RRset;
  readonly serial: number;
  readonly nsec3: Nsec3Params | null;
  /** @internal */
  sortedAll: Sorted | null = null;
  /** @internal set by patchZone: the canonical order is derived from an earlier version's */
  sortedDelta: SortedDelta | null = null;
  /** @internal direct children per parent key (names with children only); made by the first patch that
   * removes a name, then handed from version to version (patchZone) */
  kids: Map<string, number> | null = null;
  private sortedNsec: Sorted | null = null;
  private sortedNsec3: Sorted | null = null;

  constructor(
    readonly origin: Name,
    readonly file: string | null,
    /** @internal */
    readonly nodes: NodeMap,
    readonly apex: ZoneNode,
    readonly recordCount: number,
    readonly nameCount: number,
    /** Findings made while loading (duplicates, TTL mismatches, TTL from SOA...). */
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    this.originKey = apex.key;
    const soa = apex.get(RRType.SOA);
    if (!soa) throw new Error('Zone needs an SOA at the apex (use ZoneBuilder)');
    this.soa = soa;
    this.serial = soaSerial(soa.rdata[0]!);
    this.nsec3 = readNsec3Param(apex.get(RRType.NSEC3PARAM));
  }

  /** The exact node (including empty non-terminals) for a node key. */
  node(key: string): ZoneNode | undefined {
    return this.nodes.get(key);
  }

  /** All nodes, unordered (including empty non-terminals). */
  allNodes(): IterableIterator<ZoneNode> {
    return this.nodes.values();
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  /** Walks `qname` (at or below the origin; the caller found the zone with ZoneSet.find) from the apex. */
  lookup(qname: Name): LookupPath {
    const key = keyOf(qname);
    const apexPos = key.length - this.originKey.length;
    const starts: number[] = [];
    for (let p = 0; p < apexPos; p += key.charCodeAt(p) + 1) starts.push(p);
    let ce = this.apex;
    let cut: ZoneNode | undefined;
    let dname: ZoneNode | undefined;
    let node: ZoneNode | undefined = apexPos === 0 ? this.apex : undefined;
    if (apexPos > 0 && this.apex.get(RRType.DNAME)) dname = this.apex;
    for (let l = starts.length - 1; l >= 0; l--) {
      const n = this.nodes.get(key.slice(starts[l]!));
      if (n === undefined) break;
      ce = n;
      if (l === 0) { node = n; break; }
      if (cut === undefined && n.isDelegation) cut = n;
      if (n.nsets > 0 && n.indexOf(RRType.DNAME) >= 0) dname = n;
    }
    if (node !== undefined && cut === undefined && node.isDelegation) cut = node;
    return { cut, node, closestEncloser: ce, dname };
  }

  /** Every node in canonical order (apex first). */
  canonicalNodes(): readonly ZoneNode[] {
    return this.sorted('all').nodes;
  }

  /**
   * Every RRset in canonical name order, the apex SOA first (AXFR, printing). RRsets not yet served
   * come as one-pass copies (their views are not kept), so a full walk does not grow the zone.
   */
  *records(): Iterable<RRset> {
    yield this.soa;
    for (const node of this.canonicalNodes()) {
      for (let i = 0; i < node.nsets; i++) {
        const s = node.transientAt(i);
        if (!(node === this.apex && s.type === RRType.SOA)) yield s;
      }
      if (node.sigSets) for (const s of node.sigSets) yield s.transient();
    }
  }

  /** The NSEC RRset whose owner is the canonical predecessor-or-equal of `name` (pre-signed zones). */
  nsecFor(name: Name): RRset | undefined {
    const s = this.sorted('nsec');
    if (s.nodes.length === 0) return undefined;
    const i = floorIndex(s.keys, canonicalSortKey(keyOf(name)));
    return s.nodes[i < 0 ? s.nodes.length - 1 : i]!.get(RRType.NSEC);
  }

  /** NSEC3 owner nodes: the one whose hash matches, and the one covering it (canonical predecessor). */
  nsec3For(hashedLabelBase32: string): { match: ZoneNode | undefined; cover: ZoneNode | undefined } {
    const s = this.sorted('nsec3');
    if (s.nodes.length === 0) return { match: undefined, cover: undefined };
    const h = hashedLabelBase32.toLowerCase();
    let i = floorIndex(s.keys, h);
    const match = i >= 0 && s.keys[i] === h ? s.nodes[i] : undefined;
    if (match) i--;
    const cover = s.nodes[i < 0 ? s.nodes.length - 1 : i];
    return { match, cover };
  }

  private sorted(which: 'all' | 'nsec' | 'nsec3'): Sorted {
    if (which === 'all') {
      // the sort keys are dropped once sorted: a big zone keeps only the node order
      if (this.sortedAll === null) {
        const d = this.sortedDelta;
        this.sortedDelta = null;
        this.sortedAll = { keys: [], nodes: d !== null ? applyDelta(d) : sortNodes([...this.nodes.values()], (n) => canonicalSortKey(n.key)).nodes };
      }
      return this.sortedAll;
    }
    if (which === 'nsec') {
      return this.sortedNsec ??= sortNodes([...this.nodes.values()].filter((n) => n.get(RRType.NSEC)),
        (n) => canonicalSortKey(n.key));
    }
    return this.sortedNsec3 ??= sortNodes([...this.nodes.values()].filter((n) => n.get(RRType.NSEC3) &&
      n.key.length === this.originKey.length + n.key.charCodeAt(0) + 1), (n) => n.key.slice(1, 1 + n.key.charCodeAt(0)));
  }
}

function sortNodes(nodes: ZoneNode[], keyOf: (n: ZoneNode) => string): Sorted {
  const pairs = nodes.map((n) => ({ k: keyOf(n), n }));
  pairs.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return { keys: pairs.map((p) => p.k), nodes: pairs.map((p) => p.n) };
}

/** `d.base` (canonical order) without the removed names, with the added nodes in their places. */
function applyDelta(d: SortedDelta): ZoneNode[] {
  const kept = d.removed.size === 0 ? d.base.slice() : d.base.filter((n) => !d.removed.has(n.key));
  if (d.added.size === 0) return kept;
  const added = [...d.added.values()].sort((a, b) => compareKeys(a.key, b.key));
  const out: ZoneNode[] = [];
  let from = 0;
  for (const n of added) {
    let lo = from, hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(kept[mid]!.key, n.key) < 0) lo = mid + 1; else hi = mid;
    }
    for (let i = from; i < lo; i++) out.push(kept[i]!);
    out.push(n);
    from = lo;
  }
  for (let i = from; i < kept.length; i++) out.push(kept[i]!);
  return out;
}

function readNsec3Param(set: RRset | undefined): Nsec3Params | null {
  const rd = set?.rdata[0];
  if (!rd || rd.length < 5) return null;
  const saltLen = rd[4]!;
  return { algorithm: rd[0]!, flags: rd[1]!, iterations: (rd[2]! << 8) | rd[3]!, salt: rd.slice(5, 5 + saltLen) };
}

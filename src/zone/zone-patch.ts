import { RRType, nameLower, nameToText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { keyOf } from './name-key.js';
import { ZoneCheckError } from './errors.js';
import { ZoneBuilder } from './zone-builder.js';
import { ZoneNode } from './zone-node.js';
import { Zone } from './zone.js';
import type { SortedDelta } from './zone.js';

/** An RRset as it is to be served from now on; no rdata: the RRset is gone. */
export interface RRsetReplacement { owner: Name; type: number; ttl: number; rdata: readonly Uint8Array[] }

/** Names a patched version may differ by before its canonical order is sorted afresh instead of derived. */
const MAX_DELTA = 8_192; // the change sets are copied per version: kept small

const parentOf = (key: string): string => key.slice(key.charCodeAt(0) + 1);

/**
 * A new version of `old` with the given RRsets replaced (removed when empty); `old` stays as it is.
 * Only the owners named are rebuilt: every other node is shared, the node map gets a small layer of
 * changes (NodeMap), empty non-terminals come and go with the names below them, and the canonical order
 * is derived from the previous one when that was made. An RRSIG entry replaces all signatures at its
 * owner. The result equals a ZoneBuilder run over the whole new content, diagnostics aside (only those of
 * the changed owners: duplicates, TTL mismatches). Throws ZoneCheckError for an owner outside the zone or
 * an apex left without SOA.
 */
export function patchZone(old: Zone, sets: readonly RRsetReplacement[]): Zone {
  const originKey = old.originKey;
  const byOwner = new Map<string, { owner: Name; types: Map<number, RRsetReplacement[]> }>();
  for (const s of sets) {
    const key = keyOf(s.owner);
    let o = byOwner.get(key);
    if (o === undefined) byOwner.set(key, o = { owner: nameLower(s.owner), types: new Map() });
    const list = o.types.get(s.type);
    if (list === undefined) o.types.set(s.type, [s]);
    else list.push(s);
  }

  // the changed owners' nodes, built as a loader would (canonical rdata order, duplicates dropped)
  const b = new ZoneBuilder(old.origin, old.file);
  for (const [key, o] of byOwner) {
    const was = old.node(key);
    if (was !== undefined) {
      for (let i = 0; i < was.nsets; i++) {
        const s = was.transientAt(i);
        if (!o.types.has(s.type)) for (const rd of s.rdata) b.addOwner(o.owner, s.type, s.ttl, rd);
      }
      if (was.sigSets !== null && !o.types.has(RRType.RRSIG)) {
        for (const sig of was.sigSets) { const s = sig.transient(); for (const rd of s.rdata) b.addOwner(o.owner, RRType.RRSIG, s.ttl, rd); }
      }
    }
    for (const list of o.types.values()) for (const s of list) for (const rd of s.rdata) b.addOwner(o.owner, s.type, s.ttl, rd);
  }
  const built = b.finishNodes();
  const fresh = new Map<string, ZoneNode>();
  for (const n of built.nodes) fresh.set(n.key, n);
  const apexNow = fresh.get(originKey) ?? (byOwner.has(originKey) ? undefined : old.apex);
  if (apexNow === undefined || !apexNow.has(RRType.SOA)) {
    const text = nameToText(old.origin);
    throw new ZoneCheckError(text, [{ severity: 'error', name: text, type: 'SOA', message: `zone ${text} has no SOA record at its apex` }]);
  }

  const changes = new Map<string, ZoneNode | null>();
  const get = (key: string): ZoneNode | undefined => {
    const c = changes.get(key);
    return c === undefined ? old.node(key) : c ?? undefined;
  };
  let records = old.recordCount + built.records;
  let names = old.nameCount + built.nodes.length;
  const added: string[] = [];
  const emptied: string[] = [];
  for (const key of byOwner.keys()) {
    const was = old.node(key);
    if (was !== undefined && !was.isEmptyNonTerminal) { records -= was.recordCount; names--; }
    const now = fresh.get(key);
    if (now !== undefined) {
      changes.set(key, now);
      if (was === undefined) added.push(key);
    } else if (was !== undefined && !was.isEmptyNonTerminal) emptied.push(key);
  }
  // new names bring the empty non-terminals between them and the closest existing ancestor
  for (const key of added) {
    for (let k = parentOf(key); k.length > originKey.length && get(k) === undefined; k = parentOf(k)) {
      changes.set(k, new ZoneNode(k, -1));
      added.push(k);
    }
  }
  // names left without data stay as empty non-terminals while something is below them
  let kids = old.kids;
  if (emptied.length > 0 && kids === null) kids = childCounts(old);
  if (kids !== null) for (const k of added) { const p = parentOf(k); kids.set(p, (kids.get(p) ?? 0) + 1); }
  for (const key of emptied) {
    if ((kids!.get(key) ?? 0) > 0) { changes.set(key, new ZoneNode(key, -1)); continue; }
    changes.set(key, null);
    for (let k = key; ;) {
      const p = parentOf(k);
      const left = kids!.get(p)! - 1;
      if (left > 0) { kids!.set(p, left); break; }
      kids!.delete(p);
      if (p.length <= originKey.length || get(p)?.isEmptyNonTerminal !== true) break;
      changes.set(p, null);
      k = p;
    }
  }

  const nodes = old.nodes.with(changes);
  const zone = new Zone(old.origin, old.file, nodes, nodes.get(originKey)!, records, names, b.diagnostics);
  zone.sortedDelta = deltaFrom(old, changes);
  // the child counts now describe the new version: handed over (the old version makes its own if patched again)
  zone.kids = kids;
  if (kids !== null) old.kids = null;
  return zone;
}

/** Direct children per parent key, for every name with children. */
function childCounts(zone: Zone): Map<string, number> {
  const kids = new Map<string, number>();
  for (const n of zone.allNodes()) {
    if (n.key.length <= zone.originKey.length) continue;
    const p = parentOf(n.key);
    kids.set(p, (kids.get(p) ?? 0) + 1);
  }
  return kids;
}

function deltaFrom(old: Zone, changes: ReadonlyMap<string, ZoneNode | null>): SortedDelta | null {
  let base: SortedDelta;
  if (old.sortedAll !== null) base = { base: old.sortedAll.nodes, removed: new Set(), added: new Map() };
  else if (old.sortedDelta !== null && old.sortedDelta.removed.size + changes.size <= MAX_DELTA) {
    base = { base: old.sortedDelta.base, removed: new Set(old.sortedDelta.removed), added: new Map(old.sortedDelta.added) };
  } else return null;
  for (const [k, n] of changes) {
    base.removed.add(k);
    if (n === null) base.added.delete(k);
    else base.added.set(k, n);
  }
  return base;
}

import { nameFromText, nameLower, nameToText, soaSerial } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { ZoneBuilder, ZoneCheckError, checkChanges, checkZone, keyOf, patchZone as patchZoneNodes } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { StoreQueries, ZoneRow } from '../store/index.js';
import { CatalogError } from './errors.js';

// Rows per query: small pages keep the garbage of loading (row objects, blobs) low, and RSS with it.
const PAGE = 10_000;

/** An RRset as it will be served (enabled records only, wire rdata); no records: the RRset is gone. */
export interface ServedRRset { owner: Name; type: number; ttl: number; rdata: readonly Uint8Array[] }

/**
 * Loads a zone's enabled records from the store into an immutable Zone, a page at a time (a 1M-record
 * zone never sits in memory as row objects).
 */
export async function loadStoredZone(q: StoreQueries, row: ZoneRow): Promise<Zone> {
  const origin = nameFromText(row.name);
  const b = new ZoneBuilder(origin, null);
  let lastText = '';
  let lastOwner: Uint8Array = nameLower(origin); // lower-cased wire form, made once per owner (not per record)
  for (let after = 0; ;) {
    const page = await q.servedPage(row.id, after, PAGE);
    for (const r of page) {
      if (r.name !== lastText) { lastText = r.name; lastOwner = nameLower(nameFromText(r.name)); }
      b.addOwner(lastOwner, r.type, Number(r.ttl), r.wire);
    }
    if (page.length < PAGE) break;
    after = Number(page.at(-1)!.id);
  }
  return b.finish();
}

/**
 * A new Zone: `old` with the given RRsets replaced (or removed when empty). Incremental: only the
 * changed owners are rebuilt, the rest is shared with `old` (zone's patchZone).
 */
export function patchZone(old: Zone, sets: readonly ServedRRset[]): Zone {
  return patchZoneNodes(old, sets);
}

/**
 * Throws GDNS_ERR_ZONE_CHECK when `sets` would give the zone an error at the names they change (the
 * findings checkedZone would refuse at the next load), so the write is refused before it commits.
 */
export function checkPatch(current: Zone, sets: readonly ServedRRset[], name: string): void {
  let patched: Zone;
  try {
    patched = patchZone(current, sets);
  } catch (err) {
    if (err instanceof ZoneCheckError) throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${name}: ${err.message}`, { cause: err });
    throw err;
  }
  const errors = checkChanges(patched, sets.map((s) => keyOf(s.owner))).filter((d) => d.severity === 'error' && d.type !== 'NS');
  if (errors.length > 0) {
    throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${name}: ${errors.map((d) => `${d.name ?? ''} ${d.type ?? ''}: ${d.message}`).join('; ')}`);
  }
}

/** Throws GDNS_ERR_ZONE_CHECK when the zone has errors (missing SOA, CNAME and other data, ...). */
export function checkedZone(build: () => Zone, name: string): Zone {
  let zone: Zone;
  try {
    zone = build();
  } catch (err) {
    if (err instanceof ZoneCheckError) throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${name}: ${err.message}`, { cause: err });
    throw err;
  }
  // NS findings (no NS yet, in-zone NS targets without addresses) do not stop a stored zone: PowerDNS
  // and its API clients create zones that way, and a stored zone must always load.
  const errors = checkZone(zone).filter((d) => d.severity === 'error' && d.type !== 'NS');
  if (errors.length > 0) {
    throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${name}: ${errors.map((d) => `${d.name ?? ''} ${d.type ?? ''}: ${d.message}`).join('; ')}`);
  }
  return zone;
}

export function zoneSerial(zone: Zone): number {
  return soaSerial(zone.soa.rdata[0]!);
}

export function originText(zone: Zone): string {
  return nameToText(zone.origin).toLowerCase();
}

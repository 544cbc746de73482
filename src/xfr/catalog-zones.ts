import { createHash } from 'node:crypto';
import { RRType, nameToText, rdataNames, rdataToText } from '../wire/index.js';
import type { Zone } from '../zone/index.js';
import type { Catalog, RRsetEdit } from '../catalog/index.js';
import { zoneName } from '../catalog/index.js';

/** The member label of a zone in a catalog (RFC 9432 §4.1: unique, stable): a hash of its name. */
export function memberId(zone: string): string {
  return createHash('sha256').update(zoneName(zone)).digest('hex').slice(0, 20);
}

/**
 * The member zones of a catalog zone (RFC 9432): PTR records at `<id>.zones.<catalog>`, with the
 * schema version (TXT at `version.<catalog>`, "1" or "2"). Null version: not a catalog zone.
 */
export function catalogMembers(cat: Zone): { version: string | null; members: Map<string, string> } {
  const origin = nameToText(cat.origin).toLowerCase();
  const zonesSuffix = `zones.${origin}`;
  const members = new Map<string, string>();
  let version: string | null = null;
  for (const set of cat.records()) {
    const owner = nameToText(set.name).toLowerCase();
    if (set.type === RRType.TXT && owner === `version.${origin}`) {
      version = rdataToText(RRType.TXT, set.rdata[0]!).replace(/^"|"$/g, '');
    }
    if (set.type !== RRType.PTR || !owner.endsWith(`.${zonesSuffix}`)) continue;
    const label = owner.slice(0, -zonesSuffix.length - 1);
    if (label.includes('.') || set.rdata.length !== 1) continue; // properties (group, coo) sit deeper
    members.set(nameToText(rdataNames(RRType.PTR, set.rdata[0]!)[0]!).toLowerCase(), label);
  }
  return { version, members };
}

/**
 * Makes the producer catalog zone `name` list exactly `members` (RFC 9432 version 2): creates it when
 * missing, otherwise writes only the PTR RRsets that changed (one catalog write, serial by policy).
 * Returns true when something was written.
 */
export async function produceCatalog(catalog: Catalog, name: string, members: readonly string[], author: string): Promise<boolean> {
  const cat = zoneName(name);
  const wanted = new Map(members.map((m) => [zoneName(m), memberId(m)]));
  const zone = catalog.zone(cat);
  if (zone === undefined) {
    await catalog.createZone({
      name: cat, kind: 'producer',
      records: [
        { name: cat, type: 'SOA', ttl: 0, content: `invalid. hostmaster.invalid. 1 3600 600 2147483646 0` },
        { name: cat, type: 'NS', ttl: 0, content: 'invalid.' },
        { name: `version.${cat}`, type: 'TXT', ttl: 0, content: '"2"' },
        ...[...wanted].map(([m, id]) => ({ name: `${id}.zones.${cat}`, type: 'PTR', ttl: 0, content: m })),
      ],
    }, author);
    return true;
  }
  const have = catalogMembers(zone).members;
  const edits: RRsetEdit[] = [];
  for (const [m, id] of have) if (!wanted.has(m)) edits.push({ name: `${id}.zones.${cat}`, type: 'PTR', changetype: 'DELETE' });
  for (const [m, id] of wanted) {
    if (have.get(m) === id) continue;
    edits.push({ name: `${id}.zones.${cat}`, type: 'PTR', changetype: 'REPLACE', ttl: 0, records: [{ content: m }] });
  }
  if (edits.length === 0) return false;
  await catalog.apply(cat, { rrsets: edits }, author);
  await catalog.settled();
  return true;
}


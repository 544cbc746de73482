import { RRType, hexEncode, nameFromText, nameToText, rdataCanonical, rdataNames, rdataToText } from '../wire/index.js';
import type { Name, Rr } from '../wire/index.js';
import { ZoneBuilder, ZoneCheckError, checkZone, keyOf } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { Catalog, RRsetEdit } from '../catalog/index.js';
import type { NewRecord, RRsetChange, RRsetState, ZoneKind } from '../store/index.js';
import { XfrError } from './errors.js';
import type { IxfrStep } from './transfer-in.js';

export interface SecondarySpec { name: string; kind: ZoneKind; primaries: string[]; account: string }

/** SOA timers (seconds): refresh, retry, expire (RFC 1035 §3.3.13). */
export function soaTimers(soaRdata: Uint8Array): { refresh: number; retry: number; expire: number } {
  const names = rdataNames(RRType.SOA, soaRdata);
  const at = names[0]!.length + names[1]!.length;
  const v = new DataView(soaRdata.buffer, soaRdata.byteOffset, soaRdata.byteLength);
  return { refresh: v.getUint32(at + 4), retry: v.getUint32(at + 8), expire: v.getUint32(at + 12) };
}

/** The zone the records make, checked as the catalog checks a stored zone. */
export function buildChecked(origin: Name, records: Iterable<Rr>, name: string): Zone {
  const b = new ZoneBuilder(origin, null);
  for (const r of records) b.add(r.name, r.type, r.ttl, r.rdata);
  let zone: Zone;
  try {
    zone = b.finish();
  } catch (err) {
    if (err instanceof ZoneCheckError) throw new XfrError('GDNS_ERR_XFR_ZONE', `${name}: the transferred zone is not valid: ${err.message}`, { cause: err });
    throw err;
  }
  // As the catalog loads a stored zone: NS findings (in-zone NS without addresses) do not stop it.
  const errors = checkZone(zone).filter((d) => d.severity === 'error' && d.type !== 'NS');
  if (errors.length > 0) {
    throw new XfrError('GDNS_ERR_XFR_ZONE', `${name}: the transferred zone fails the checks: ${errors.slice(0, 5).map((d) => `${d.name ?? ''} ${d.type ?? ''}: ${d.message}`).join('; ')}`);
  }
  return zone;
}

function* newRecords(rrs: Iterable<Rr>): Iterable<NewRecord> {
  let lastName: Name | null = null;
  let lastText = '';
  for (const rr of rrs) {
    if (rr.name !== lastName) { lastName = rr.name; lastText = nameToText(rr.name).toLowerCase(); }
    yield { name: lastText, type: rr.type, ttl: rr.ttl, content: rdataToText(rr.type, rr.rdata), wire: rr.rdata, disabled: false };
  }
}

/**
 * Stores a whole transferred zone in one transaction (a new zone, or every record of the stored one
 * replaced) and waits until the catalog serves it. Nothing is written when the zone fails the checks.
 */
export async function applyFull(catalog: Catalog, spec: SecondarySpec, records: readonly Rr[], author: string, now: number): Promise<Zone> {
  const origin = nameFromText(spec.name);
  const existing = await catalog.store.q.zoneByName(spec.name);
  if (existing === undefined) {
    // importZone checks the zone as it builds it (one copy in memory, not two).
    try {
      await catalog.importZone({ name: spec.name, kind: spec.kind, primaries: spec.primaries, account: spec.account }, records, author);
    } catch (err) {
      if ((err as { code?: string }).code === 'GDNS_ERR_ZONE_CHECK') throw new XfrError('GDNS_ERR_XFR_ZONE', `${spec.name}: the transferred zone fails the checks: ${(err as Error).message}`, { cause: err });
      throw err;
    }
    const served = catalog.zone(spec.name);
    if (served === undefined) throw new XfrError('GDNS_ERR_XFR_ZONE', `${spec.name}: stored but not served`);
    return served;
  }
  const zone = buildChecked(origin, records, spec.name);
  const old = catalog.zone(spec.name);
  // The differences go into the journal, so this node serves IXFR onwards even when its own primary
  // sends only AXFR (PowerDNS); very big zones are recorded as a whole new version instead.
  const changes = old !== undefined && old.recordCount + records.length <= DIFF_LIMIT ? zoneChanges(old, records) : null;
  await catalog.store.write(async (q) => {
    const seq = await q.bumpCounter();
    const row = await q.zoneByName(spec.name, true);
    if (row === undefined) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${spec.name} was deleted during the transfer`);
    await q.db.deleteFrom('records').where('zone_id', '=', row.id).execute();
    await q.insertRecords(row.id, newRecords(records));
    await q.updateZone(row.id, { changeSeq: seq, kind: spec.kind, primaries: spec.primaries });
    await q.appendJournal({
      zoneId: row.id, seq, serialFrom: changes === null ? 0 : old!.serial, serialTo: zone.serial, author, createdAt: now, changes: changes ?? [],
    });
  });
  await servedAt(catalog, spec.name, zone.serial);
  return zone;
}

/** Zones up to this many records (old and new together) get their AXFR recorded as differences. */
const DIFF_LIMIT = 400_000;

type States = Map<string, { name: string; type: number; state: RRsetState }>;

function addState(m: States, name: string, type: number, ttl: number, rdata: Uint8Array): void {
  const k = `${name}/${type}`;
  let e = m.get(k);
  if (e === undefined) m.set(k, e = { name, type, state: { ttl, records: [] } });
  e.state.records.push({ content: rdataToText(type, rdata), disabled: false });
}

const same = (a: RRsetState, b: RRsetState): boolean => {
  if (a.ttl !== b.ttl || a.records.length !== b.records.length) return false;
  const x = a.records.map((r) => r.content).sort();
  const y = b.records.map((r) => r.content).sort();
  return x.every((c, i) => c === y[i]);
};

/** The RRsets that differ between the served zone and the transferred records, as journal changes. */
export function zoneChanges(old: Zone, records: readonly Rr[]): RRsetChange[] {
  const before: States = new Map();
  for (const set of old.records()) {
    const name = nameToText(set.name).toLowerCase();
    for (const r of set.rdata) addState(before, name, set.type, set.ttl, r);
  }
  const after: States = new Map();
  let lastName: Name | null = null;
  let lastText = '';
  for (const rr of records) {
    if (rr.name !== lastName) { lastName = rr.name; lastText = nameToText(rr.name).toLowerCase(); }
    addState(after, lastText, rr.type, rr.ttl, rr.rdata);
  }
  const out: RRsetChange[] = [];
  for (const [k, b] of before) {
    const a = after.get(k);
    if (a === undefined) out.push({ name: b.name, type: b.type, before: b.state, after: null });
    else if (!same(a.state, b.state)) out.push({ name: b.name, type: b.type, before: b.state, after: a.state });
  }
  for (const [k, a] of after) if (!before.has(k)) out.push({ name: a.name, type: a.type, before: null, after: a.state });
  return out;
}

/** Polls the catalog until `name` is served at `serial` (a write made outside the catalog). */
async function servedAt(catalog: Catalog, name: string, serial: number): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await catalog.poll();
    if (catalog.zone(name)?.serial === serial) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new XfrError('GDNS_ERR_XFR_ZONE', `${name}: serial ${serial} was stored but the catalog does not serve it (see the store poll errors)`);
}

interface WorkingSet { name: string; type: number; ttl: number; records: Map<string, Uint8Array> }

/**
 * Applies IXFR steps (RFC 1995) to the stored zone as one catalog write: the RRsets they touch are read
 * from the store, changed, and written back with the final SOA (serial kept as the primary sent it).
 * Throws (and writes nothing) when a step does not fit what is stored: the caller then asks AXFR.
 */
export async function applyIncremental(catalog: Catalog, name: string, steps: readonly IxfrStep[], author: string): Promise<void> {
  const current = catalog.zone(name);
  if (current === undefined) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${name} is not served here`);
  if (steps.length === 0) return;
  if (steps[0]!.from !== current.serial) {
    throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${name}: IXFR starts at serial ${steps[0]!.from}, we serve ${current.serial}`);
  }
  const row = await catalog.store.q.zoneByName(name);
  if (row === undefined) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${name} is not in the store`);
  // Another node on the same store may have applied it already: the serial policy would then bump the
  // serial past the primary's. The stored serial must still be the one the steps start from.
  const soaRows = await catalog.store.q.rrset(row.id, name, RRType.SOA);
  const storedSerial = soaRows.length === 1 ? Number(soaRows[0]!.content.split(/\s+/)[2]) : -1;
  if (storedSerial !== steps[0]!.from) {
    throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${name}: the store holds serial ${storedSerial}, the IXFR starts at ${steps[0]!.from}`);
  }
  const sets = new Map<string, WorkingSet>();
  const setOf = async (rr: Rr): Promise<WorkingSet> => {
    const k = `${keyOf(rr.name)}/${rr.type}`;
    let s = sets.get(k);
    if (s === undefined) {
      const text = nameToText(rr.name).toLowerCase();
      const rows = (await catalog.store.q.rrset(row.id, text, rr.type)).filter((r) => !r.disabled);
      s = { name: text, type: rr.type, ttl: rows[0]?.ttl ?? rr.ttl, records: new Map(rows.map((r) => [hexEncode(rdataCanonical(rr.type, r.wire)), r.wire])) };
      sets.set(k, s);
    }
    return s;
  };
  for (const step of steps) {
    for (const rr of step.removed) {
      if (rr.type === RRType.SOA) continue;
      const s = await setOf(rr);
      if (!s.records.delete(hexEncode(rdataCanonical(rr.type, rr.rdata)))) {
        throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${name}: IXFR ${step.from}→${step.to} removes ${nameToText(rr.name)} ${rr.type} ${rdataToText(rr.type, rr.rdata)}, which is not stored here`);
      }
    }
    for (const rr of step.added) {
      if (rr.type === RRType.SOA) continue;
      const s = await setOf(rr);
      s.ttl = rr.ttl;
      s.records.set(hexEncode(rdataCanonical(rr.type, rr.rdata)), rr.rdata);
    }
  }
  const last = steps.at(-1)!.soa;
  const edits: RRsetEdit[] = [...sets.values()].map((s) => (s.records.size === 0
    ? { name: s.name, type: s.type, changetype: 'DELETE' as const }
    : { name: s.name, type: s.type, changetype: 'REPLACE' as const, ttl: s.ttl, records: [...s.records.values()].map((w) => ({ content: rdataToText(s.type, w) })) }));
  edits.push({ name, type: RRType.SOA, changetype: 'REPLACE', ttl: last.ttl, records: [{ content: rdataToText(RRType.SOA, last.rdata) }] });
  const r = await catalog.apply(name, { rrsets: edits }, author);
  await catalog.settled();
  if (r.serialAfter !== steps.at(-1)!.to) {
    throw new XfrError('GDNS_ERR_XFR_ZONE', `${name}: stored serial ${r.serialAfter} instead of the primary's ${steps.at(-1)!.to}`);
  }
}

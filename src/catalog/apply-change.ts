import { RRType, nameFromText } from '../wire/index.js';
import type { NewRecord, RRsetChange, StoreQueries, ZoneRow } from '../store/index.js';
import { CatalogError } from './errors.js';
import { parseChangeSet, parseContent, stateOf } from './change-set.js';
import type { ChangeSet } from './change-set.js';
import { nextSerial, parseSerialPolicy, serialLess } from './serial-policy.js';
import type { ServedRRset } from './zone-image.js';

export interface ApplyResult {
  zone: string;
  serialBefore: number;
  serialAfter: number;
  journalId: number;
  /** The change counter value of this write. */
  seq: number;
}

export interface ApplyInput {
  name: string;
  changes: ChangeSet;
  author: string;
  now: number;
}

/** SOA content with another serial (content is in normalised presentation form). */
function withSerial(content: string, serial: number): string {
  const t = content.split(/\s+/);
  t[2] = String(serial);
  return t.join(' ');
}

/** The stored RRset with one record added (unless present) or removed, all at `ttl`. */
function merged(before: readonly NewRecord[], rec: NewRecord, how: 'extend' | 'prune', given: number): NewRecord[] {
  const ttl = given >= 0 ? given : before[0]?.ttl ?? 3600;
  const rest = before.filter((r) => r.content !== rec.content).map((r) => ({ ...r, ttl }));
  return how === 'extend' ? [...rest, before.find((r) => r.content === rec.content) ?? rec].map((r) => ({ ...r, ttl })) : rest;
}

/** Types that may stand beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5). */
const BESIDE_CNAME = new Set<number>([RRType.CNAME, RRType.RRSIG, RRType.NSEC]);

/**
 * The checks a write needs at the names it touched (the whole-zone check runs on zone import): one
 * CNAME and nothing else at a name (DNSSEC records aside), no CNAME at the apex.
 */
async function checkOwner(q: StoreQueries, row: ZoneRow, owner: string): Promise<void> {
  const types = await q.typesAt(row.id, owner);
  if (!types.includes(RRType.CNAME)) return;
  if ((await q.rrset(row.id, owner, RRType.CNAME)).filter((r) => !r.disabled).length > 1) {
    throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${owner}: more than one CNAME record`);
  }
  const other = types.filter((t) => !BESIDE_CNAME.has(t));
  if (owner === row.name || other.length > 0) {
    throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${owner}: a CNAME cannot stand beside other data${owner === row.name ? ' (the apex has SOA and NS)' : ''}`);
  }
}

/**
 * One write, inside the caller's transaction: bumps the change counter (which serializes writers on
 * every database), writes the RRsets, bumps the SOA serial by the zone's policy unless the change set
 * itself raised it, checks the names it touched, and appends the journal entry. Returns the RRsets to serve.
 */
export async function applyChange(q: StoreQueries, input: ApplyInput): Promise<{ result: ApplyResult; served: ServedRRset[]; row: ZoneRow; prevSeq: number }> {
  const seq = await q.bumpCounter();
  const row = await q.zoneByName(input.name, true);
  if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${input.name}`);
  const origin = nameFromText(row.name);
  const edits = parseChangeSet(input.changes, origin);

  const soaBefore = await q.rrset(row.id, row.name, RRType.SOA);
  if (soaBefore.length !== 1) throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${row.name} has no SOA record in the store`);
  const serialBefore = Number(soaBefore[0]!.content.split(/\s+/)[2]);
  const changes: RRsetChange[] = [];
  const served: ServedRRset[] = [];
  for (const e of edits) {
    const before = await q.rrset(row.id, e.name, e.type);
    if (!e.keepRecords) {
      const after = e.merge === null ? e.records : merged(before, e.records[0]!, e.merge, e.ttl);
      await q.deleteRRset(row.id, e.name, e.type);
      await q.insertRecords(row.id, after);
      changes.push({ name: e.name, type: e.type, before: stateOf(before), after: stateOf(after) });
      served.push({ owner: e.owner, type: e.type, ttl: after[0]?.ttl ?? e.ttl, rdata: after.filter((r) => !r.disabled).map((r) => r.wire) });
    }
    if (e.comments !== null) {
      await q.replaceComments(row.id, e.name, e.type, e.comments.map((c) => ({
        name: e.name, type: e.type, account: c.account ?? '', content: c.content, modifiedAt: c.modified_at ?? Math.floor(input.now / 1000),
      })));
    }
  }

  // The serial: an explicit newer one in the change set stays; otherwise the zone's policy.
  const soaRows = await q.rrset(row.id, row.name, RRType.SOA);
  if (soaRows.length !== 1) throw new CatalogError('GDNS_ERR_ZONE_CHECK', `${row.name}: a zone needs exactly one SOA record`);
  const soa = soaRows[0]!;
  const given = Number(soa.content.split(/\s+/)[2]);
  const serialAfter = serialLess(serialBefore, given) ? given : nextSerial(parseSerialPolicy(row.serialPolicy), serialBefore, input.now);
  if (serialAfter !== given) {
    const p = parseContent(RRType.SOA, withSerial(soa.content, serialAfter), origin);
    await q.deleteRRset(row.id, row.name, RRType.SOA);
    await q.insertRecords(row.id, [{ ...soa, content: p.content, wire: p.wire }]);
    const i = changes.findIndex((c) => c.type === RRType.SOA && c.name === row.name);
    const after = { ttl: soa.ttl, records: [{ content: p.content, disabled: false }] };
    if (i >= 0) changes[i] = { ...changes[i]!, after };
    else changes.push({ name: row.name, type: RRType.SOA, before: stateOf(soaBefore), after });
    const j = served.findIndex((s) => s.type === RRType.SOA && s.owner.length === origin.length);
    const set = { owner: origin, type: RRType.SOA, ttl: soa.ttl, rdata: [p.wire] };
    if (j >= 0) served[j] = set;
    else served.push(set);
  }

  for (const owner of new Set(edits.map((e) => e.name))) await checkOwner(q, row, owner);
  await q.updateZone(row.id, { changeSeq: seq });
  const journalId = await q.appendJournal({
    zoneId: row.id, seq, serialFrom: serialBefore, serialTo: serialAfter, author: input.author, createdAt: input.now, changes,
  });
  return { result: { zone: row.name, serialBefore, serialAfter, journalId, seq }, served, row: { ...row, changeSeq: seq }, prevSeq: row.changeSeq };
}

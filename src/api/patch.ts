import type { ChangeSet, CommentInput, RecordInput, RRsetEdit } from '../catalog/index.js';
import { unprocessable } from './errors.js';
import { asObject, intFrom, stringFrom } from './json.js';
import type { Json } from './json.js';
import { apiName, inZone } from './zone-id.js';
import { apiType, checkRRset, gatherRecords, keepText, rrsetTtl } from './records.js';

/** One RRset of a PATCH, checked: what the scope check needs and its edits in body order. */
export interface PatchItem { name: string; type: string; ops: RRsetEdit[] }

function gatherComments(rrset: Json): CommentInput[] {
  const now = Math.floor(Date.now() / 1000);
  return (rrset.comments as unknown[]).map((c) => {
    const o = asObject(c, 'a comment');
    return { content: stringFrom(o, 'content'), account: stringFrom(o, 'account'), modified_at: intFrom(o, 'modified_at', now) };
  });
}

/**
 * PowerDNS's PATCH /zones/{zone} body, checked with its messages (422 for anything wrong, nothing
 * written): REPLACE, DELETE, and PowerDNS 4.9's EXTEND and PRUNE. REPLACE and DELETE may appear once
 * per RRset and changetype; EXTEND and PRUNE as often as wanted; all apply in body order.
 */
export function parsePatch(body: unknown, zone: string): PatchItem[] {
  const doc = asObject(body);
  if (!Array.isArray(doc.rrsets)) throw unprocessable('No rrsets given in update request');
  const seen = new Set<string>();
  const items = new Map<string, PatchItem>();
  for (const raw of doc.rrsets as unknown[]) {
    const rrset = asObject(raw, 'an rrset');
    const changetype = stringFrom(rrset, 'changetype').toUpperCase();
    const name = apiName(stringFrom(rrset, 'name'));
    const type = apiType(name, stringFrom(rrset, 'type'));
    const key = `${name}/${type.code}`;
    if ((changetype === 'REPLACE' || changetype === 'DELETE') && seen.has(`${key}/${changetype}`)) {
      throw unprocessable(`Duplicate RRset ${name} IN ${type.text} with changetype: ${changetype}`);
    }
    seen.add(`${key}/${changetype}`);
    let edit: RRsetEdit;
    if (changetype === 'DELETE') {
      edit = { name, type: type.text, changetype: 'DELETE' };
    } else if (changetype === 'REPLACE' || changetype === 'EXTEND' || changetype === 'PRUNE') {
      if (!inZone(name, zone)) throw unprocessable(`RRset ${name} IN ${type.text}: Name is out of zone`);
      const hasRecords = Array.isArray(rrset.records);
      const hasComments = Array.isArray(rrset.comments);
      if (changetype !== 'REPLACE') {
        if (!hasRecords) throw unprocessable('No record provided for PRUNE or EXTEND operation');
        if ((rrset.records as unknown[]).length !== 1) throw unprocessable('Exactly one record should be provided for PRUNE or EXTEND operation');
      } else if (!hasRecords && !hasComments) {
        throw unprocessable(`No change for RRset ${name} IN ${type.text}`);
      }
      edit = { name, type: type.text, changetype };
      if (hasRecords) {
        const ttl = changetype !== 'REPLACE' && rrset.ttl === undefined ? undefined : rrsetTtl(rrset, name, type.text);
        const records = gatherRecords(rrset, name, type, zone);
        if (changetype === 'REPLACE') checkRRset(name, type, records, zone);
        edit = { ...edit, ...(ttl !== undefined ? { ttl } : {}), records: records.map((r) => ({ content: keepText(type.code) ? r.content : r.normal, disabled: r.disabled })) };
      }
      if (hasComments && changetype === 'REPLACE') edit = { ...edit, comments: gatherComments(rrset) };
    } else {
      throw unprocessable('Changetype not understood');
    }
    const item = items.get(key);
    if (item === undefined) items.set(key, { name, type: type.text, ops: [edit] });
    else item.ops.push(edit);
  }
  return [...items.values()];
}

/** The stored state of an RRset (records and TTL), for folding several changes to it into one. */
export type RRsetBase = (name: string, type: string) => Promise<{ ttl: number; records: RecordInput[] }>;

/**
 * One catalog edit per RRset: a single change stays as it is (EXTEND/PRUNE are applied inside the
 * write transaction); several are folded, in order, into one REPLACE (from the stored RRset when the
 * first is an EXTEND or PRUNE, read under the zone's write lock).
 */
export async function toChangeSet(items: readonly PatchItem[], base: RRsetBase): Promise<ChangeSet> {
  const rrsets: RRsetEdit[] = [];
  for (const item of items) {
    if (item.ops.length === 1) { rrsets.push(item.ops[0]!); continue; }
    const first = item.ops[0]!;
    let state: { ttl: number; records: RecordInput[] };
    let comments: RRsetEdit['comments'];
    if (first.changetype === 'EXTEND' || first.changetype === 'PRUNE') state = await base(item.name, item.type);
    else state = { ttl: first.ttl ?? 3600, records: [] };
    for (const op of item.ops) {
      if (op.changetype === 'DELETE') { state = { ttl: state.ttl, records: [] }; comments = []; continue; }
      if (op.changetype === 'REPLACE') {
        if (op.records !== undefined) state = { ttl: op.ttl ?? state.ttl, records: [...op.records] };
        if (op.comments !== undefined) comments = op.comments;
        continue;
      }
      const rec = op.records![0]!;
      const rest = state.records.filter((r) => r.content !== rec.content);
      const had = rest.length !== state.records.length;
      state = { ttl: op.ttl ?? state.ttl, records: op.changetype === 'PRUNE' ? rest : had ? state.records : [...state.records, rec] };
    }
    rrsets.push({ name: item.name, type: item.type, changetype: 'REPLACE', ttl: state.ttl, records: state.records, ...(comments !== undefined ? { comments } : {}) });
  }
  return { rrsets };
}

/**
 * PowerDNS's checks against what is stored, change by change in body order: a CNAME beside other data
 * (a new disabled record counts, an existing disabled one does not), NS and DNAME together below the apex.
 * `typesAt` gives the types with enabled records stored at a name.
 */
export async function checkConflicts(items: readonly PatchItem[], zone: string, typesAt: (name: string) => Promise<Set<string>>): Promise<void> {
  const at = new Map<string, Set<string>>();
  for (const item of items) {
    let cur = at.get(item.name);
    if (cur === undefined) at.set(item.name, cur = await typesAt(item.name));
    for (const op of item.ops) {
      const adds = op.changetype === 'EXTEND' || (op.changetype === 'REPLACE' && op.records !== undefined && op.records.length > 0);
      if (op.changetype === 'DELETE' || (op.changetype === 'REPLACE' && op.records !== undefined && op.records.length === 0)) { cur.delete(item.type); continue; }
      if (!adds) continue;
      const others = [...cur].filter((t) => t !== item.type);
      if ((item.type === 'CNAME' && others.length > 0) || (item.type !== 'CNAME' && others.includes('CNAME'))) {
        throw unprocessable(`RRset ${item.name} IN ${item.type}: Conflicts with pre-existing RRset`);
      }
      if (item.name !== zone && ((item.type === 'NS' && others.includes('DNAME')) || (item.type === 'DNAME' && others.includes('NS')))) {
        throw unprocessable(`RRset ${item.name} IN ${item.type}: Cannot have both NS and DNAME except in zone apex`);
      }
      cur.add(item.type);
    }
  }
}

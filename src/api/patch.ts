import type { ChangeSet, CommentInput, RRsetEdit } from '../catalog/index.js';
import { unprocessable } from './errors.js';
import { asObject, intFrom, stringFrom } from './json.js';
import type { Json } from './json.js';
import { apiName, inZone } from './zone-id.js';
import { apiType, checkRRset, gatherRecords, rrsetTtl } from './records.js';

/** One RRset of a PATCH, checked: what the scope check needs and the catalog edit. */
export interface PatchItem { name: string; type: string; edit: RRsetEdit }

function gatherComments(rrset: Json): CommentInput[] {
  const now = Math.floor(Date.now() / 1000);
  return (rrset.comments as unknown[]).map((c) => {
    const o = asObject(c, 'a comment');
    return { content: stringFrom(o, 'content'), account: stringFrom(o, 'account'), modified_at: intFrom(o, 'modified_at', now) };
  });
}

/**
 * PowerDNS's PATCH /zones/{zone} body, checked with its messages (422 for anything wrong, nothing
 * written), as a catalog change set. REPLACE, DELETE, and PowerDNS 5's EXTEND and PRUNE. A later change
 * to the same RRset in the same body overrides an earlier one (PowerDNS applies them in order).
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
    if (seen.has(`${key}/${changetype}`)) throw unprocessable(`Duplicate RRset ${name} IN ${type.text} with changetype: ${changetype}`);
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
        const ttl = rrsetTtl(rrset, name, type.text);
        const records = gatherRecords(rrset, name, type, zone);
        if (changetype === 'REPLACE') checkRRset(name, type, records, zone);
        edit = { ...edit, ttl, records: records.map((r) => ({ content: r.normal, disabled: r.disabled })) };
      }
      if (hasComments && changetype === 'REPLACE') edit = { ...edit, comments: gatherComments(rrset) };
    } else {
      throw unprocessable(`Changetype '${changetype}' is not a valid value`);
    }
    items.delete(key);
    items.set(key, { name, type: type.text, edit });
  }
  return [...items.values()];
}

export const toChangeSet = (items: readonly PatchItem[]): ChangeSet => ({ rrsets: items.map((i) => i.edit) });

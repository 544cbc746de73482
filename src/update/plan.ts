import {
  RRClass, RRType, Rcode, nameIsBelowOrAt, nameToText, rdataCanonical, rdataToText, soaSerial, typeToText,
} from '../wire/index.js';
import type { Message, Name, Rr } from '../wire/index.js';
import { keyOf } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { RRsetEdit } from '../catalog/index.js';

/** The outcome of an UPDATE's prerequisites and update section against a zone: an rcode, or the RRsets to
 * write (each the whole new RRset: REPLACE, no records = deleted). */
export type Plan = { rcode: number; reason: string } | { rcode: 0; edits: RRsetEdit[]; touched: Array<{ name: string; type: string }> };

/** Types an UPDATE may not add (meta types and those Geodesic makes itself). */
const NOT_ADDABLE = new Set<number>([RRType.ANY, 255, 252, 251, 250, 249, 41, RRType.RRSIG, RRType.NSEC, RRType.NSEC3]);

const fail = (rcode: number, reason: string): Plan => ({ rcode, reason });

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The zone as edited so far: RRsets by owner key and type, read from the zone on first touch. */
class Draft {
  private readonly sets = new Map<string, { owner: Name; type: number; ttl: number; rdata: Uint8Array[] }>();

  constructor(private readonly zone: Zone) {}

  private id(owner: Name, type: number): string {
    return `${keyOf(owner)}|${type}`;
  }

  get(owner: Name, type: number): { owner: Name; type: number; ttl: number; rdata: Uint8Array[] } {
    const id = this.id(owner, type);
    let s = this.sets.get(id);
    if (s === undefined) {
      const from = this.zone.node(keyOf(owner))?.get(type);
      s = { owner, type, ttl: from?.ttl ?? 0, rdata: from ? [...from.rdata] : [] };
      this.sets.set(id, s);
    }
    return s;
  }

  /** Types with data at the owner now (zone types updated by the draft). */
  types(owner: Name): number[] {
    const key = keyOf(owner);
    const out = new Set<number>();
    const node = this.zone.node(key);
    if (node !== undefined) for (const t of node.types()) if (t !== RRType.RRSIG && t !== RRType.NSEC && t !== RRType.NSEC3) out.add(t);
    for (const [id, s] of this.sets) {
      if (!id.startsWith(`${key}|`)) continue;
      if (s.rdata.length > 0) out.add(s.type);
      else out.delete(s.type);
    }
    return [...out];
  }

  edits(): { edits: RRsetEdit[]; touched: Array<{ name: string; type: string }> } {
    const edits: RRsetEdit[] = [];
    const touched: Array<{ name: string; type: string }> = [];
    for (const s of this.sets.values()) {
      const before = this.zone.node(keyOf(s.owner))?.get(s.type);
      const same = before !== undefined && before.ttl === s.ttl && before.rdata.length === s.rdata.length &&
        before.rdata.every((rd, i) => equalBytes(rd, s.rdata[i]!));
      if (same || (before === undefined && s.rdata.length === 0)) continue;
      const name = nameToText(s.owner).toLowerCase();
      const type = typeToText(s.type);
      touched.push({ name, type });
      edits.push({ name, type, changetype: 'REPLACE', ttl: s.ttl, records: s.rdata.map((rd) => ({ content: rdataToText(s.type, rd) })) });
    }
    return { edits, touched };
  }
}

/** RFC 2136 §3.2: the prerequisite section against the zone as it is served. */
function checkPrerequisites(m: Message, zone: Zone): Plan | null {
  const draft = new Draft(zone);
  const valueSets = new Map<string, { owner: Name; type: number; rdata: Uint8Array[] }>();
  for (const rr of m.answers) {
    if (rr.ttl !== 0) return fail(Rcode.FORMERR, 'a prerequisite has a TTL other than 0');
    if (!nameIsBelowOrAt(rr.name, zone.origin)) return fail(Rcode.NOTZONE, `${nameToText(rr.name)} is outside the zone`);
    const inUse = draft.types(rr.name).length > 0 || (zone.node(keyOf(rr.name))?.isEmptyNonTerminal ?? false);
    if (rr.class === RRClass.ANY) {
      if (rr.rdata.length !== 0) return fail(Rcode.FORMERR, 'a class ANY prerequisite carries data');
      if (rr.type === RRType.ANY) { if (!inUse) return fail(Rcode.NXDOMAIN, `${nameToText(rr.name)} does not exist`); }
      else if (draft.get(rr.name, rr.type).rdata.length === 0) return fail(Rcode.NXRRSET, `${nameToText(rr.name)} has no ${typeToText(rr.type)} RRset`);
    } else if (rr.class === RRClass.NONE) {
      if (rr.rdata.length !== 0) return fail(Rcode.FORMERR, 'a class NONE prerequisite carries data');
      if (rr.type === RRType.ANY) { if (inUse) return fail(Rcode.YXDOMAIN, `${nameToText(rr.name)} exists`); }
      else if (draft.get(rr.name, rr.type).rdata.length > 0) return fail(Rcode.YXRRSET, `${nameToText(rr.name)} has a ${typeToText(rr.type)} RRset`);
    } else if (rr.class === RRClass.IN) {
      const id = `${keyOf(rr.name)}|${rr.type}`;
      const v = valueSets.get(id) ?? { owner: rr.name, type: rr.type, rdata: [] };
      v.rdata.push(rr.rdata);
      valueSets.set(id, v);
    } else {
      return fail(Rcode.FORMERR, `a prerequisite has class ${rr.class}`);
    }
  }
  // Value-dependent prerequisites: the RRset must be exactly these records (§3.2.3).
  for (const v of valueSets.values()) {
    const have = draft.get(v.owner, v.type).rdata.map((rd) => rdataCanonical(v.type, rd));
    const want = v.rdata.map((rd) => rdataCanonical(v.type, rd));
    const contains = (a: Uint8Array[], b: Uint8Array[]): boolean => b.every((x) => a.some((y) => equalBytes(x, y)));
    if (!contains(have, want) || !contains(want, have)) {
      return fail(Rcode.NXRRSET, `${nameToText(v.owner)} ${typeToText(v.type)} is not the RRset the prerequisite gives`);
    }
  }
  return null;
}

/** RFC 2136 §3.4.1: the update section is checked whole before anything is applied. */
function prescan(updates: readonly Rr[], zone: Zone): Plan | null {
  for (const rr of updates) {
    if (!nameIsBelowOrAt(rr.name, zone.origin)) return fail(Rcode.NOTZONE, `${nameToText(rr.name)} is outside the zone`);
    if (rr.class === RRClass.IN) {
      if (NOT_ADDABLE.has(rr.type)) return fail(Rcode.FORMERR, `records of type ${typeToText(rr.type)} cannot be added`);
    } else if (rr.class === RRClass.ANY) {
      if (rr.ttl !== 0 || rr.rdata.length !== 0) return fail(Rcode.FORMERR, 'a class ANY update has a TTL or data');
    } else if (rr.class === RRClass.NONE) {
      if (rr.ttl !== 0) return fail(Rcode.FORMERR, 'a class NONE update has a TTL');
      if (rr.type === RRType.ANY) return fail(Rcode.FORMERR, 'a class NONE update of type ANY');
    } else {
      return fail(Rcode.FORMERR, `an update has class ${rr.class}`);
    }
  }
  return null;
}

/**
 * Plans an RFC 2136 UPDATE (already authenticated and authorized) against the zone served now: checks
 * the prerequisites, then applies the update section to a draft in order (§3.4.2: CNAME exclusivity, SOA
 * only with a newer serial, apex SOA and NS kept) and returns the RRsets that changed.
 */
export function planUpdate(m: Message, zone: Zone): Plan {
  const pre = checkPrerequisites(m, zone) ?? prescan(m.authority, zone);
  if (pre !== null) return pre;
  const draft = new Draft(zone);
  const apexKey = zone.originKey;
  for (const rr of m.authority) {
    const atApex = keyOf(rr.name) === apexKey;
    if (rr.class === RRClass.IN) {
      const types = draft.types(rr.name);
      if (rr.type === RRType.CNAME && types.some((t) => t !== RRType.CNAME)) continue; // §3.4.2.2
      if (rr.type !== RRType.CNAME && types.includes(RRType.CNAME)) continue;
      const set = draft.get(rr.name, rr.type);
      if (rr.type === RRType.SOA) {
        if (!atApex || set.rdata.length === 0) continue;
        if (((soaSerial(rr.rdata) - soaSerial(set.rdata[0]!)) | 0) <= 0) continue;
        set.rdata = [rr.rdata];
        set.ttl = rr.ttl;
        continue;
      }
      const canon = rdataCanonical(rr.type, rr.rdata);
      const same = set.rdata.findIndex((rd) => equalBytes(rdataCanonical(rr.type, rd), canon));
      if (rr.type === RRType.CNAME && set.rdata.length > 0) set.rdata = [rr.rdata];
      else if (same < 0) set.rdata.push(rr.rdata);
      set.ttl = rr.ttl; // the RRset takes the TTL of the latest record added (as BIND and PowerDNS)
    } else if (rr.class === RRClass.ANY) {
      const types = rr.type === RRType.ANY ? draft.types(rr.name) : [rr.type];
      for (const t of types) {
        if (atApex && (t === RRType.SOA || t === RRType.NS)) continue;
        draft.get(rr.name, t).rdata = [];
      }
    } else {
      if (atApex && rr.type === RRType.SOA) continue;
      const set = draft.get(rr.name, rr.type);
      const canon = rdataCanonical(rr.type, rr.rdata);
      const rest = set.rdata.filter((rd) => !equalBytes(rdataCanonical(rr.type, rd), canon));
      if (atApex && rr.type === RRType.NS && rest.length === 0) continue; // the last apex NS stays
      set.rdata = rest;
    }
  }
  return { rcode: 0, ...draft.edits() };
}

import { RRType, nameFromText, nameToText, rdataToText, typeToText } from '../wire/index.js';
import { parseZoneText } from '../zone/index.js';
import type { CommentInput, ZoneSpec } from '../catalog/index.js';
import { nextSerial, parseSerialPolicy } from '../catalog/index.js';
import type { Catalog } from '../catalog/index.js';
import { unprocessable } from './errors.js';
import { asObject, intFrom, optString, stringFrom } from './json.js';
import type { Json } from './json.js';
import { apiName, inZone } from './zone-id.js';
import { apiType, checkRRset, gatherRecords, keepText, rrsetTtl } from './records.js';
import type { GatheredRecord } from './records.js';
import { isSecondaryKind, kindFromApi, parsePrimary } from './kinds.js';

/** PowerDNS's default-soa-content (the `default-soa-content` setting of the store overrides it). */
export const DEFAULT_SOA = 'a.misconfigured.dns.server.invalid hostmaster.@ 0 10800 3600 604800 3600';
export const DEFAULT_TTL = 3600;

interface NewRRset { name: string; type: { code: number; text: string }; ttl: number; records: GatheredRecord[] }

/** A checked POST /zones body: the spec for the catalog and what goes beside it. */
export interface ZoneCreation {
  name: string;
  spec: ZoneSpec;
  comments: { name: string; type: string; comments: CommentInput[] }[];
  metadata: Map<string, string[]>;
  dnssec: boolean;
  /** Absent: the DNSSEC default (NSEC3 "1 0 0 -", issue 10); "": NSEC. */
  nsec3param: string | undefined;
  nsec3narrow: boolean;
}

function fromZoneText(text: string, zone: string): NewRRset[] {
  if (/^\s*\$INCLUDE\b/im.test(text)) throw unprocessable('An error occurred while parsing the zonedata: $INCLUDE is not allowed in zone data sent to the API');
  let rrs;
  try {
    rrs = parseZoneText(text, { origin: nameFromText(zone), file: 'zone', defaultTtl: DEFAULT_TTL });
  } catch (err) {
    throw unprocessable(`An error occurred while parsing the zonedata: ${(err as Error).message}`, err);
  }
  const sets = new Map<string, NewRRset>();
  let seenSoa = false;
  for (const rr of rrs) {
    if (rr.type === RRType.SOA) { if (seenSoa) continue; seenSoa = true; }
    const name = nameToText(rr.name).toLowerCase();
    const type = apiType(name, typeToText(rr.type));
    const key = `${name}/${rr.type}`;
    let s = sets.get(key);
    if (s === undefined) sets.set(key, s = { name, type, ttl: rr.ttl, records: [] });
    const content = rdataToText(rr.type, rr.rdata);
    if (!s.records.some((r) => r.normal === content)) s.records.push({ content, normal: content, disabled: false });
  }
  return [...sets.values()];
}

/** Checks a POST /zones body as PowerDNS does (422 with its messages); nothing is written here. */
export async function parseZoneCreation(body: unknown, catalog: Catalog, now: number): Promise<ZoneCreation> {
  const doc = asObject(body);
  const name = apiName(stringFrom(doc, 'name'), false);
  const kind = kindFromApi(stringFrom(doc, 'kind'));
  const zoneText = optString(doc, 'zone') ?? '';
  if (Array.isArray(doc.rrsets) && zoneText !== '') throw unprocessable('You cannot give rrsets AND zone data as text');
  const nameservers = doc.nameservers;
  if (nameservers !== undefined && nameservers !== null && !Array.isArray(nameservers) && !isSecondaryKind(kind)) {
    throw unprocessable('Nameservers is not a list');
  }
  let sets: NewRRset[] = [];
  const comments: ZoneCreation['comments'] = [];
  if (Array.isArray(doc.rrsets)) {
    for (const raw of doc.rrsets as unknown[]) {
      const rrset = asObject(raw, 'an rrset');
      const owner = apiName(stringFrom(rrset, 'name'));
      const type = apiType(owner, stringFrom(rrset, 'type'));
      if (Array.isArray(rrset.records)) {
        sets.push({ name: owner, type, ttl: rrsetTtl(rrset, owner, type.text), records: gatherRecords(rrset, owner, type, name) });
      }
      if (Array.isArray(rrset.comments)) {
        comments.push({
          name: owner, type: type.text, comments: (rrset.comments as unknown[]).map((c) => {
            const o = asObject(c, 'a comment') as Json;
            return { content: stringFrom(o, 'content'), account: stringFrom(o, 'account'), modified_at: intFrom(o, 'modified_at', Math.floor(now / 1000)) };
          }),
        });
      }
    }
  } else if (zoneText !== '') {
    sets = fromZoneText(zoneText, name);
  }
  let haveSoa = false;
  let haveNs = false;
  for (const s of sets) {
    if (!inZone(s.name, name)) throw unprocessable(`RRset ${s.name} IN ${s.type.text}: Name is out of zone`);
    if (s.name === name && s.type.code === RRType.SOA) haveSoa = true;
    if (s.name === name && s.type.code === RRType.NS) haveNs = true;
  }
  if (!haveSoa && !isSecondaryKind(kind)) {
    const soa = ((await catalog.store.q.setting('default-soa-content')) ?? DEFAULT_SOA).replaceAll('@', name.slice(0, -1));
    const t = soa.trim().split(/\s+/);
    // PowerDNS reads default-soa-content's names as absolute, dot or not.
    for (const i of [0, 1]) if (t[i] !== undefined && !t[i]!.endsWith('.')) t[i] = `${t[i]}.`;
    t[2] = String(intFrom(doc, 'serial', 0) >>> 0);
    sets.push({ name, type: { code: RRType.SOA, text: 'SOA' }, ttl: DEFAULT_TTL, records: [{ content: t.join(' '), normal: t.join(' '), disabled: false }] });
  }
  if (Array.isArray(nameservers) && nameservers.length > 0) {
    const ns: GatheredRecord[] = [];
    for (const v of nameservers as unknown[]) {
      if (typeof v !== 'string' || v === '') throw unprocessable('Nameservers must be non-empty strings');
      if (!v.endsWith('.')) throw unprocessable(`Nameserver is not canonical: '${v}'`);
      let text: string;
      try { text = nameToText(nameFromText(v)); } catch { throw unprocessable(`Unable to parse DNS Name for NS '${v}'`); }
      if (haveNs) throw unprocessable('Nameservers list MUST NOT be mixed with zone-level NS in rrsets');
      ns.push({ content: text, normal: text, disabled: false });
    }
    sets.push({ name, type: { code: RRType.NS, text: 'NS' }, ttl: DEFAULT_TTL, records: ns });
  }
  const merged = mergeSets(sets);
  for (const s of merged) checkRRset(s.name, s.type, s.records, name);
  checkExclusive(merged);

  const soaEditApi = typeof doc.soa_edit_api === 'string' ? doc.soa_edit_api : 'DEFAULT';
  let policy = 'increment';
  if (soaEditApi !== '') {
    try { parseSerialPolicy(soaEditApi); policy = soaEditApi; } catch { policy = 'increment'; }
    // PowerDNS applies SOA-EDIT-API to the new zone's SOA at once.
    const soa = merged.find((s) => s.name === name && s.type.code === RRType.SOA)?.records[0];
    if (soa !== undefined) {
      const t = soa.normal.split(/\s+/);
      t[2] = String(nextSerial(parseSerialPolicy(policy), Number(t[2]) >>> 0, now));
      soa.normal = t.join(' ');
    }
  }
  const primaries = Array.isArray(doc.masters) ? (doc.masters as unknown[]).map((m) => parsePrimary(typeof m === 'string' ? m : '')) : [];
  const metadata = new Map<string, string[]>([['SOA-EDIT-API', [soaEditApi]]]);
  if (typeof doc.soa_edit === 'string') metadata.set('SOA-EDIT', [doc.soa_edit]);
  if (typeof doc.api_rectify === 'boolean') metadata.set('API-RECTIFY', [doc.api_rectify ? '1' : '0']);
  const dnssec = doc.dnssec === true;
  const nsec3param = typeof doc.nsec3param === 'string' ? doc.nsec3param : undefined;
  if (!dnssec && nsec3param !== undefined && nsec3param !== '') throw unprocessable(`NSEC3PARAM value provided for zone '${name}', but zone is not DNSSEC secured.`);
  return {
    name,
    spec: {
      name, kind, account: typeof doc.account === 'string' ? doc.account : '', primaries, serialPolicy: policy,
      records: merged.flatMap((s) => s.records.map((r) => ({ name: s.name, type: s.type.code, ttl: s.ttl, content: keepText(s.type.code) ? r.content : r.normal, disabled: r.disabled }))),
    },
    comments, metadata, dnssec, nsec3param, nsec3narrow: doc.nsec3narrow === true,
  };
}

function mergeSets(sets: readonly NewRRset[]): NewRRset[] {
  const out = new Map<string, NewRRset>();
  for (const s of sets) {
    const key = `${s.name}/${s.type.code}`;
    const prev = out.get(key);
    if (prev === undefined) out.set(key, { ...s, records: [...s.records] });
    else prev.records.push(...s.records);
  }
  return [...out.values()];
}

/** CNAME beside any other RRset at one name (PowerDNS exclusiveEntryTypes). */
function checkExclusive(sets: readonly NewRRset[]): void {
  const byName = new Map<string, NewRRset[]>();
  for (const s of sets) {
    if (s.records.length === 0) continue;
    const l = byName.get(s.name) ?? [];
    l.push(s);
    byName.set(s.name, l);
  }
  for (const [name, l] of byName) {
    const cname = l.find((s) => s.type.code === RRType.CNAME);
    if (cname !== undefined && l.length > 1) {
      const other = l.find((s) => s !== cname)!;
      throw unprocessable(`RRset ${name} IN ${other.type.code > cname.type.code ? other.type.text : 'CNAME'}: Conflicts with another RRset`);
    }
  }
}

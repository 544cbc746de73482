import { RRType, nameCompareCanonical, nameFromText, nameToText, rdataToText, typeFromText, typeToText } from '../wire/index.js';
import type { ZoneKind, ZoneRow } from '../store/index.js';
import type { Zone } from '../zone/index.js';
import { keyOf } from '../zone/index.js';
import { recordTexts } from '../store/index.js';
import type { ApiContext } from './context.js';
import { kindToApi } from './kinds.js';
import { zoneNameToId } from './zone-id.js';
import { pdnsContent } from './pdns-text.js';

/** What the API knows of one zone, wherever it is served from. */
export interface ZoneInfo {
  name: string;
  source: 'file' | 'store';
  kind: ZoneKind;
  primaries: string[];
  account: string;
  /** The serial served now (0 when the zone is not served, e.g. a secondary before its first transfer). */
  serial: number;
  /** The SOA-EDIT-API text (store zones: their serial policy). */
  soaEditApi: string;
  row: ZoneRow | null;
}

export interface ApiRecord { content: string; disabled: boolean }
export interface ApiComment { content: string; account: string; modified_at: number }
export interface ApiRRset { name: string; type: string; ttl: number; records: ApiRecord[]; comments: ApiComment[] }

/** PowerDNS's SOA-EDIT-API spelling of our serial policies (stored PowerDNS values echo as stored). */
const POLICY_ECHO: Readonly<Record<string, string>> = { increment: 'INCREASE', date: 'DEFAULT', epoch: 'EPOCH' };

function servedSerial(ctx: ApiContext, name: string): number {
  return ctx.deps.catalog?.zone(name)?.serial ?? 0;
}

export function fromRow(ctx: ApiContext, row: ZoneRow): ZoneInfo {
  // Secondaries never edit their serial; PowerDNS shows DEFAULT (what its API stores for every new zone).
  const secondary = row.kind === 'secondary' || row.kind === 'consumer';
  return {
    name: row.name, source: 'store', kind: row.kind, primaries: row.primaries, account: row.account,
    serial: servedSerial(ctx, row.name), soaEditApi: secondary ? 'DEFAULT' : POLICY_ECHO[row.serialPolicy] ?? row.serialPolicy, row,
  };
}

function fromFile(zone: Zone): ZoneInfo {
  return { name: nameToText(zone.origin).toLowerCase(), source: 'file', kind: 'native', primaries: [], account: '', serial: zone.serial, soaEditApi: '', row: null };
}

/** A secondary zone added but not transferred yet (PowerDNS lists it with serial 0 and no records). */
function pendingSecondary(ctx: ApiContext, name?: string): ZoneInfo[] {
  const list = ctx.deps.services?.transfer?.secondaries?.() ?? [];
  return list.filter((s) => name === undefined || s.zone === name).map((s) => ({
    name: s.zone, source: 'store', kind: s.kind, primaries: s.primaries, account: '', serial: 0, soaEditApi: 'DEFAULT', row: null,
  }));
}

/** Every zone: files first win over store zones of the same name (as DNS serves them), sorted by name. */
export async function listZoneInfos(ctx: ApiContext): Promise<ZoneInfo[]> {
  const out = new Map<string, ZoneInfo>();
  for (const p of pendingSecondary(ctx)) out.set(p.name, p);
  if (ctx.deps.catalog !== null) for (const row of await ctx.deps.catalog.listZones()) out.set(row.name, fromRow(ctx, row));
  for (const z of ctx.deps.fileZones()) { const i = fromFile(z); out.set(i.name, i); }
  return [...out.values()].sort((a, b) => nameCompareCanonical(nameFromText(a.name), nameFromText(b.name)));
}

/** One zone by canonical name, or undefined. */
export async function zoneInfo(ctx: ApiContext, name: string): Promise<ZoneInfo | undefined> {
  const file = ctx.deps.fileZones().get(keyOf(nameFromText(name)));
  if (file !== undefined) return fromFile(file);
  if (ctx.deps.catalog === null) return undefined;
  const row = await ctx.deps.catalog.store.q.zoneByName(name);
  return row === undefined ? pendingSecondary(ctx, name)[0] : fromRow(ctx, row);
}

const notified = new WeakMap<ApiContext, Map<string, number>>();

/** Remembers the serial a PUT /notify announced (PowerDNS's notified_serial; kept in memory). */
export function noteNotified(ctx: ApiContext, zone: string, serial: number): void {
  let m = notified.get(ctx);
  if (m === undefined) notified.set(ctx, m = new Map());
  m.set(zone, serial);
}

/** The short Zone object of lists (getZoneInfo); `signed` (zones with active keys) saves a query per zone. */
export async function zoneSummary(ctx: ApiContext, z: ZoneInfo, withDnssec: boolean, signed?: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const id = zoneNameToId(z.name);
  const o: Record<string, unknown> = {
    id, url: `/api/v1/servers/${ctx.serverId}/zones/${id}`, name: z.name, kind: kindToApi(z.kind), catalog: '',
    account: z.account, masters: z.primaries, serial: z.serial, notified_serial: notified.get(ctx)?.get(z.name) ?? 0, last_check: 0,
  };
  if (withDnssec) {
    o.dnssec = signed !== undefined && z.source === 'store' ? signed.has(z.name) : (await dnssecOf(ctx, z)).dnssec;
    o.edited_serial = z.serial;
  }
  return o;
}

async function dnssecOf(ctx: ApiContext, z: ZoneInfo): Promise<{ dnssec: boolean; nsec3param: string; nsec3narrow: boolean; presigned: boolean }> {
  if (z.source === 'store' && ctx.deps.catalog !== null) return ctx.deps.catalog.dnssec.status(z.name);
  const zone = ctx.deps.fileZones().get(keyOf(nameFromText(z.name)));
  const signed = zone?.apex.has(RRType.DNSKEY) ?? false;
  return { dnssec: signed, nsec3param: '', nsec3narrow: false, presigned: signed };
}

export interface RRsetFilter { name?: string; type?: string; includeDisabled: boolean }

/** The full Zone object (fillZone): settings, metadata-backed fields and, unless `rrsets` is false, the RRsets. */
export async function zoneDetail(ctx: ApiContext, z: ZoneInfo, rrsets: boolean, filter: RRsetFilter): Promise<Record<string, unknown>> {
  const o = await zoneSummary(ctx, z, false);
  const meta = await zoneMetadata(ctx, z);
  const one = (k: string): string => meta.get(k)?.[0] ?? '';
  const sec = await dnssecOf(ctx, z);
  Object.assign(o, {
    soa_edit_api: z.source === 'store' ? (meta.has('SOA-EDIT-API') ? one('SOA-EDIT-API') : z.soaEditApi) : '',
    soa_edit: one('SOA-EDIT'),
    nsec3param: sec.dnssec ? sec.nsec3param.toLowerCase() : '', // the salt's hex as PowerDNS prints it
    nsec3narrow: sec.dnssec && sec.nsec3narrow,
    dnssec: sec.dnssec,
    api_rectify: one('API-RECTIFY') === '1',
    edited_serial: z.serial,
    master_tsig_key_ids: (meta.get('TSIG-ALLOW-AXFR') ?? []).map((k) => zoneNameToId(k)),
    slave_tsig_key_ids: (meta.get('AXFR-MASTER-TSIG') ?? []).map((k) => zoneNameToId(k)),
  });
  if (rrsets) o.rrsets = await zoneRRsets(ctx, z, filter);
  return o;
}

/** A zone's metadata (kind → values); file zones have none. */
export async function zoneMetadata(ctx: ApiContext, z: ZoneInfo): Promise<Map<string, string[]>> {
  const m = new Map<string, string[]>();
  if (z.row === null || ctx.deps.catalog === null) return m;
  for (const e of await ctx.deps.catalog.store.q.metadata(z.row.id)) {
    const list = m.get(e.kind) ?? [];
    list.push(e.kind === 'NSEC3PARAM' ? e.content.toLowerCase() : e.content); // the salt's hex as PowerDNS prints it
    m.set(e.kind, list);
  }
  return m;
}

/**
 * The RRsets of a zone in PowerDNS's order (names descending in canonical order, then types descending),
 * comments merged in; `filter.name`/`type` as `rrset_name`/`rrset_type`; disabled records unless excluded.
 */
export async function zoneRRsets(ctx: ApiContext, z: ZoneInfo, filter: RRsetFilter): Promise<ApiRRset[]> {
  const sets = new Map<string, ApiRRset & { owner: Uint8Array; code: number }>();
  const add = (name: string, code: number, ttl: number): ApiRRset & { owner: Uint8Array; code: number } => {
    const key = `${name}/${code}`;
    let s = sets.get(key);
    if (s === undefined) {
      s = { name, type: typeToText(code), ttl, records: [], comments: [], owner: nameFromText(name), code };
      sets.set(key, s);
    }
    return s;
  };
  const wantType = filter.type !== undefined ? typeFromText(filter.type.toUpperCase()) : undefined;
  const wanted = (name: string, code: number): boolean =>
    (filter.name === undefined || name === filter.name) && (wantType === undefined || code === wantType);
  if (z.source === 'file') {
    const zone = ctx.deps.fileZones().get(keyOf(nameFromText(z.name)))!;
    for (const set of zone.records()) {
      const name = nameToText(set.name).toLowerCase();
      if (!wanted(name, set.type)) continue;
      const s = add(name, set.type, set.ttl);
      for (const rd of set.rdata) s.records.push({ content: pdnsContent(set.type, rdataToText(set.type, rd)), disabled: false });
    }
  } else if (z.row !== null) {
    const row = z.row;
    const only = { ...(filter.name !== undefined ? { name: filter.name } : {}), ...(wantType !== undefined ? { type: wantType } : {}) };
    const stored = await ctx.catalog().store.snapshot(async (q) => ({ records: await recordTexts(q, row.id, only), comments: await q.comments(row.id) }));
    for (const r of stored.records) {
      if ((!filter.includeDisabled && r.disabled) || !wanted(r.name, r.type)) continue;
      const s = add(r.name, r.type, r.ttl);
      s.ttl = Math.min(s.ttl, r.ttl);
      s.records.push({ content: pdnsContent(r.type, r.content), disabled: r.disabled });
    }
    for (const c of stored.comments) {
      if (!wanted(c.name, c.type)) continue;
      const s = sets.get(`${c.name}/${c.type}`) ?? add(c.name, c.type, 0);
      s.comments.push({ modified_at: c.modifiedAt, account: c.account, content: c.content });
    }
  }
  return [...sets.values()]
    .sort((a, b) => nameCompareCanonical(b.owner, a.owner) || b.code - a.code)
    .map(({ name, type, ttl, records, comments }) => ({ name, type, ttl, records, comments }));
}

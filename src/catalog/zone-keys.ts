import { createPrivateKey } from 'node:crypto';
import { hexDecode, hexEncode } from '../wire/index.js';
import { generateKey, makeKey, isSep } from '../dnssec/index.js';
import type { DnssecKey, Nsec3Options } from '../dnssec/index.js';
import type { StoreQueries } from '../store/index.js';
import { CatalogError } from './errors.js';
import type { KeyCrypt } from './key-crypt.js';

/**
 * Where a key is in its life. `active` signs and is published; `published` is in the DNSKEY RRset only
 * (pre-published, waiting for caches); `ready` (SEP keys in a rollover) signs and is published while the
 * parent's DS is awaited (CDS/CDNSKEY name it); `retired` no longer signs and stays published until
 * caches forget its signatures, then the rollover deletes it; `inactive` was switched off by hand
 * (PowerDNS deactivate / unpublish) and is left alone.
 */
export type KeyState = 'published' | 'ready' | 'active' | 'retired' | 'inactive';

/** A zone's key as stored. */
export interface StoredKey {
  id: number;
  zoneId: number;
  flags: number;
  algorithm: number;
  active: boolean;
  published: boolean;
  state: KeyState;
  createdAt: number;
  changedAt: number;
  key: DnssecKey;
}

/** Zone metadata kinds used here: PowerDNS's NSEC3PARAM ("1 0 0 -"); GEODESIC-DENIAL "nsec" chooses NSEC. */
export const NSEC3PARAM_KIND = 'NSEC3PARAM';
export const DENIAL_KIND = 'GEODESIC-DENIAL';

async function zoneId(q: StoreQueries, zone: string): Promise<number> {
  const row = await q.zoneByName(zone);
  if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${zone}`);
  return row.id;
}

/** The zone's keys, oldest first, private keys decrypted. */
export async function loadKeys(q: StoreQueries, zone: string, crypt: KeyCrypt): Promise<StoredKey[]> {
  const id = await zoneId(q, zone);
  const rows = await q.db.selectFrom('dnssec_keys').selectAll().where('zone_id', '=', id).orderBy('id').execute();
  return rows.map((r) => {
    const pem = crypt.open(r.private_key, `${zone} key ${r.id}`);
    const active = Number(r.active) === 1;
    const published = Number(r.published) === 1;
    const key = makeKey(Number(r.algorithm), createPrivateKey(pem), { flags: Number(r.flags), active, published });
    return {
      id: Number(r.id), zoneId: id, flags: Number(r.flags), algorithm: Number(r.algorithm), active, published,
      state: r.state as KeyState, createdAt: Number(r.created_at), changedAt: Number(r.changed_at), key,
    };
  });
}

/** Names of the zones that have at least one active key. */
export async function keyedZones(q: StoreQueries): Promise<Set<string>> {
  const rows = await q.db.selectFrom('dnssec_keys').innerJoin('zones', 'zones.id', 'dnssec_keys.zone_id')
    .select('zones.name').where('dnssec_keys.active', '=', 1).distinct().execute();
  return new Set(rows.map((r) => r.name));
}

/** Flags of a key role: CSK and KSK carry the SEP bit (257), a ZSK does not (256). */
export function flagsOf(role: 'csk' | 'ksk' | 'zsk'): number {
  return role === 'zsk' ? 256 : 257;
}

/** Stores a new key (generated unless given) and returns its id. */
export async function addKey(q: StoreQueries, zone: string, crypt: KeyCrypt, opts: {
  algorithm?: number | string; flags?: number; state: KeyState; now: number; key?: DnssecKey;
}): Promise<{ id: number; key: DnssecKey }> {
  const id = await zoneId(q, zone);
  const { active, published } = columnsOf(opts.state);
  const key = opts.key ?? generateKey(opts.algorithm ?? 13, { flags: opts.flags ?? 257, active, published });
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const values = {
    zone_id: id, flags: key.flags, algorithm: key.algorithm, active: active ? 1 : 0, published: published ? 1 : 0,
    private_key: crypt.seal(pem), created_at: opts.now, state: opts.state, changed_at: opts.now,
  };
  const r = await q.db.insertInto('dnssec_keys').values(values).executeTakeFirst();
  let newId = Number(r.insertId ?? 0);
  if (!newId) {
    const last = await q.db.selectFrom('dnssec_keys').select('id').where('zone_id', '=', id).orderBy('id', 'desc').executeTakeFirst();
    newId = Number(last?.id);
  }
  return { id: newId, key: makeKey(key.algorithm, key.privateKey, { flags: key.flags, active, published }) };
}

/** active/published columns of a state. */
export function columnsOf(state: KeyState): { active: boolean; published: boolean } {
  return { active: state === 'active' || state === 'ready', published: state !== 'inactive' };
}

/** Sets a key's state (and its active/published columns), or the columns alone for a hand-made change. */
export async function setKey(q: StoreQueries, zone: string, keyId: number, change: { state?: KeyState; active?: boolean; published?: boolean }, now: number): Promise<void> {
  const id = await zoneId(q, zone);
  const row = await q.db.selectFrom('dnssec_keys').select(['id', 'state', 'active', 'published']).where('zone_id', '=', id).where('id', '=', keyId).executeTakeFirst();
  if (row === undefined) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `zone ${zone} has no key ${keyId}`);
  let { active, published } = change.state !== undefined ? columnsOf(change.state) : { active: Number(row.active) === 1, published: Number(row.published) === 1 };
  if (change.active !== undefined) active = change.active;
  if (change.published !== undefined) published = change.published;
  const state: KeyState = change.state ?? (active && published ? 'active' : active ? 'active' : 'inactive');
  await q.db.updateTable('dnssec_keys').set({ state, active: active ? 1 : 0, published: published ? 1 : 0, changed_at: now })
    .where('id', '=', keyId).execute();
}

export async function deleteKey(q: StoreQueries, zone: string, keyId: number): Promise<void> {
  const id = await zoneId(q, zone);
  const r = await q.db.deleteFrom('dnssec_keys').where('zone_id', '=', id).where('id', '=', keyId).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `zone ${zone} has no key ${keyId}`);
}

export async function deleteAllKeys(q: StoreQueries, zone: string): Promise<void> {
  await q.db.deleteFrom('dnssec_keys').where('zone_id', '=', await zoneId(q, zone)).execute();
}

/** Denial of existence of a zone: NSEC3 (default, RFC 9276: 0 iterations, no salt) or NSEC. */
export type Denial = { kind: 'nsec' } | { kind: 'nsec3'; nsec3: Nsec3Options };

/** NSEC3PARAM text as PowerDNS shows it ("1 0 0 -"). */
export function nsec3ParamText(n: Nsec3Options): string {
  const salt = n.salt !== undefined && n.salt.length > 0 ? hexEncode(n.salt) : '-';
  return `1 ${n.optOut ? 1 : 0} ${n.iterations ?? 0} ${salt}`;
}

export function parseNsec3Param(text: string): Nsec3Options {
  const t = text.trim().split(/\s+/);
  if (t.length !== 4 || t[0] !== '1' || !/^\d+$/.test(t[1]!) || !/^\d+$/.test(t[2]!) || !/^(-|[0-9a-fA-F]*)$/.test(t[3]!)) {
    throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `invalid NSEC3PARAM "${text}" (expected "1 FLAGS ITERATIONS SALT", e.g. "1 0 0 -")`);
  }
  const iterations = Number(t[2]);
  if (iterations > 100) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `NSEC3 iterations ${iterations} is too many (RFC 9276 says 0; at most 100 here)`);
  return { optOut: (Number(t[1]) & 1) === 1, iterations, salt: t[3] === '-' ? new Uint8Array(0) : hexDecode(t[3]!, 'NSEC3 salt') };
}

export async function loadDenial(q: StoreQueries, zone: string): Promise<Denial> {
  const meta = await q.metadata(await zoneId(q, zone));
  const p = meta.find((m) => m.kind === NSEC3PARAM_KIND);
  if (p !== undefined && p.content.trim() !== '') return { kind: 'nsec3', nsec3: parseNsec3Param(p.content) };
  if (meta.some((m) => m.kind === DENIAL_KIND && m.content.trim().toLowerCase() === 'nsec')) return { kind: 'nsec' };
  return { kind: 'nsec3', nsec3: { iterations: 0, salt: new Uint8Array(0), optOut: false } };
}

/** Sets the denial: NSEC3 with a NSEC3PARAM text, or '' for NSEC (PowerDNS's `nsec3param: ""`). */
export async function setDenial(q: StoreQueries, zone: string, nsec3param: string): Promise<void> {
  const id = await zoneId(q, zone);
  if (nsec3param.trim() === '') {
    await q.setMetadata(id, NSEC3PARAM_KIND, []);
    await q.setMetadata(id, DENIAL_KIND, ['nsec']);
  } else {
    await q.setMetadata(id, NSEC3PARAM_KIND, [nsec3ParamText(parseNsec3Param(nsec3param))]);
    await q.setMetadata(id, DENIAL_KIND, []);
  }
}

/** True when the key set holds a key with the SEP bit. */
export function hasSep(keys: readonly StoredKey[]): boolean {
  return keys.some((k) => isSep(k.key));
}

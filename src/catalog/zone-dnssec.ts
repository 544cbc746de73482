import { RRType, nameFromText, rdataToText } from '../wire/index.js';
import { algorithmOf, dnskeyRdata, dsRdata, isSep } from '../dnssec/index.js';
import type { DnssecKey } from '../dnssec/index.js';
import type { Store, StoreQueries } from '../store/index.js';
import type { ChangeSet } from './change-set.js';
import type { ZoneSigning } from './zone-signing.js';
import type { Zone } from '../zone/index.js';
import { KeyRollover, ROLLOVER_KIND } from './key-rollover.js';
import type { RolloverState } from './key-rollover.js';
import { CatalogError } from './errors.js';
import { zoneName } from './zone-spec.js';
import {
  addKey, deleteAllKeys, keyedZones, deleteKey, flagsOf, loadDenial, loadKeys, nsec3ParamText, setDenial, setKey,
} from './zone-keys.js';
import type { KeyState, StoredKey } from './zone-keys.js';

/** A key as the API and CLI show it (PowerDNS Cryptokey fields). */
export interface KeyInfo {
  id: number;
  keytype: 'csk' | 'ksk' | 'zsk';
  active: boolean;
  published: boolean;
  state: KeyState;
  flags: number;
  algorithm: string;
  algorithmNumber: number;
  bits: number;
  keyTag: number;
  /** DNSKEY rdata in presentation form ("257 3 13 base64"). */
  dnskey: string;
  /** DS for SEP keys: SHA-256 and SHA-384 digests ("tag alg 2 hex"). */
  ds: string[];
  cds: string[];
  createdAt: number;
  changedAt: number;
  key: DnssecKey;
}

/** What `dnssec: true` on zone create and the Zone object's DNSSEC fields need. */
export interface DnssecStatus { dnssec: boolean; nsec3param: string; nsec3narrow: boolean; presigned: boolean }

/** What ZoneDnssec uses of the Catalog. */
interface CatalogPart {
  readonly store: Store;
  readonly signing: ZoneSigning;
  readonly readOnly: boolean;
  zone(name: string): Zone | undefined;
  apply(name: string, changes: ChangeSet, author: string, also: (q: StoreQueries) => Promise<void>): Promise<unknown>;
  settled(): Promise<void>;
}

const BITS: Record<number, number> = { 8: 2048, 13: 256, 14: 384, 15: 256 };

/**
 * DNSSEC of the store's zones (PowerDNS semantics): keys with states, NSEC3 parameters, DS for the
 * registrar. Every change is one transaction that also raises the zone's serial (an empty change set), so
 * every node re-signs and secondaries transfer the new signatures. `catalog.dnssec`.
 */
export class ZoneDnssec {
  /** Automatic and manual key rollovers (policy: SigningOptions.rollover). */
  readonly rollovers: KeyRollover;

  constructor(private readonly catalog: CatalogPart) {
    const c = catalog;
    this.rollovers = new KeyRollover({
      crypt: c.signing.crypt,
      readOnly: () => c.readOnly,
      zone: (name) => c.zone(name),
      signedZones: () => c.signing.signedNames,
      change: (zone, author, fn) => this.change(zone, author, fn),
      read: (fn) => c.store.snapshot(fn),
      dnskeyTtl: c.signing.opts.dnskeyTtl ?? 3600,
    }, c.signing.opts.rollover);
  }

  /** Starts a key rollover by hand (`geodesic dnssec rollover ZONE [zsk|ksk|csk] [--algorithm]`). */
  rollover(zone: string, kind: 'zsk' | 'ksk' | 'csk', opts: { algorithm?: number | string; author?: string } = {}): Promise<RolloverState> {
    return this.rollovers.start(zone, kind, opts);
  }

  /**
   * The periodic DNSSEC work of a node (cli runs it every few minutes): signatures due for refresh are
   * made again (on a writable store with a serial bump, so secondaries transfer them; on a read-only
   * one locally), and rollovers move on. Returns log lines.
   */
  async maintain(): Promise<string[]> {
    const out: string[] = [];
    for (const name of this.catalog.signing.due()) {
      try {
        if (this.catalog.readOnly) await this.catalog.signing.resign(name);
        else await this.change(name, 'dnssec-refresh', async () => undefined);
        out.push(`${name}: signatures refreshed`);
      } catch (err) {
        out.push(`${name}: refreshing signatures failed: ${(err as Error).message}`);
      }
    }
    out.push(...await this.rollovers.tick());
    return out;
  }

  private get crypt() {
    return this.catalog.signing.crypt;
  }

  /** Key timestamps (created, state changed) are on the rollover clock: rollovers wait from them. */
  private now(): number {
    return this.rollovers.now();
  }

  /** Writes `fn` with a serial bump, then waits until the re-signed zone is served. */
  async change<T>(zone: string, author: string, fn: (q: StoreQueries) => Promise<T>, serial = true): Promise<T> {
    const name = zoneName(zone);
    let out: T | undefined;
    if (serial) {
      await this.catalog.apply(name, { rrsets: [] }, author, async (q) => { out = await fn(q); });
    } else {
      // the zone's change seq moves (other nodes reload it and find the keys) but not its serial
      await this.catalog.store.write(async (q) => {
        const seq = await q.bumpCounter();
        const row = await q.zoneByName(name, true);
        if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${name}`);
        out = await fn(q);
        await q.updateZone(row.id, { changeSeq: seq });
      });
    }
    await this.catalog.settled();
    await this.catalog.signing.resign(name);
    await this.catalog.settled();
    return out as T;
  }

  async keys(zone: string): Promise<KeyInfo[]> {
    const name = zoneName(zone);
    const keys = await this.catalog.store.snapshot((q) => loadKeys(q, name, this.crypt));
    return keys.map((k) => infoOf(name, k, keys));
  }

  async key(zone: string, id: number): Promise<KeyInfo> {
    const k = (await this.keys(zone)).find((x) => x.id === id);
    if (k === undefined) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `zone ${zoneName(zone)} has no key ${id}`);
    return k;
  }

  /**
   * Turns signing on: a CSK (ECDSA P-256 by default) unless the zone has active keys; NSEC3 by default.
   * `serial: false` (a zone just created, PowerDNS's `dnssec: true`) signs without raising the serial.
   */
  async enable(zone: string, opts: { algorithm?: number | string; nsec3param?: string; author?: string; serial?: boolean } = {}): Promise<KeyInfo[]> {
    const name = zoneName(zone);
    const alg = opts.algorithm === undefined ? 13 : algorithmOf(opts.algorithm).number;
    await this.change(name, opts.author ?? 'dnssec', async (q) => {
      const keys = await loadKeys(q, name, this.crypt);
      if (!keys.some((k) => k.active)) await addKey(q, name, this.crypt, { algorithm: alg, flags: 257, state: 'active', now: this.now() });
      if (opts.nsec3param !== undefined) await setDenial(q, name, opts.nsec3param);
    }, opts.serial ?? true);
    return this.keys(name);
  }

  /**
   * Turns signing off safely (RFC 8078): CDS/CDNSKEY "delete" ask the parent to remove the DS; the keys go
   * once no parent server has it any more and its TTL has passed (maintain() moves it on).
   */
  unsign(zone: string, author = 'dnssec'): Promise<RolloverState> {
    return this.rollovers.unsign(zone, author);
  }

  /** Turns signing off at once: every key goes (the parent's DS must be removed first, or the zone is bogus). */
  async disable(zone: string, author = 'dnssec'): Promise<void> {
    const name = zoneName(zone);
    await this.change(name, author, async (q) => {
      await deleteAllKeys(q, name);
      const row = await q.zoneByName(name);
      if (row !== undefined) await q.setMetadata(row.id, ROLLOVER_KIND, []);
    });
  }

  /** A new key (PowerDNS POST cryptokeys): keytype csk/ksk/zsk, active and published flags. */
  async addKey(zone: string, opts: { keytype?: 'csk' | 'ksk' | 'zsk'; active?: boolean; published?: boolean; algorithm?: number | string; bits?: number; key?: DnssecKey; author?: string }): Promise<KeyInfo> {
    const name = zoneName(zone);
    const alg = algorithmOf(opts.key?.algorithm ?? opts.algorithm ?? 13);
    if (opts.bits !== undefined && opts.bits !== 0 && opts.bits !== BITS[alg.number]) {
      throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `algorithm ${alg.mnemonic} has ${BITS[alg.number]} bits; ${opts.bits} is not possible here`);
    }
    const active = opts.active ?? false;
    const published = opts.published ?? true;
    const state: KeyState = active ? 'active' : published ? 'published' : 'inactive';
    const id = await this.change(name, opts.author ?? 'dnssec', async (q) => {
      const r = await addKey(q, name, this.crypt, { algorithm: alg.number, flags: flagsOf(opts.keytype ?? 'csk'), state, now: this.now(), key: opts.key });
      if (!published) await setKey(q, name, r.id, { published: false, active }, this.now());
      return r.id;
    });
    return this.key(name, id);
  }

  /** PowerDNS PUT cryptokeys/{id}: activate/deactivate, publish/unpublish. */
  async setKey(zone: string, id: number, change: { active?: boolean; published?: boolean }, author = 'dnssec'): Promise<KeyInfo> {
    const name = zoneName(zone);
    await this.change(name, author, (q) => setKey(q, name, id, change, this.now()));
    return this.key(name, id);
  }

  async deleteKey(zone: string, id: number, author = 'dnssec'): Promise<void> {
    const name = zoneName(zone);
    await this.change(name, author, (q) => deleteKey(q, name, id));
  }

  /** Sets NSEC3 ("1 0 0 -") or NSEC (""). */
  async setNsec3param(zone: string, nsec3param: string, author = 'dnssec'): Promise<void> {
    const name = zoneName(zone);
    await this.change(name, author, (q) => setDenial(q, name, nsec3param));
  }

  /** Names of the zones with an active key (zone lists: one query instead of status() per zone). */
  signedZoneNames(): Promise<Set<string>> {
    return keyedZones(this.catalog.store.q);
  }

  async status(zone: string): Promise<DnssecStatus> {
    const name = zoneName(zone);
    return this.catalog.store.snapshot(async (q) => {
      const rows = await q.db.selectFrom('dnssec_keys').innerJoin('zones', 'zones.id', 'dnssec_keys.zone_id')
        .select('dnssec_keys.active').where('zones.name', '=', name).execute();
      const dnssec = rows.some((r) => Number(r.active) === 1);
      const denial = dnssec ? await loadDenial(q, name) : null;
      return { dnssec, nsec3param: denial?.kind === 'nsec3' ? nsec3ParamText(denial.nsec3) : '', nsec3narrow: false, presigned: false };
    });
  }

  /** DS records to give the registrar (SEP keys that sign or are about to), "zone. IN DS ..." lines. */
  async ds(zone: string): Promise<string[]> {
    const name = zoneName(zone);
    const keys = (await this.keys(name)).filter((k) => k.flags === 257 && k.published && k.state !== 'retired');
    return keys.flatMap((k) => k.ds.map((d) => `${name} IN DS ${d}`));
  }
}

function infoOf(zone: string, k: StoredKey, all: readonly StoredKey[]): KeyInfo {
  const origin = nameFromText(zone);
  const rd = dnskeyRdata(k.key);
  const sep = isSep(k.key);
  const zskActive = all.some((o) => !isSep(o.key) && o.active);
  const ds = sep ? [2, 4].map((t) => rdataToText(RRType.DS, dsRdata(origin, rd, t))) : [];
  return {
    id: k.id, keytype: !sep ? 'zsk' : zskActive ? 'ksk' : 'csk', active: k.active, published: k.published, state: k.state,
    flags: k.flags, algorithm: algorithmOf(k.algorithm).mnemonic, algorithmNumber: k.algorithm, bits: BITS[k.algorithm] ?? 0,
    keyTag: k.key.keyTag, dnskey: rdataToText(RRType.DNSKEY, rd), ds, cds: ds.slice(0, 1), createdAt: k.createdAt,
    changedAt: k.changedAt, key: k.key,
  };
}

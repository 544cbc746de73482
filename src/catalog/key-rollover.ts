import { RRType, nameFromText, nameParent, nameToText } from '../wire/index.js';
import { algorithmOf, dnskeyRdata, dsRdata, isSep } from '../dnssec/index.js';
import type { Zone } from '../zone/index.js';
import type { StoreQueries } from '../store/index.js';
import { CatalogError } from './errors.js';
import { zoneName } from './zone-spec.js';
import { addKey, deleteKey, loadKeys, setKey } from './zone-keys.js';
import type { StoredKey } from './zone-keys.js';
import type { KeyCrypt } from './key-crypt.js';

/** The parent's DS RRset for a zone as its servers answer it (null: could not ask). */
export interface ParentDs { ds: readonly Uint8Array[]; ttl: number }
export type DsLookup = (zone: string) => Promise<ParentDs | null>;

/** When keys roll (config `dnssec:`; seconds). */
export interface RolloverPolicy {
  /** A ZSK older than this is rolled (pre-publish); 0: only by hand. Default 0. */
  zskLifetime?: number;
  /** A KSK or CSK older than this is rolled (CDS/CDNSKEY, waits for the parent's DS); 0: only by hand. Default 0. */
  kskLifetime?: number;
  /** Time for a change to reach every secondary (default 3600). */
  propagationDelay?: number;
  /** The parent's DS TTL when it cannot be learnt (default 86400). */
  dsTtl?: number;
  /** Rollover clock, epoch ms (tests; default Date.now). */
  now?: () => number;
  /** Asks the parent's servers for the zone's DS (cli: through the system resolver). Without it, a zone
   * whose parent is served here is checked locally; others wait for `dsSeen` (manual confirmation). */
  dsLookup?: DsLookup;
}

/** A rollover in progress (zone metadata GEODESIC-ROLLOVER, JSON). */
export interface RolloverState {
  /** zsk: pre-publish; sep: KSK/CSK (and algorithm) double-signature rollover; unsign: going insecure
   * (RFC 8078 CDS/CDNSKEY delete, waits until the parent has no DS, then the keys go). */
  kind: 'zsk' | 'sep' | 'unsign';
  /** publish → (sep: ds-wait → ds-seen →) retire → done; unsign: ds-wait → ds-seen (the DS is gone) → done. */
  step: 'publish' | 'ds-wait' | 'ds-seen' | 'retire';
  newKey: number;
  oldKeys: number[];
  /** When the current step began, epoch ms. */
  since: number;
  /** The parent's DS TTL seen (sep), seconds. */
  dsTtl?: number;
}

export const ROLLOVER_KIND = 'GEODESIC-ROLLOVER';

/** What the rollover uses of the catalog (no import cycle). */
export interface RolloverHost {
  readonly crypt: KeyCrypt;
  readOnly(): boolean;
  /** The served zone snapshot (signed when it has keys). */
  zone(name: string): Zone | undefined;
  /** Names of the zones that have keys and may roll here (writable primary). */
  signedZones(): string[];
  /** One write with a serial bump; resolves when the re-signed zone is served. */
  change<T>(zone: string, author: string, fn: (q: StoreQueries) => Promise<T>): Promise<T>;
  read<T>(fn: (q: StoreQueries) => Promise<T>): Promise<T>;
  dnskeyTtl: number;
}

/**
 * Automatic key rollovers (RFC 7583, Knot-like): ZSK pre-publish (publish the new key, wait DNSKEY
 * TTL + propagation, switch signing, wait the zone's largest TTL + propagation, remove the old key);
 * KSK/CSK and algorithm rollovers by double signature: the new key publishes and signs at once; after
 * the caches have it, CDS/CDNSKEY name it and the parent's DS is awaited (parent's servers, or a
 * manual confirmation); once the parent's DS TTL + propagation have passed, the old key stops signing,
 * and is removed after the DNSKEY TTL and the zone's largest TTL. Every step is one store write (the
 * state is in the key rows and zone metadata), so any node can carry on; only a writable store rolls.
 */
export class KeyRollover {
  constructor(private readonly host: RolloverHost, private readonly policy: RolloverPolicy = {}) {}

  now(): number {
    return this.policy.now?.() ?? Date.now();
  }

  private get prop(): number {
    return this.policy.propagationDelay ?? 3600;
  }

  async state(zone: string): Promise<RolloverState | null> {
    const name = zoneName(zone);
    return this.host.read((q) => readState(q, name));
  }

  /** Starts a rollover by hand: 'zsk', or 'ksk'/'csk' (the SEP key; `algorithm` for an algorithm rollover). */
  async start(zone: string, kind: 'zsk' | 'ksk' | 'csk', opts: { algorithm?: number | string; author?: string } = {}): Promise<RolloverState> {
    const name = zoneName(zone);
    if (this.host.readOnly()) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', 'this node\'s store is read-only: keys roll on the writable primary');
    return this.host.change(name, opts.author ?? 'dnssec-rollover', async (q) => {
      if (await readState(q, name) !== null) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `a key rollover of ${name} is already running (geodesic dnssec keys ${name} shows it)`);
      const keys = await loadKeys(q, name, this.host.crypt);
      const sep = kind !== 'zsk';
      const old = keys.filter((k) => k.active && isSep(k.key) === sep);
      if (old.length === 0) {
        throw new CatalogError('GDNS_ERR_DNSSEC_KEY', kind === 'zsk'
          ? `${name} has no active ZSK to roll (a CSK rolls with: rollover ${name} csk)`
          : `${name} has no active KSK or CSK to roll`);
      }
      const algorithm = opts.algorithm !== undefined ? algorithmOf(opts.algorithm).number : old[0]!.algorithm;
      const now = this.now();
      const fresh = await addKey(q, name, this.host.crypt, {
        algorithm, flags: sep ? 257 : 256, state: sep ? 'active' : 'published', now,
      });
      const state: RolloverState = { kind: sep ? 'sep' : 'zsk', step: 'publish', newKey: fresh.id, oldKeys: old.map((k) => k.id), since: now };
      if (algorithm !== old[0]!.algorithm) {
        // an algorithm rollover replaces every key of the old algorithm (the ZSK too)
        state.oldKeys = keys.filter((k) => k.active && k.algorithm !== algorithm).map((k) => k.id);
        if (!sep) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', 'an algorithm rollover rolls the KSK or CSK: rollover ZONE csk --algorithm ALG');
      }
      await writeState(q, name, state);
      return state;
    });
  }

  /**
   * Going insecure safely (RFC 8078): CDS/CDNSKEY ask the parent to delete the DS; once every parent
   * server has none (or `dsSeen` confirms it), and its TTL has passed, the keys are deleted.
   */
  async unsign(zone: string, author = 'dnssec-rollover'): Promise<RolloverState> {
    const name = zoneName(zone);
    if (this.host.readOnly()) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', 'this node\'s store is read-only: DNSSEC is turned off on the writable primary');
    return this.host.change(name, author, async (q) => {
      const running = await readState(q, name);
      if (running?.kind === 'unsign') return running;
      if (running !== null) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `a key rollover of ${name} is running; wait for it or disable at once (--now)`);
      if (!(await loadKeys(q, name, this.host.crypt)).some((k) => k.active)) throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `${name} is not signed`);
      const state: RolloverState = { kind: 'unsign', step: 'ds-wait', newKey: 0, oldKeys: [], since: this.now() };
      await writeState(q, name, state);
      return state;
    });
  }

  /** The parent publishes the new DS (rollover), or no longer any DS (unsign): the rollover may go on. */
  async dsSeen(zone: string, author = 'dnssec-rollover'): Promise<void> {
    const name = zoneName(zone);
    await this.host.change(name, author, async (q) => {
      const s = await readState(q, name);
      if (s === null || s.kind === 'zsk' || s.step !== 'ds-wait') {
        throw new CatalogError('GDNS_ERR_DNSSEC_KEY', `${name} is not waiting for its parent's DS`);
      }
      await writeState(q, name, { ...s, step: 'ds-seen', since: this.now(), dsTtl: s.dsTtl ?? this.policy.dsTtl ?? 86400 });
    });
  }

  /**
   * One look at every signed zone: starts due rollovers and moves running ones on when their wait is
   * over. Returns what happened, for the log. Does nothing on a read-only store.
   */
  async tick(): Promise<string[]> {
    if (this.host.readOnly()) return [];
    const done: string[] = [];
    for (const name of this.host.signedZones()) {
      try {
        const what = await this.step(name);
        if (what !== null) done.push(`${name}: ${what}`);
      } catch (err) {
        done.push(`${name}: rollover step failed: ${(err as Error).message}`);
      }
    }
    return done;
  }

  private async step(name: string): Promise<string | null> {
    const { state, keys } = await this.host.read(async (q) => ({ state: await readState(q, name), keys: await loadKeys(q, name, this.host.crypt) }));
    const now = this.now();
    if (state === null) return this.maybeStart(name, keys, now);
    const elapsed = (now - state.since) / 1000;
    const zone = this.host.zone(name);
    const maxTtl = zone === undefined ? 86400 : maxZoneTtl(zone);
    const dnskeyTtl = this.host.dnskeyTtl;
    const author = 'dnssec-rollover';
    if (state.kind === 'unsign') return this.unsignStep(name, state, now, elapsed);
    if (state.kind === 'zsk') {
      if (state.step === 'publish' && elapsed >= dnskeyTtl + this.prop) {
        await this.host.change(name, author, async (q) => {
          await setKey(q, name, state.newKey, { state: 'active' }, now);
          for (const id of state.oldKeys) await setKey(q, name, id, { state: 'retired' }, now);
          await writeState(q, name, { ...state, step: 'retire', since: now });
        });
        return `new ZSK ${state.newKey} signs; old ${state.oldKeys.join(',')} retired`;
      }
      if (state.step === 'retire' && elapsed >= maxTtl + this.prop) return this.finish(name, state, now);
      return null;
    }
    if (state.step === 'publish' && elapsed >= Math.max(dnskeyTtl, maxTtl) + this.prop) {
      await this.host.change(name, author, async (q) => {
        await setKey(q, name, state.newKey, { state: 'ready' }, now);
        await writeState(q, name, { ...state, step: 'ds-wait', since: now });
      });
      return `new key ${state.newKey} in the caches: CDS/CDNSKEY published, waiting for the parent's DS`;
    }
    if (state.step === 'ds-wait') {
      const fresh = keys.find((k) => k.id === state.newKey);
      const seen = fresh === undefined ? null : await this.parentHasDs(name, fresh);
      if (seen === null) return null;
      await this.host.change(name, author, (q) => writeState(q, name, { ...state, step: 'ds-seen', since: now, dsTtl: seen }));
      return `the parent publishes the DS of key ${state.newKey}`;
    }
    if (state.step === 'ds-seen' && elapsed >= (state.dsTtl ?? this.policy.dsTtl ?? 86400) + this.prop) {
      await this.host.change(name, author, async (q) => {
        await setKey(q, name, state.newKey, { state: 'active' }, now);
        for (const id of state.oldKeys) await setKey(q, name, id, { state: 'retired' }, now);
        await writeState(q, name, { ...state, step: 'retire', since: now });
      });
      return `old key(s) ${state.oldKeys.join(',')} retired`;
    }
    if (state.step === 'retire' && elapsed >= Math.max(dnskeyTtl, maxTtl) + this.prop) return this.finish(name, state, now);
    return null;
  }

  private async unsignStep(name: string, state: RolloverState, now: number, elapsed: number): Promise<string | null> {
    if (state.step === 'ds-wait') {
      const found = this.policy.dsLookup !== undefined ? await this.policy.dsLookup(name).catch(() => null) : this.localParentDs(name);
      if (found === null || found.ds.length > 0) return null;
      await this.host.change(name, 'dnssec-rollover', (q) => writeState(q, name, { ...state, step: 'ds-seen', since: now, dsTtl: found.ttl || (this.policy.dsTtl ?? 86400) }));
      return 'the parent has no DS any more';
    }
    if (state.step === 'ds-seen' && elapsed >= (state.dsTtl ?? this.policy.dsTtl ?? 86400) + this.prop) {
      await this.host.change(name, 'dnssec-rollover', async (q) => {
        for (const k of await loadKeys(q, name, this.host.crypt)) await deleteKey(q, name, k.id);
        await writeState(q, name, null);
      });
      return 'keys deleted: the zone is served unsigned';
    }
    return null;
  }

  private async finish(name: string, state: RolloverState, _now: number): Promise<string> {
    await this.host.change(name, 'dnssec-rollover', async (q) => {
      for (const id of state.oldKeys) await deleteKey(q, name, id).catch(() => undefined);
      await writeState(q, name, null);
    });
    return `old key(s) ${state.oldKeys.join(',')} removed; rollover done`;
  }

  private async maybeStart(name: string, keys: readonly StoredKey[], now: number): Promise<string | null> {
    const zl = this.policy.zskLifetime ?? 0;
    const kl = this.policy.kskLifetime ?? 0;
    const due = (k: StoredKey, life: number): boolean => life > 0 && k.state === 'active' && now - k.changedAt >= life * 1000;
    if (keys.some((k) => !isSep(k.key) && due(k, zl))) { await this.start(name, 'zsk'); return 'ZSK rollover started (lifetime reached)'; }
    if (keys.some((k) => isSep(k.key) && due(k, kl))) { await this.start(name, 'csk'); return 'KSK/CSK rollover started (lifetime reached)'; }
    return null;
  }

  /** The parent's DS TTL when its DS RRset names `key`, else null (not yet, or cannot tell). */
  private async parentHasDs(name: string, key: StoredKey): Promise<number | null> {
    const owner = nameFromText(name);
    const want = dsRdata(owner, dnskeyRdata(key.key), 2);
    let found: ParentDs | null = null;
    if (this.policy.dsLookup !== undefined) {
      found = await this.policy.dsLookup(name).catch(() => null);
    } else {
      found = this.localParentDs(name);
    }
    if (found === null) return null;
    const digests = found.ds.filter((d) => d[2] === want[2] && d[0] === want[0] && d[1] === want[1]);
    const match = digests.some((d) => d[3] === 2 ? same(d, want) : d[3] === 4 && same(d, dsRdata(owner, dnskeyRdata(key.key), 4)));
    return match ? found.ttl : null;
  }

  /** A parent zone served here: its DS RRset at the child's name. */
  private localParentDs(name: string): ParentDs | null {
    const owner = nameFromText(name);
    if (owner.length <= 1) return null;
    for (let p = nameParent(owner); ; p = nameParent(p)) {
      const parent = this.host.zone(nameToText(p).toLowerCase());
      if (parent !== undefined) {
        const node = parent.lookup(owner).node;
        const ds = node?.get(RRType.DS);
        return ds === undefined ? { ds: [], ttl: 0 } : { ds: ds.rdata, ttl: ds.ttl };
      }
      if (p.length <= 1) return null;
    }
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function readState(q: StoreQueries, name: string): Promise<RolloverState | null> {
  const row = await q.zoneByName(name);
  if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${name}`);
  const m = (await q.metadata(row.id)).find((x) => x.kind === ROLLOVER_KIND);
  return m === undefined ? null : JSON.parse(m.content) as RolloverState;
}

async function writeState(q: StoreQueries, name: string, s: RolloverState | null): Promise<void> {
  const row = await q.zoneByName(name);
  if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${name}`);
  await q.setMetadata(row.id, ROLLOVER_KIND, s === null ? [] : [JSON.stringify(s)]);
}

const maxTtls = new WeakMap<Zone, number>();

/** The largest TTL of the zone's records (how long a cache may hold an old signature). */
export function maxZoneTtl(zone: Zone): number {
  let m = maxTtls.get(zone);
  if (m === undefined) {
    m = 0;
    for (const s of zone.records()) if (s.ttl > m) m = s.ttl;
    maxTtls.set(zone, m);
  }
  return m;
}

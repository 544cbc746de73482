import { nameFromText } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import { ZoneBuilder, ZoneSet, keyOf } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { CommentRow, JournalEntry, NewRecord, RecordRow, Store, StoreQueries, StoreStatus, ZoneRow } from '../store/index.js';
import { CatalogError } from './errors.js';
import { applyChange } from './apply-change.js';
import type { ApplyResult } from './apply-change.js';
import type { ChangeSet } from './change-set.js';
import { checkSpec, specRecords, wireRecords, zoneName } from './zone-spec.js';
import type { ZoneSpec } from './zone-spec.js';
import { checkPatch, checkedZone, loadStoredZone, patchZone, zoneSerial } from './zone-image.js';
import type { ServedRRset } from './zone-image.js';
import { PatchQueue } from './patch-queue.js';
import { storePollErrorChannel, zoneChangedChannel } from './events.js';
import type { ZoneChangedEvent } from './events.js';
import { entriesToSets, journalChain } from './journal-chain.js';
import { ZoneSigning } from './zone-signing.js';
import type { SigningOptions } from './zone-signing.js';
import { ZoneDnssec } from './zone-dnssec.js';

export interface CatalogOptions {
  /** How often to look for writes made by other nodes (ms). Default 1000 (they show within 2 s). */
  pollMs?: number;
  /** Clock for serials and journal times (tests). */
  now?: () => number;
  /** Called after every swap with the new set and what changed (`engine.setZones(zones)`). */
  onChange?: (zones: ZoneSet, changes: readonly ZoneChangedEvent[]) => void;
  /** DNSSEC: zones with active keys in the store are served signed (zone-signing.ts). */
  dnssec?: SigningOptions;
}

export interface CatalogStatus extends StoreStatus {
  zones: number;
  changeCounter: number;
  lastPollAt: number | null;
  lastPollError: string | null;
  /** The database announces other nodes' commits (PostgreSQL LISTEN), besides polling. */
  notified: boolean;
}

/** A zone's stored content for the API: every record (disabled ones too) and the comments. */
export interface StoredZone { zone: ZoneRow; records: RecordRow[]; comments: CommentRow[] }

/**
 * The store-backed zone source. Holds one immutable Zone per stored zone (queries never touch the
 * database), applies writes as single transactions (RRsets + SOA serial + journal) and swaps the
 * changed snapshot, and polls the store's change counter to pick up other nodes' writes, reloading only
 * the zones whose change seq moved.
 */
export class Catalog {
  private set = new ZoneSet([]);
  /** What is served: `set` with signed snapshots in place of the zones that have keys. */
  private served = new ZoneSet([]);
  private opened = false;
  /** Where the change a zone's pending signing serves came from. */
  private readonly origins = new Map<string, ZoneChangedEvent['origin']>();
  readonly signing: ZoneSigning;
  /** Keys, NSEC3 parameters and DS of the store's zones (API cryptokeys, `geodesic dnssec`). */
  readonly dnssec: ZoneDnssec;
  private readonly seqs = new Map<string, number>();
  private counter = -1;
  private timer: NodeJS.Timeout | null = null;
  private unwatch: (() => Promise<void>) | null = null;
  /** Local writes under way per zone: a poll leaves those zones to the write (and looks again next time). */
  private readonly writing = new Map<string, number>();
  private polling: Promise<readonly ZoneChangedEvent[]> | null = null;
  private lastPollAt: number | null = null;
  private lastPollError: string | null = null;
  private lastReadOnlyCheck = 0;
  private readonly now: () => number;
  /** Change seq of this node's last commit per zone (polling skips zones it wrote itself). */
  private readonly committed = new Map<string, number>();
  private readonly queue = new PatchQueue((zone, sets, seq) => this.patch(zone, sets, seq, 'local'));

  private constructor(readonly store: Store, private readonly opts: CatalogOptions) {
    this.now = opts.now ?? Date.now;
    this.signing = new ZoneSigning(store, opts.dnssec ?? {}, (name) => this.set.get(this.keyOfName(name)),
      (name, zone) => this.signedReady(name, zone), (err) => this.report(err));
    this.dnssec = new ZoneDnssec(this);
  }

  /** Loads every zone of the store, then polls every `pollMs` (pollMs 0: no timer, call poll()). */
  static async open(store: Store, opts: CatalogOptions = {}): Promise<Catalog> {
    const c = new Catalog(store, opts);
    await c.signing.open();
    await c.poll();
    await c.signing.settled();
    c.opened = true;
    const ms = opts.pollMs ?? 1000;
    if (ms > 0) {
      c.timer = setInterval(() => { void c.poll().catch(() => undefined); }, ms);
      c.timer.unref();
    }
    // Where the database announces commits (PostgreSQL NOTIFY), other nodes' changes arrive at once; a
    // poll already under way may have read before the commit, so another one follows it.
    c.unwatch = await store.dialect.watchChanges?.(() => {
      void (c.polling ?? Promise.resolve([])).catch(() => undefined).then(() => c.poll()).catch(() => undefined);
    }) ?? null;
    return c;
  }

  /** The zones served now (give this to `engine.setZones`). */
  get zones(): ZoneSet {
    return this.served;
  }

  get readOnly(): boolean {
    return this.store.readOnly;
  }

  zone(name: string): Zone | undefined {
    return this.served.get(this.keyOfName(zoneName(name)));
  }

  status(): CatalogStatus {
    return {
      ...this.store.status(), zones: this.set.size, changeCounter: this.counter, lastPollAt: this.lastPollAt,
      lastPollError: this.lastPollError, notified: this.unwatch !== null,
    };
  }

  listZones(): Promise<ZoneRow[]> {
    return this.store.q.listZones();
  }

  /** Everything stored for one zone (API GET), from one snapshot of the store. */
  async stored(name: string): Promise<StoredZone> {
    return this.store.snapshot(async (q) => {
      const zone = await q.zoneByName(zoneName(name));
      if (zone === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${zoneName(name)}`);
      const records: RecordRow[] = [];
      for (let after = 0; ;) {
        const page = await q.recordsPage(zone.id, after, 10_000, false);
        records.push(...page);
        if (page.length < 10_000) break;
        after = page.at(-1)!.id;
      }
      return { zone, records, comments: await q.comments(zone.id) };
    });
  }

  /** Creates a zone from presentation-form records (API POST). */
  createZone(spec: ZoneSpec, author: string): Promise<ApplyResult> {
    const s = checkSpec(spec);
    return this.insertZone(spec, specRecords(spec, s.origin), author);
  }

  /** Creates a zone from wire records (zone file import, inbound transfer). */
  importZone(spec: Omit<ZoneSpec, 'records'>, rrs: Iterable<Rr>, author: string): Promise<ApplyResult> {
    return this.insertZone(spec, wireRecords(rrs), author);
  }

  /**
   * Applies a change set to a zone in one transaction; the changed snapshot is swapped in next (see
   * settled). `alsoInTransaction` writes more in the same transaction (DNSSEC keys: an empty change set
   * then only raises the serial, so every node re-signs and secondaries transfer).
   */
  async apply(name: string, changes: ChangeSet, author: string, alsoInTransaction?: (q: StoreQueries) => Promise<void>): Promise<ApplyResult> {
    const zname = zoneName(name);
    // From before the commit until the change is queued here, polls leave this zone alone (its NOTIFY, or
    // a timer, would otherwise load the change as another node's).
    this.writing.set(zname, (this.writing.get(zname) ?? 0) + 1);
    const done = (): void => {
      const n = (this.writing.get(zname) ?? 1) - 1;
      if (n === 0) this.writing.delete(zname);
      else this.writing.set(zname, n);
    };
    let out: Awaited<ReturnType<typeof applyChange>>;
    try {
      out = await this.store.write(async (q) => {
        const r = await applyChange(q, { name: zname, changes, author, now: this.now() });
        // Refused before it commits: a change the zone checks would refuse at the next load (CNAME beside
        // other data, ALIAS beside A/AAAA, ...) would otherwise be stored and then stop the zone loading.
        const current = this.zone(zname);
        if (current !== undefined && r.served.length > 0) checkPatch(current, r.served, zname);
        await alsoInTransaction?.(q);
        return r;
      });
    } catch (err) {
      done();
      throw err;
    }
    // The zone's previous write is one this node serves or made: patch the served zone with this change.
    // Otherwise another node wrote in between and this node has not seen it yet: follow the journal
    // (theirs and this change) before answering, or the other write would never be served here.
    const upTo = Math.max(this.seqs.get(zname) ?? -1, this.committed.get(zname) ?? -1);
    if (out.prevSeq <= upTo) {
      this.committed.set(zname, Math.max(out.result.seq, this.committed.get(zname) ?? 0));
      this.queue.add(zname, out.served, out.result.seq);
      done();
    } else {
      done();
      for (let i = 0; i < 5 && (this.seqs.get(zname) ?? -1) < out.result.seq; i++) await this.poll().catch(() => undefined);
    }
    return out.result;
  }

  /**
   * Resolves when every write applied so far is served (apply resolves at commit; the snapshot swap
   * follows at once for small zones, batched for big ones).
   */
  async settled(): Promise<void> {
    await this.queue.settled();
    await this.signing.settled();
  }

  async deleteZone(name: string, _author: string): Promise<void> {
    const zname = zoneName(name);
    const seq = await this.store.write(async (q) => {
      const seq = await q.bumpCounter();
      const row = await q.zoneByName(zname, true);
      if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${zname}`);
      await q.deleteZone(row.id);
      return seq;
    });
    this.queue.forget(zname);
    this.committed.delete(zname);
    this.install([[zname, null, seq]], 'local');
  }

  /**
   * The journal entries leading from `fromSerial` to the zone's current serial (IXFR), oldest first;
   * null when the journal does not reach back that far (the caller falls back to AXFR).
   */
  async journal(name: string, fromSerial: number): Promise<JournalEntry[] | null> {
    const row = await this.store.q.zoneByName(zoneName(name));
    if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${zoneName(name)}`);
    return journalChain(await this.store.q.journal(row.id), fromSerial);
  }

  /** The last `limit` journal entries of a zone, newest last (audit log). */
  async history(name: string, limit = 100): Promise<JournalEntry[]> {
    const row = await this.store.q.zoneByName(zoneName(name));
    if (row === undefined) throw new CatalogError('GDNS_ERR_ZONE_NOT_FOUND', `no zone ${zoneName(name)}`);
    return (await this.store.q.journal(row.id)).slice(-limit);
  }

  /**
   * Looks at the change counter; when it moved, reloads the zones whose change seq differs from the
   * snapshot's and drops removed ones. Concurrent calls share one run.
   */
  poll(): Promise<readonly ZoneChangedEvent[]> {
    this.polling ??= this.pollOnce().finally(() => { this.polling = null; });
    return this.polling;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.unwatch?.();
    this.unwatch = null;
    this.queue.close();
    await this.polling?.catch(() => undefined);
    await this.store.close();
  }

  private async pollOnce(): Promise<readonly ZoneChangedEvent[]> {
    try {
      const counter = await this.store.q.counter();
      if (this.now() - this.lastReadOnlyCheck >= 10_000) {
        await this.store.refreshReadOnly();
        this.lastReadOnlyCheck = this.now();
      }
      this.lastPollAt = this.now();
      this.lastPollError = null;
      if (counter === this.counter) return [];
      const rows = await this.store.q.listZones();
      const updates: [string, Zone | null, number][] = [];
      const events: ZoneChangedEvent[] = [];
      let deferred = false;
      for (const row of rows) {
        if (this.seqs.get(row.name) === row.changeSeq || (this.committed.get(row.name) ?? -1) >= row.changeSeq) continue;
        if (this.writing.has(row.name)) { deferred = true; continue; }
        const followed = await this.followJournal(row);
        if (followed !== null) { events.push(...followed); continue; }
        this.queue.forget(row.name);
        const loaded = await this.store.snapshot(async (q) => {
          const fresh = await q.zoneByName(row.name);
          if (fresh === undefined) return null;
          const zone = await loadStoredZone(q, fresh);
          return { seq: fresh.changeSeq, zone: checkedZone(() => zone, fresh.name) };
        }).catch((err: Error) => { this.report(err); return undefined; });
        if (loaded === undefined) continue;
        updates.push([row.name, loaded?.zone ?? null, loaded?.seq ?? counter]);
      }
      const live = new Set(rows.map((r) => r.name));
      for (const name of this.seqs.keys()) if (!live.has(name)) updates.push([name, null, counter]);
      if (!deferred) this.counter = counter;
      return [...events, ...this.install(updates, 'remote')];
    } catch (err) {
      this.report(err as Error);
      throw err;
    }
  }

  /** Brings a served zone up to `row` from the journal (no reload); false when that is not possible. */
  private async followJournal(row: ZoneRow): Promise<ZoneChangedEvent[] | null> {
    const known = this.seqs.get(row.name);
    const current = this.set.get(this.keyOfName(row.name));
    if (known === undefined || current === undefined) return null;
    const entries = await this.store.q.journalAfterSeq(row.id, known);
    if (entries.length === 0 || entries.at(-1)!.seq !== row.changeSeq) return null;
    const sets = entriesToSets(entries, current.serial);
    return sets === null ? null : this.patch(row.name, sets, row.changeSeq, 'remote');
  }

  /** Swaps in the served zone with `sets` replaced; null when it cannot (then a reload follows). */
  private patch(zone: string, sets: readonly ServedRRset[], seq: number, origin: ZoneChangedEvent['origin']): ZoneChangedEvent[] | null {
    const current = this.set.get(this.keyOfName(zone));
    if (current === undefined) return null;
    try {
      return this.install([[zone, patchZone(current, sets), seq]], origin);
    } catch (err) {
      this.report(err as Error);
      this.seqs.delete(zone);
      this.committed.delete(zone);
      return null;
    }
  }

  private report(error: Error): void {
    this.lastPollError = error.message;
    if (storePollErrorChannel.hasSubscribers) storePollErrorChannel.publish({ error });
  }

  /** Swaps changed zones into a new set (skipping anything older than what is served) and tells everyone.
   * A zone with DNSSEC keys is swapped in (and its event published) once signed: signedReady. */
  private install(updates: readonly [string, Zone | null, number][], origin: ZoneChangedEvent['origin']): ZoneChangedEvent[] {
    const changed: [string, Zone | null, number][] = [];
    let set = this.set;
    for (const [name, zone, seq] of updates) {
      const known = this.seqs.get(name);
      if (known !== undefined && known >= seq && origin === 'local') continue;
      if (known !== undefined && known > seq) continue;
      const key = this.keyOfName(name);
      if (zone === null) {
        if (known === undefined) continue;
        set = set.without(key);
        this.seqs.delete(name);
      } else {
        set = set.with(zone);
        this.seqs.set(name, seq);
      }
      changed.push([name, zone, seq]);
    }
    this.set = set;
    const events: ZoneChangedEvent[] = [];
    let served = this.served;
    for (const [name, zone, seq] of changed) {
      // other nodes' changes may be key changes: look for keys then (this node's go through resign)
      if (zone !== null && this.signing.changed(name, zone, origin === 'remote' && this.opened)) {
        this.origins.set(name, origin);
        continue;
      }
      if (zone === null) this.signing.changed(name, null);
      served = zone === null ? served.without(this.keyOfName(name)) : served.with(zone);
      events.push({ zone: name, serial: zone === null ? null : zoneSerial(zone), origin, seq, store: this.store.dialect.location });
    }
    if (events.length === 0) return events;
    this.served = served;
    this.publish(events);
    return events;
  }

  private publish(events: ZoneChangedEvent[]): void {
    if (zoneChangedChannel.hasSubscribers) for (const e of events) zoneChangedChannel.publish(e);
    this.opts.onChange?.(this.served, events);
  }

  /** The signer has a snapshot of `name` to serve (signed, or unsigned again when its keys are gone). */
  private signedReady(name: string, zone: Zone): void {
    const key = this.keyOfName(name);
    if (this.set.get(key) === undefined) return;
    this.served = this.served.with(zone);
    const origin = this.origins.get(name) ?? 'local';
    this.origins.delete(name);
    this.publish([{ zone: name, serial: zoneSerial(zone), origin, seq: this.seqs.get(name) ?? 0, store: this.store.dialect.location }]);
  }

  private async insertZone(spec: ZoneSpec | Omit<ZoneSpec, 'records'>, records: Iterable<NewRecord>, author: string): Promise<ApplyResult> {
    const s = checkSpec(spec);
    const now = this.now();
    const out = await this.store.write(async (q) => {
      const seq = await q.bumpCounter();
      if (await q.zoneByName(s.name) !== undefined) throw new CatalogError('GDNS_ERR_ZONE_EXISTS', `zone ${s.name} exists`);
      const id = await q.insertZone({ name: s.name, kind: s.kind, account: s.account, primaries: s.primaries, serialPolicy: s.policy, changeSeq: seq, createdAt: now });
      const b = new ZoneBuilder(s.origin, null);
      let last = '';
      let owner = s.origin;
      await q.insertRecords(id, (function* () {
        for (const r of records) {
          if (!r.disabled) {
            if (r.name !== last) { last = r.name; owner = nameFromText(r.name); }
            b.add(owner, r.type, r.ttl, r.wire);
          }
          yield r;
        }
      })());
      const zone = checkedZone(() => b.finish(), s.name);
      const serial = zoneSerial(zone);
      const journalId = await q.appendJournal({ zoneId: id, seq, serialFrom: 0, serialTo: serial, author, createdAt: now, changes: [] });
      return { zone, result: { zone: s.name, serialBefore: 0, serialAfter: serial, journalId, seq } };
    });
    this.install([[s.name, out.zone, out.result.seq]], 'local');
    return out.result;
  }

  private keyOfName(name: string): string {
    return keyOf(nameFromText(name));
  }
}

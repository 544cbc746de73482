import { randomUUID } from 'node:crypto';
import { RRClass, RRType, nameFromText } from '../wire/index.js';
import type { Rr, TsigKey } from '../wire/index.js';
import type { Zone } from '../zone/index.js';
import type { Catalog } from '../catalog/index.js';
import { zoneName } from '../catalog/index.js';
import { XfrError } from './errors.js';
import { applyFull, applyIncremental, soaTimers } from './apply-transfer.js';
import { fetchSerial, fetchTransfer, serialNewer } from './transfer-in.js';
import { parsePeer, peerText, normalAddress } from './peer.js';
import type { Peer } from './peer.js';
import { SecondaryTable } from './secondary-store.js';
import type { SecondaryRecord } from './secondary-store.js';
import type { KeyRing } from './tsig-keys.js';

const LEASE = 'xfr.lease';
const LEASE_MS = 15_000;
const LEASE_RENEW_MS = 5_000;

export interface SecondaryOptions {
  /** Most records one transfer may bring (default 10 000 000). */
  maxRecords?: number;
  /** Most bytes one transfer may bring (default 2 GiB). */
  maxBytes?: number;
  /** Shortest refresh/retry interval whatever the SOA says (ms, default 1000). */
  minIntervalMs?: number;
  /** Longest refresh interval whatever the SOA says (ms, default 1 day). */
  maxIntervalMs?: number;
  timeoutMs?: number;
  /** Transfers at once (default 4). */
  concurrency?: number;
  keys: () => Promise<KeyRing>;
  now?: () => number;
  /** After each check: what happened (for the log and the status). */
  onEvent?: (e: SecondaryEvent) => void;
  /** The expired zones changed (their queries must fail). */
  onExpired?: (zones: string[]) => void;
  /** After a new version of a zone was stored and is served. */
  onApplied?: (zone: string, rec: SecondaryRecord) => Promise<void> | void;
}

export interface SecondaryEvent {
  zone: string;
  event: 'transferred' | 'current' | 'failed' | 'expired';
  kind?: 'AXFR' | 'IXFR';
  serial?: number;
  primary?: string;
  records?: number;
  ms?: number;
  error?: string;
}

/** What `status()` shows for one secondary zone. */
export interface SecondaryStatus {
  zone: string;
  kind: 'secondary' | 'consumer';
  primaries: string[];
  memberOf: string | null;
  /** Serial served here (null: never transferred). */
  serial: number | null;
  /** Newest serial a primary reported. */
  primarySerial: number | null;
  refreshedAt: number | null;
  transferredAt: number | null;
  lastTransfer: { kind: 'AXFR' | 'IXFR'; primary: string; records: number; ms: number } | null;
  /** ms from learning of a newer serial (NOTIFY or SOA check) to serving it, last time. */
  lagMs: number | null;
  nextCheckAt: number | null;
  expiresAt: number | null;
  expired: boolean;
  lastError: string | null;
  lastErrorAt: number | null;
}

interface Live {
  rec: SecondaryRecord;
  due: number;
  running: Promise<void> | null;
  again: boolean;
  primarySerial: number | null;
  lastTransfer: SecondaryStatus['lastTransfer'];
  lagMs: number | null;
  noticedAt: number | null;
  expired: boolean;
  /** Asked for now (NOTIFY, API, just added): runs even on a node not holding the lease. */
  prompted: boolean;
}

/**
 * Keeps secondary zones current (RFC 1034 §4.3.5, RFC 1996): a transfer at once when added, then an SOA
 * check every refresh (retry after a failure), NOTIFY from a primary checks now; IXFR when the zone is
 * held, with AXFR when IXFR fails; applied only complete and checked; expired after `expire` without a
 * primary. The zones and their state live in the store, so a restart serves them without the primary.
 */
export class Secondaries {
  private readonly live = new Map<string, Live>();
  private readonly table: SecondaryTable;
  private timer: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private leader = false;
  /** Zones being removed: sync() must not bring them back from the rows not yet deleted. */
  private readonly removing = new Set<string>();
  private readonly nodeId = randomUUID();
  private active = 0;
  private readonly now: () => number;

  private constructor(private readonly catalog: Catalog, private readonly opts: SecondaryOptions) {
    this.table = new SecondaryTable(catalog.store);
    this.now = opts.now ?? Date.now;
  }

  static async start(catalog: Catalog, opts: SecondaryOptions): Promise<Secondaries> {
    const s = new Secondaries(catalog, opts);
    await s.renewLease();
    await s.sync();
    s.timer = setInterval(() => s.tick(), 200);
    s.timer.unref();
    s.leaseTimer = setInterval(() => { void s.renewLease(); }, LEASE_RENEW_MS);
    s.leaseTimer.unref();
    s.tick();
    return s;
  }

  /**
   * Nodes sharing one writable store take turns: the node holding the lease (a settings row renewed every
   * 5 s, valid 15 s) runs the refresh timers; the others transfer only when prompted (NOTIFY, the API,
   * a zone added through them) and otherwise follow the store.
   */
  private async renewLease(): Promise<void> {
    const store = this.catalog.store;
    const now = this.now();
    try {
      this.leader = await store.write(async (q) => {
        let sel = q.db.selectFrom('settings').select('value').where('name', '=', LEASE);
        if (store.dialect.supportsForUpdate) sel = sel.forUpdate();
        const row = await sel.executeTakeFirst();
        let cur: { node: string; until: number } | null = null;
        try { cur = row === undefined ? null : JSON.parse(row.value) as { node: string; until: number }; } catch { cur = null; }
        if (cur !== null && cur.node !== this.nodeId && cur.until > now) return false;
        await q.putSetting(LEASE, JSON.stringify({ node: this.nodeId, until: now + LEASE_MS }));
        return true;
      });
    } catch {
      this.leader = false;
    }
  }

  /** Whether this node runs the refresh timers (see renewLease). */
  get leading(): boolean {
    return this.leader;
  }

  /** Re-reads the secondary zones from the store (another node or the API may have added some). */
  async sync(): Promise<void> {
    const recs = await this.table.all();
    const rows = new Map((await this.catalog.listZones()).map((r) => [r.name, r]));
    const seen = new Set<string>();
    for (const rec of recs) {
      if (this.removing.has(rec.zone)) continue;
      // Transferred once and gone from the store now: deleted (API, another node); forget it too.
      if (rec.transferredAt !== null && !rows.has(rec.zone)) { await this.table.remove(rec.zone); continue; }
      seen.add(rec.zone);
      const l = this.live.get(rec.zone);
      if (l === undefined) this.live.set(rec.zone, this.fresh(rec));
      else if (!this.leader && l.running === null) l.rec = rec; // the leading node's view, state included
      else l.rec = { ...l.rec, primaries: rec.primaries, tsigKey: rec.tsigKey, kind: rec.kind, account: rec.account, memberOf: rec.memberOf };
    }
    for (const zone of [...this.live.keys()]) if (!seen.has(zone)) this.live.delete(zone);
    // Zones stored as secondary or consumer with primaries (the API, a restore) are kept current too.
    for (const row of rows.values()) {
      if ((row.kind === 'secondary' || row.kind === 'consumer') && row.primaries.length > 0 && !this.live.has(row.name) && !this.removing.has(row.name)) {
        await this.add({ zone: row.name, primaries: row.primaries, kind: row.kind, account: row.account });
      }
    }
  }

  /** Adds (or updates) a secondary zone; its first transfer starts at once. */
  async add(spec: { zone: string; primaries: string[]; kind?: 'secondary' | 'consumer'; account?: string; tsigKey?: string | null; memberOf?: string | null }): Promise<SecondaryRecord> {
    const zone = zoneName(spec.zone);
    if (spec.primaries.length === 0) throw new XfrError('GDNS_ERR_XFR_CONFIG', `${zone}: a secondary zone needs at least one primary`);
    for (const p of spec.primaries) parsePeer(p);
    const old = this.live.get(zone);
    const rec: SecondaryRecord = {
      zone, kind: spec.kind ?? 'secondary', primaries: spec.primaries, account: spec.account ?? old?.rec.account ?? '',
      tsigKey: spec.tsigKey ?? null, memberOf: spec.memberOf ?? null,
      refreshedAt: old?.rec.refreshedAt ?? null, transferredAt: old?.rec.transferredAt ?? null, lastError: null, lastErrorAt: null,
    };
    await this.table.put(rec);
    const changed = old === undefined || old.rec.primaries.join() !== rec.primaries.join() || old.rec.tsigKey !== rec.tsigKey;
    if (old !== undefined) { old.rec = rec; old.due = this.now(); old.prompted ||= changed; } else this.live.set(zone, { ...this.fresh(rec), prompted: true });
    this.tick();
    return rec;
  }

  /** Forgets a secondary zone and deletes what is stored of it. */
  async remove(zone: string): Promise<void> {
    const name = zoneName(zone);
    const l = this.live.get(name);
    this.live.delete(name);
    this.removing.add(name);
    try {
      if (l?.expired === true) this.opts.onExpired?.(this.expired());
      // A refresh under way is not waited for (its primary may not answer for seconds): it sees the zone
      // gone and drops its result.
      await this.table.remove(name);
      if (await this.catalog.store.q.zoneByName(name) !== undefined) await this.catalog.deleteZone(name, 'xfr');
    } finally {
      this.removing.delete(name);
    }
  }

  /** Throws when `l` is no longer the zone's entry (removed while its refresh ran): nothing is stored. */
  private stillLive(l: Live): void {
    if (this.live.get(l.rec.zone) !== l) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${l.rec.zone} was removed during the refresh`);
  }

  has(zone: string): boolean {
    return this.live.has(zoneName(zone));
  }

  records(): SecondaryRecord[] {
    return [...this.live.values()].map((l) => ({ ...l.rec }));
  }

  /**
   * A NOTIFY for `zone` from `address`: true when accepted (the zone is ours and the address is one of
   * its primaries); the check runs at once.
   */
  notified(zone: string, address: string): boolean {
    const l = this.live.get(zoneName(zone));
    if (l === undefined) return false;
    const from = normalAddress(address);
    if (!l.rec.primaries.some((p) => normalAddress(parsePeer(p).host) === from)) return false;
    l.noticedAt ??= this.now();
    l.prompted = true;
    this.checkSoon(l);
    return true;
  }

  /** Checks the zone now and resolves when that check ended (PowerDNS /axfr-retrieve). */
  async retrieve(zone: string): Promise<SecondaryStatus> {
    const name = zoneName(zone);
    const l = this.live.get(name);
    if (l === undefined) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${name} is not a secondary zone here`);
    await l.running?.catch(() => undefined);
    l.due = this.now();
    await this.run(l);
    return this.statusOf(l);
  }

  status(): SecondaryStatus[] {
    return [...this.live.values()].map((l) => this.statusOf(l)).sort((a, b) => a.zone.localeCompare(b.zone));
  }

  /** Origin keys of the zones past their expire time (served as SERVFAIL). */
  expired(): string[] {
    return [...this.live.values()].filter((l) => l.expired).map((l) => l.rec.zone);
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.leaseTimer !== null) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
    // Hand the lease back, so another node (or this one restarted) takes over at once.
    if (this.leader) {
      await this.catalog.store.write(async (q) => {
        const row = await q.setting(LEASE);
        if (row !== undefined && row.includes(this.nodeId)) await q.db.deleteFrom('settings').where('name', '=', LEASE).execute();
      }).catch(() => undefined);
    }
    await Promise.all([...this.live.values()].map((l) => l.running?.catch(() => undefined)));
  }

  private fresh(rec: SecondaryRecord): Live {
    return { rec, due: this.now(), running: null, again: false, primarySerial: null, lastTransfer: null, lagMs: null, noticedAt: null, expired: false, prompted: false };
  }

  private statusOf(l: Live): SecondaryStatus {
    const z = this.catalog.zone(l.rec.zone);
    const t = z === undefined ? null : soaTimers(z.soa.rdata[0]!);
    return {
      zone: l.rec.zone, kind: l.rec.kind, primaries: l.rec.primaries, memberOf: l.rec.memberOf, serial: z?.serial ?? null,
      primarySerial: l.primarySerial, refreshedAt: l.rec.refreshedAt, transferredAt: l.rec.transferredAt, lastTransfer: l.lastTransfer,
      lagMs: l.lagMs, nextCheckAt: l.running !== null ? this.now() : l.due,
      expiresAt: t !== null && l.rec.refreshedAt !== null ? l.rec.refreshedAt + t.expire * 1000 : null,
      expired: l.expired, lastError: l.rec.lastError, lastErrorAt: l.rec.lastErrorAt,
    };
  }

  private checkSoon(l: Live): void {
    if (l.running !== null) { l.again = true; return; }
    l.due = this.now();
    this.tick();
  }

  private tick(): void {
    const now = this.now();
    let changed = false;
    for (const l of this.live.values()) changed = this.checkExpiry(l, now) || changed;
    if (changed) this.opts.onExpired?.(this.expired());
    for (const l of this.live.values()) {
      if (l.running !== null || l.due > now || (!this.leader && !l.prompted)) continue;
      if (this.active >= (this.opts.concurrency ?? 4)) return;
      void this.run(l);
    }
  }

  /** True when the zone's expired state changed. */
  private checkExpiry(l: Live, now: number): boolean {
    const z = this.catalog.zone(l.rec.zone);
    const expired = z !== undefined && l.rec.refreshedAt !== null && now > l.rec.refreshedAt + soaTimers(z.soa.rdata[0]!).expire * 1000;
    if (expired === l.expired) return false;
    if (expired) this.opts.onEvent?.({ zone: l.rec.zone, event: 'expired', serial: z!.serial });
    l.expired = expired;
    return true;
  }

  private run(l: Live): Promise<void> {
    if (l.running !== null) return l.running;
    this.active++;
    l.prompted = false;
    l.running = this.check(l).finally(() => {
      this.active--;
      l.running = null;
      if (l.again) { l.again = false; l.due = this.now(); l.prompted = true; }
      if (this.live.get(l.rec.zone) === l) this.tick();
    });
    return l.running;
  }

  private interval(ms: number): number {
    return Math.min(Math.max(ms, this.opts.minIntervalMs ?? 1000), this.opts.maxIntervalMs ?? 86_400_000);
  }

  /** One refresh: each primary in turn until one answers; transfers when it has a newer serial. */
  private async check(l: Live): Promise<void> {
    const rec = l.rec;
    const origin = nameFromText(rec.zone);
    const errors: string[] = [];
    let key: TsigKey | null = null;
    try {
      // The key: the secondary's own, else the zone's AXFR-MASTER-TSIG metadata (PowerDNS slave_tsig_key_ids).
      let name = rec.tsigKey;
      if (name === null) {
        const row = await this.catalog.store.q.zoneByName(rec.zone);
        if (row !== undefined) name = (await this.catalog.store.q.metadata(row.id)).find((m) => m.kind.toUpperCase() === 'AXFR-MASTER-TSIG')?.content.trim() ?? null;
      }
      key = name === null ? null : (await this.opts.keys()).get(name, `${rec.zone}: tsig key`);
    } catch (err) {
      errors.push((err as Error).message);
    }
    const timeoutMs = this.opts.timeoutMs ?? 5000;
    for (const text of errors.length > 0 ? [] : rec.primaries) {
      let peer: Peer;
      try { peer = parsePeer(text); } catch (err) { errors.push((err as Error).message); continue; }
      try {
        const current = this.catalog.zone(rec.zone);
        // Some primaries refuse plain queries for a zone they transfer (Knot: catalog zones): ask IXFR/AXFR then.
        const serial = await fetchSerial(peer, origin, key, timeoutMs).then((r) => r.serial, (err: unknown) => {
          if (err instanceof XfrError && err.code === 'GDNS_ERR_XFR_REFUSED') return null;
          throw err;
        });
        l.primarySerial = serial ?? l.primarySerial;
        if (current !== undefined && serial !== null && !serialNewer(current.serial, serial)) {
          await this.succeeded(l, current, null);
          this.opts.onEvent?.({ zone: rec.zone, event: 'current', serial: current.serial, primary: peerText(peer) });
          return;
        }
        l.noticedAt ??= this.now();
        const zone = await this.transfer(l, peer, key, current);
        if (zone === current) {
          await this.succeeded(l, zone, null);
          this.opts.onEvent?.({ zone: rec.zone, event: 'current', serial: zone.serial, primary: peerText(peer) });
          return;
        }
        l.primarySerial = zone.serial;
        await this.succeeded(l, zone, peerText(peer));
        return;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    rec.lastError = errors.join('; ');
    rec.lastErrorAt = this.now();
    const z = this.catalog.zone(rec.zone);
    l.due = this.now() + this.interval(z === undefined ? 10_000 : soaTimers(z.soa.rdata[0]!).retry * 1000);
    this.opts.onEvent?.({ zone: rec.zone, event: 'failed', error: rec.lastError });
    if (this.live.get(rec.zone) === l) await this.table.put(rec).catch(() => undefined);
  }

  private async succeeded(l: Live, zone: Zone, transferredFrom: string | null): Promise<void> {
    const rec = l.rec;
    const now = this.now();
    rec.refreshedAt = now;
    rec.lastError = null;
    rec.lastErrorAt = null;
    if (transferredFrom !== null) {
      rec.transferredAt = now;
      if (l.noticedAt !== null) l.lagMs = now - l.noticedAt;
    }
    l.noticedAt = null;
    if (l.expired) { l.expired = false; this.opts.onExpired?.(this.expired()); }
    l.due = now + this.interval(soaTimers(zone.soa.rdata[0]!).refresh * 1000);
    if (this.live.get(rec.zone) === l) await this.table.put(rec).catch(() => undefined);
    if (transferredFrom !== null) await this.opts.onApplied?.(rec.zone, { ...rec });
  }

  /** IXFR when the zone is held (AXFR when that fails for any reason), AXFR otherwise; then stored. */
  private async transfer(l: Live, peer: Peer, key: TsigKey | null, current: Zone | undefined): Promise<Zone> {
    const rec = l.rec;
    const origin = nameFromText(rec.zone);
    const caps = { key, maxRecords: this.opts.maxRecords ?? 10_000_000, maxBytes: this.opts.maxBytes ?? 2 ** 31, idleMs: 30_000, totalMs: 600_000 };
    const started = this.now();
    const author = `xfr from ${peerText(peer)}`;
    if (current !== undefined) {
      const soa: Rr = { name: origin, type: RRType.SOA, class: RRClass.IN, ttl: current.soa.ttl, rdata: current.soa.rdata[0]! };
      try {
        const t = await fetchTransfer(peer, origin, { ...caps, currentSoa: soa });
        if (t.kind === 'current') return current;
        if (t.kind === 'incremental') {
          this.stillLive(l);
          await applyIncremental(this.catalog, rec.zone, t.steps, author);
          const count = t.steps.reduce((n, s) => n + s.added.length + s.removed.length, 0);
          l.lastTransfer = { kind: 'IXFR', primary: peerText(peer), records: count, ms: this.now() - started };
          this.opts.onEvent?.({ zone: rec.zone, event: 'transferred', kind: 'IXFR', serial: t.serial, primary: peerText(peer), records: count, ms: this.now() - started });
          return this.catalog.zone(rec.zone) ?? current;
        }
        return await this.storeFull(l, t.records, peer, author, started);
      } catch (err) {
        if (err instanceof XfrError && (err.code === 'GDNS_ERR_XFR_TIMEOUT' || err.code === 'GDNS_ERR_XFR_NETWORK' || err.code === 'GDNS_ERR_XFR_TSIG')) throw err;
        // IXFR refused or not applicable: the whole zone instead.
      }
    }
    const t = await fetchTransfer(peer, origin, caps);
    if (t.kind !== 'full') throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${peerText(peer)}: AXFR answered as IXFR`);
    return this.storeFull(l, t.records, peer, author, started);
  }

  private async storeFull(l: Live, records: Rr[], peer: Peer, author: string, started: number): Promise<Zone> {
    const rec = l.rec;
    this.stillLive(l);
    const zone = await applyFull(this.catalog, { name: rec.zone, kind: rec.kind, primaries: rec.primaries, account: rec.account }, records, author, this.now());
    l.lastTransfer = { kind: 'AXFR', primary: peerText(peer), records: records.length, ms: this.now() - started };
    this.opts.onEvent?.({ zone: rec.zone, event: 'transferred', kind: 'AXFR', serial: zone.serial, primary: peerText(peer), records: records.length, ms: this.now() - started });
    return this.catalog.zone(rec.zone) ?? zone;
  }
}

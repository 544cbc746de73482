import {
  Flag, Opcode, RRClass, RRType, Rcode, WireError, decodeMessage, nameFromText, nameKey, nameToText, rdataNames, tsigVerify,
} from '../wire/index.js';
import type { Message, Rr, TsigKey } from '../wire/index.js';
import type { ClientInfo } from '../engine/index.js';
import { keyOf } from '../zone/index.js';
import type { Zone, ZoneSet } from '../zone/index.js';
import { entryDiff, zoneChangedChannel, zoneName } from '../catalog/index.js';
import type { Catalog, ZoneChangedEvent } from '../catalog/index.js';
import type { ZoneRow } from '../store/index.js';
import { AddressList } from './acl.js';
import { XfrError } from './errors.js';
import { Notifier } from './notifier.js';
import type { NotifyState } from './notifier.js';
import { addressText, normalAddress, parsePeer, peerText } from './peer.js';
import type { Peer } from './peer.js';
import { Secondaries } from './secondary.js';
import type { SecondaryEvent, SecondaryStatus } from './secondary.js';
import type { SecondaryRecord } from './secondary-store.js';
import { catalogMembers, produceCatalog } from './catalog-zones.js';
import { errorAnswer, serveTransfer } from './transfer-out.js';
import type { IxfrDiff, TransferReply, ZoneTransferRules } from './transfer-out.js';
import { KeyRing, nodeHmac, tsigKey } from './tsig-keys.js';
import type { KeyText } from './tsig-keys.js';

/** A secondary zone named in the configuration. */
export interface SecondaryConfig {
  zone: string;
  primaries: string[];
  kind?: 'secondary' | 'consumer';
  tsigKey?: string | null;
}

export interface ReplicationOptions {
  /** Clients allowed to transfer (config transfer.allow). */
  allow: string[];
  /** Key every transfer must be signed with (config transfer.tsig-key). */
  requireKey: string | null;
  /** TSIG keys of the configuration (the store's tsig_keys are added). */
  keys: KeyText[];
  /** NOTIFY these too for every primary zone (IP[:PORT]), beside NS targets and ALSO-NOTIFY metadata. */
  alsoNotify: string[];
  /** Secondary zones from the configuration (added to the store at start). */
  secondaries: SecondaryConfig[];
  /** Produce this catalog zone (RFC 9432) listing every zone of kind primary; null: none. */
  produceCatalog: string | null;
  /** Primaries (IP[:PORT]) whose NOTIFY for an unknown zone creates it as a secondary (PowerDNS autoprimary). */
  autoPrimaries: string[];
  /** This server's own addresses (never notified). */
  listen: Peer[];
  maxRecords?: number;
  minIntervalMs?: number;
  notifyRetryMs?: number;
}

export interface ServedTransfer { at: number; zone: string; client: string; kind: string; serial: number; messages: number; reason?: string }

/** Everything `status()` reports: per secondary zone, per NOTIFY target, and the last transfers served. */
export interface ReplicationStatus {
  secondaries: SecondaryStatus[];
  notifies: NotifyState[];
  served: ServedTransfer[];
  /**
   * Per zone served here, the secondaries that transferred it: the serial each last took and when, and
   * how far behind the served serial that is (0: current).
   */
  downstream: { zone: string; serial: number; clients: { client: string; serial: number; at: number; kind: string; behind: number }[] }[];
}

/** Running totals since start (metrics). */
export interface ReplicationCounts {
  transfersIn: { AXFR: number; IXFR: number; failed: number };
  transfersOut: { AXFR: number; IXFR: number; 'IXFR-current': number; refused: number };
  notifySent: { answered: number; givenUp: number };
  notifyReceived: { accepted: number; refused: number };
}

export type ReplicationEvent =
  | ({ type: 'secondary' } & SecondaryEvent)
  | { type: 'notify'; zone: string; target: string; serial: number; ok: boolean; attempts: number; error: string | null }
  | { type: 'served'; transfer: ServedTransfer }
  | { type: 'notify-received'; zone: string; from: string; accepted: boolean }
  | { type: 'catalog'; zone: string; added: string[]; removed: string[] }
  | { type: 'error'; message: string };

export interface ReplicationDeps {
  /** The zones served now (the engine's set). */
  zones: () => ZoneSet;
  /** The store's catalog; null when serving zone files only (then: no secondaries, no NOTIFY by metadata). */
  catalog: Catalog | null;
  onEvent?: (e: ReplicationEvent) => void;
  /** The zone as a transfer client gets it, or null for as served (see TransferSource.expand). */
  expand?: (zone: Zone, client: ClientInfo, geodesic: boolean) => Promise<Zone | null>;
  /** The zones that must answer SERVFAIL changed (origin keys of expired secondaries): `engine.setUnavailable`. */
  onUnavailable?: (originKeys: string[]) => void;
}

/**
 * Replication, both ways: serves AXFR/IXFR (ACLs, TSIG), sends NOTIFY when a primary zone changes, keeps
 * secondary zones current (SOA refresh, NOTIFY, IXFR/AXFR), produces and consumes catalog zones
 * (RFC 9432), and reports it all in `status()`. The HTTP API uses `addSecondary`, `retrieve`, `notify`.
 */
export class Replication {
  private keyRing: KeyRing;
  private readonly allow: AddressList;
  private readonly notifier: Notifier;
  private secondaries: Secondaries | null = null;
  private readonly served: ServedTransfer[] = [];
  /** Per zone, per client address: the last transfer it took. */
  private readonly takers = new Map<string, Map<string, { serial: number; at: number; kind: string }>>();
  private expiredKeys = new Set<string>();
  private readonly counts: ReplicationCounts = {
    transfersIn: { AXFR: 0, IXFR: 0, failed: 0 },
    transfersOut: { AXFR: 0, IXFR: 0, 'IXFR-current': 0, refused: 0 },
    notifySent: { answered: 0, givenUp: 0 },
    notifyReceived: { accepted: 0, refused: 0 },
  };
  private rows = new Map<string, ZoneRow>();
  private produceTimer: NodeJS.Timeout | null = null;
  private keysTimer: NodeJS.Timeout | null = null;
  private readonly autoPrimaries: Peer[];
  private readonly unsubscribe: () => void;
  private closed = false;

  private constructor(private readonly deps: ReplicationDeps, private readonly opts: ReplicationOptions) {
    this.keyRing = KeyRing.of(opts.keys);
    this.allow = new AddressList(opts.allow, 'transfer.allow');
    this.autoPrimaries = opts.autoPrimaries.map((p) => parsePeer(p));
    for (const p of opts.alsoNotify) parsePeer(p);
    this.notifier = new Notifier({
      retryMs: opts.notifyRetryMs,
      onResult: (s) => this.emit({ type: 'notify', zone: s.zone, target: s.target, serial: s.serial, ok: s.answeredAt !== null, attempts: s.attempts, error: s.lastError }),
    });
    const listener = (m: unknown): void => this.zoneChanged(m as ZoneChangedEvent);
    zoneChangedChannel.subscribe(listener);
    this.unsubscribe = () => zoneChangedChannel.unsubscribe(listener);
  }

  static async start(deps: ReplicationDeps, opts: ReplicationOptions): Promise<Replication> {
    const r = new Replication(deps, opts);
    try {
      await r.refreshKeys();
      const catalog = deps.catalog;
      if (catalog !== null) {
        await r.refreshRows();
        if (!catalog.readOnly) {
          r.secondaries = await Secondaries.start(catalog, {
            keys: async () => r.keyRing, maxRecords: opts.maxRecords, minIntervalMs: opts.minIntervalMs,
            onEvent: (e) => r.emit({ type: 'secondary', ...e }),
            onApplied: (zone, rec) => r.applied(zone, rec),
            onExpired: (zones) => {
              r.expiredKeys = new Set(zones.map((z) => keyOf(nameFromText(z))));
              deps.onUnavailable?.([...r.expiredKeys]);
            },
          });
          for (const s of opts.secondaries) {
            await r.secondaries.add({ zone: s.zone, primaries: s.primaries, kind: s.kind ?? 'secondary', tsigKey: s.tsigKey ?? null });
          }
          if (opts.produceCatalog !== null) await r.produce();
        }
        // Secondaries may have missed changes made while this node was down: tell them now (as Knot does
        // on zone load), so they need not wait for their refresh timer.
        await r.notifyAll();
      } else if (opts.secondaries.length > 0 || opts.produceCatalog !== null) {
        throw new XfrError('GDNS_ERR_XFR_CONFIG', 'secondary and catalog zones are kept in the store: start with --data DIR or --db URL');
      }
      r.keysTimer = setInterval(() => { void r.refreshKeys().catch(() => undefined); void r.secondaries?.sync().catch(() => undefined); }, 10_000);
      r.keysTimer.unref();
      return r;
    } catch (err) {
      await r.close();
      throw err;
    }
  }

  // ---- the service the HTTP API and the CLI use ----

  /** Adds a secondary (or consumer catalog) zone; its first transfer starts at once (PowerDNS kind Slave). */
  async addSecondary(spec: SecondaryConfig & { account?: string }): Promise<void> {
    await this.needSecondaries().add({ ...spec, kind: spec.kind ?? 'secondary', tsigKey: spec.tsigKey ?? null });
  }

  /** Removes a secondary zone: no more transfers, and its stored copy is deleted. */
  async removeSecondary(zone: string): Promise<void> {
    await this.needSecondaries().remove(zone);
  }

  /** Whether this node runs the secondaries' refresh timers (nodes sharing a store take turns). */
  get leading(): boolean {
    return this.secondaries?.leading ?? false;
  }

  isSecondary(zone: string): boolean {
    return this.secondaries?.has(zone) ?? false;
  }

  /** Checks with the primaries now and transfers if they have newer (PowerDNS PUT /zones/{zone}/axfr-retrieve). */
  retrieve(zone: string): Promise<SecondaryStatus> {
    return this.needSecondaries().retrieve(zone);
  }

  /** Sends NOTIFY for a served zone to its secondaries now (PowerDNS PUT /zones/{zone}/notify); the targets. */
  async notify(zone: string): Promise<string[]> {
    const name = zoneName(zone);
    const z = this.deps.zones().get(nameKey(nameFromText(name)));
    if (z === undefined) throw new XfrError('GDNS_ERR_XFR_UNKNOWN_ZONE', `${name} is not served here`);
    const row = this.rows.get(name) ?? null;
    const targets = await this.targets(z, row, true);
    this.notifier.notify(name, targets, soaOf(z), z.serial, await this.notifyKey(row));
    return targets.map(peerText);
  }

  status(): ReplicationStatus {
    const zones = this.deps.zones();
    const downstream: ReplicationStatus['downstream'] = [];
    for (const [zone, clients] of this.takers) {
      const z = zones.get(keyOf(nameFromText(zone)));
      if (z === undefined) continue;
      downstream.push({
        zone, serial: z.serial,
        clients: [...clients].map(([client, t]) => ({ client, serial: t.serial, at: t.at, kind: t.kind, behind: (z.serial - t.serial) >>> 0 })),
      });
    }
    return { secondaries: this.secondaries?.status() ?? [], notifies: this.notifier.states(), served: [...this.served], downstream };
  }

  /** Zones past their expire time without a primary (their queries must fail, RFC 1035 §3.3.13). */
  expiredZones(): string[] {
    return this.secondaries?.expired() ?? [];
  }

  // ---- what `net` hands over ----

  /** AXFR/IXFR and NOTIFY over TCP (`handoff` of the TCP listener). */
  handleTcp(message: Uint8Array, client: ClientInfo, reply: TransferReply): void {
    const opcode = message.length > 2 ? (message[2]! >> 3) & 0xf : -1;
    if (opcode === Opcode.NOTIFY) {
      const out = this.handleNotify(message, client);
      if (out !== null) reply.send(out);
      reply.done();
      return;
    }
    if (opcode !== Opcode.QUERY) {
      const m = tryDecode(message);
      if (m !== null) reply.send(errorAnswer(m, Rcode.NOTIMP));
      reply.done();
      return;
    }
    void serveTransfer({
      // An expired zone is not handed on (Knot and BIND refuse it too).
      zone: (key) => (this.expiredKeys.has(key) ? undefined : this.deps.zones().get(key)),
      diffs: (zone, from) => this.diffs(zone, from),
      rules: (zone) => this.rules(zone),
      keys: async () => this.keyRing,
      ...(this.deps.expand !== undefined ? { expand: this.deps.expand } : {}),
    }, {
      allow: this.allow, require: this.opts.requireKey,
      onTransfer: (t) => this.record({ at: Date.now(), ...t }),
    }, message, client, reply).catch((err: unknown) => {
      this.emit({ type: 'error', message: `transfer failed: ${(err as Error).message}` });
      reply.done();
    });
  }

  /** NOTIFY (RFC 1996) over UDP or TCP: the answer to send, or null to stay silent. */
  handleNotify(message: Uint8Array, client: ClientInfo): Uint8Array | null {
    const m = tryDecode(message);
    if (m === null) return null;
    const q = m.questions[0];
    if (m.opcode !== Opcode.NOTIFY || (m.flags & Flag.QR) !== 0) return null;
    if (q === undefined || q.type !== RRType.SOA) return errorAnswer(m, Rcode.FORMERR);
    let key: TsigKey | null = null;
    let mac: Uint8Array | null = null;
    if (m.tsig !== null) {
      const v = tsigVerify(message, (n) => this.keyRing.find(n), nodeHmac);
      if (v.error !== 0 || v.key === null) return errorAnswer(m, Rcode.NOTAUTH);
      key = v.key;
      mac = v.mac;
    }
    const zone = nameToText(q.name).toLowerCase();
    const from = addressText(client.address);
    const accepted = this.secondaries?.notified(zone, from) ?? false;
    let rcode: number = accepted ? Rcode.NOERROR : Rcode.REFUSED;
    if (!accepted && this.secondaries !== null && !this.secondaries.has(zone)) {
      const trusted = this.autoPrimaries.find((p) => normalAddress(p.host) === normalAddress(from));
      if (trusted !== undefined && this.deps.zones().get(nameKey(q.name)) === undefined) {
        rcode = Rcode.NOERROR;
        void this.addSecondary({ zone, primaries: [peerText(trusted)] }).catch((err: unknown) => this.emit({ type: 'error', message: `autosecondary ${zone}: ${(err as Error).message}` }));
      } else {
        rcode = Rcode.NOTAUTH;
      }
    }
    this.emit({ type: 'notify-received', zone, from, accepted: rcode === Rcode.NOERROR });
    // AA only on an accepted NOTIFY (NSD and Knot refuse with QR alone).
    return errorAnswer(m, rcode, key, mac, rcode === Rcode.NOERROR ? Flag.AA : 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.notifier.close();
    if (this.produceTimer !== null) clearTimeout(this.produceTimer);
    if (this.keysTimer !== null) clearInterval(this.keysTimer);
    await this.secondaries?.close();
  }

  // ---- inside ----

  private needSecondaries(): Secondaries {
    if (this.secondaries === null) {
      throw new XfrError('GDNS_ERR_XFR_CONFIG', this.deps.catalog === null
        ? 'secondary zones are kept in the store: start with --data DIR or --db URL'
        : 'the store is read-only (a database replica): secondary zones are managed on the primary node');
    }
    return this.secondaries;
  }

  /** Totals since start: transfers in and out, NOTIFY sent and received. */
  totals(): ReplicationCounts {
    return structuredClone(this.counts);
  }

  private emit(e: ReplicationEvent): void {
    const c = this.counts;
    if (e.type === 'secondary' && e.event === 'transferred' && e.kind !== undefined) c.transfersIn[e.kind]++;
    else if (e.type === 'secondary' && e.event === 'failed') c.transfersIn.failed++;
    else if (e.type === 'served') { const k = e.transfer.kind as keyof ReplicationCounts['transfersOut']; if (k in c.transfersOut) c.transfersOut[k]++; }
    else if (e.type === 'notify') { if (e.ok) c.notifySent.answered++; else c.notifySent.givenUp++; }
    else if (e.type === 'notify-received') { if (e.accepted) c.notifyReceived.accepted++; else c.notifyReceived.refused++; }
    this.deps.onEvent?.(e);
  }

  private record(t: ServedTransfer): void {
    if (t.kind !== 'refused') {
      let clients = this.takers.get(t.zone);
      if (clients === undefined) this.takers.set(t.zone, clients = new Map());
      clients.set(t.client, { serial: t.serial, at: t.at, kind: t.kind });
    }
    this.served.push(t);
    if (this.served.length > 50) this.served.shift();
    this.emit({ type: 'served', transfer: t });
  }

  /** Reads the TSIG keys again (the API calls it after POST/PUT/DELETE /tsigkeys). */
  async refreshKeys(): Promise<void> {
    let ring = KeyRing.of(this.opts.keys);
    if (this.deps.catalog !== null) {
      const stored = await this.deps.catalog.store.q.tsigKeys();
      ring = ring.with(stored.flatMap((k) => { try { return [tsigKey(k)]; } catch { return []; } }));
    }
    this.keyRing = ring;
  }

  private async refreshRows(): Promise<void> {
    if (this.deps.catalog === null) return;
    const rows = await this.deps.catalog.listZones();
    this.rows = new Map(rows.map((r) => [r.name, r]));
  }

  private isOurs(e: ZoneChangedEvent): boolean {
    return this.deps.catalog !== null && e.store === this.deps.catalog.store.dialect.location;
  }

  /** A zone of the store changed: NOTIFY its secondaries; the producer catalog follows the zone list. */
  private zoneChanged(e: ZoneChangedEvent): void {
    if (this.closed || !this.isOurs(e)) return;
    void (async () => {
      await this.refreshRows();
      if (this.opts.produceCatalog !== null && zoneName(this.opts.produceCatalog) !== e.zone) this.scheduleProduce();
      if (e.serial === null) return;
      const z = this.deps.catalog!.zone(e.zone);
      const row = this.rows.get(e.zone) ?? null;
      if (row !== null && (row.kind === 'secondary' || row.kind === 'consumer') && this.secondaries !== null && !this.secondaries.has(row.name)) {
        await this.secondaries.sync();
      }
      if (z === undefined || row === null) return;
      const targets = await this.targets(z, row, row.kind === 'primary' || row.kind === 'producer');
      if (targets.length > 0) this.notifier.notify(e.zone, targets, soaOf(z), z.serial, await this.notifyKey(row));
    })().catch((err: unknown) => this.emit({ type: 'error', message: `after a change of ${e.zone}: ${(err as Error).message}` }));
  }

  /**
   * Where NOTIFY goes: the addresses of the zone's NS names found in served zones (`ns`: store zones of
   * kind primary, as PowerDNS notifies for its Master zones), the configuration's also-notify (`also`:
   * primary zones and zone files), and the zone's ALSO-NOTIFY metadata; never this server itself.
   */
  private async targets(zone: Zone, row: ZoneRow | null, withNs: boolean, also = withNs): Promise<Peer[]> {
    const out = new Map<string, Peer>();
    const add = (p: Peer): void => {
      if (this.opts.listen.some((l) => normalAddress(l.host) === normalAddress(p.host) && l.port === p.port)) return;
      out.set(peerText(p), p);
    };
    // The SOA MNAME is the primary itself (RFC 1996 §3.10): not notified.
    if (withNs) for (const p of this.nsAddresses(zone, true)) add(p);
    if (also) for (const t of this.opts.alsoNotify) add(parsePeer(t));
    if (row !== null && this.deps.catalog !== null) {
      for (const m of await this.deps.catalog.store.q.metadata(row.id)) {
        if (m.kind.toUpperCase() !== 'ALSO-NOTIFY') continue;
        try { add(parsePeer(m.content)); } catch (err) { this.emit({ type: 'error', message: `${row.name} ALSO-NOTIFY: ${(err as Error).message}` }); }
      }
    }
    return [...out.values()];
  }

  private readonly fileSerials = new Map<string, number>();

  /**
   * Zones served from files were (re)loaded: NOTIFY the NS targets and also-notify of each whose serial
   * is new (zone files are primary zones, as in PowerDNS's bind backend and Knot).
   */
  filesChanged(zones: Iterable<Zone>): void {
    void (async () => {
      for (const z of zones) {
        if (this.fileSerials.get(z.originKey) === z.serial) continue;
        this.fileSerials.set(z.originKey, z.serial);
        const name = nameToText(z.origin).toLowerCase();
        // Zone files say nothing of their secondaries: only the configured also-notify (as Knot and NSD
        // notify only the remotes they are given).
        const targets = await this.targets(z, null, false, true);
        const key = this.opts.requireKey === null ? null : this.keyRing.find(nameFromText(this.opts.requireKey.endsWith('.') ? this.opts.requireKey : `${this.opts.requireKey}.`)) ?? null;
        if (targets.length > 0) this.notifier.notify(name, targets, soaOf(z), z.serial, key);
      }
    })().catch((err: unknown) => this.emit({ type: 'error', message: `NOTIFY after a reload: ${(err as Error).message}` }));
  }

  /** NOTIFY for every primary (and producer) zone of the store. */
  private async notifyAll(): Promise<void> {
    const catalog = this.deps.catalog;
    if (catalog === null) return;
    for (const row of this.rows.values()) {
      if (row.kind !== 'primary' && row.kind !== 'producer') continue;
      const z = catalog.zone(row.name);
      if (z === undefined) continue;
      const targets = await this.targets(z, row, true);
      if (targets.length > 0) this.notifier.notify(row.name, targets, soaOf(z), z.serial, await this.notifyKey(row));
    }
  }

  /** NOTIFY is signed with the zone's first TSIG-ALLOW-AXFR key, else the configuration's transfer key. */
  private async notifyKey(row: ZoneRow | null): Promise<TsigKey | null> {
    let name = this.opts.requireKey;
    if (row !== null && this.deps.catalog !== null) {
      const m = (await this.deps.catalog.store.q.metadata(row.id)).find((x) => x.kind.toUpperCase() === 'TSIG-ALLOW-AXFR');
      if (m !== undefined) name = m.content.trim();
    }
    if (name === null) return null;
    try { return this.keyRing.get(name, `${row?.name ?? ''} NOTIFY key`); } catch (err) {
      this.emit({ type: 'error', message: (err as Error).message });
      return null;
    }
  }

  /** The addresses (port 53) of the zone's NS names, as found in the served zones. */
  private nsAddresses(zone: Zone, skipPrimary: boolean): Peer[] {
    const out: Peer[] = [];
    const zones = this.deps.zones();
    const primary = rdataNames(RRType.SOA, zone.soa.rdata[0]!)[0]!;
    for (const rd of zone.apex.get(RRType.NS)?.rdata ?? []) {
      const host = rdataNames(RRType.NS, rd)[0]!;
      if (skipPrimary && nameKey(host) === nameKey(primary)) continue;
      const node = zones.find(host)?.lookup(host).node;
      for (const t of [RRType.A, RRType.AAAA]) {
        for (const a of node?.get(t)?.rdata ?? []) out.push({ host: addressText(a), port: 53 });
      }
    }
    return out;
  }

  private async rules(zone: Zone): Promise<ZoneTransferRules> {
    const catalog = this.deps.catalog;
    const name = nameToText(zone.origin).toLowerCase();
    const row = this.rows.get(name) ?? (catalog === null ? undefined : await catalog.store.q.zoneByName(name));
    if (catalog === null || row === undefined || catalog.zone(name) !== zone) return { allowFrom: null, tsigAllow: [] };
    const meta = await catalog.store.q.metadata(row.id);
    const listed = meta.filter((m) => m.kind.toUpperCase() === 'ALLOW-AXFR-FROM').map((m) => m.content.trim());
    const allow = listed.filter((c) => c.toUpperCase() !== 'AUTO-NS');
    // AUTO-NS (PowerDNS): the addresses of the zone's NS names are allowed too.
    if (allow.length < listed.length) allow.push(...this.nsAddresses(zone, false).map((p) => p.host));
    const tsigAllow = meta.filter((m) => m.kind.toUpperCase() === 'TSIG-ALLOW-AXFR').map((m) => m.content.trim());
    let allowFrom: AddressList | null = null;
    if (listed.length > 0) {
      try { allowFrom = new AddressList(allow, `${name} ALLOW-AXFR-FROM`); } catch (err) {
        this.emit({ type: 'error', message: (err as Error).message });
        allowFrom = new AddressList([]);
      }
    }
    return { allowFrom, tsigAllow };
  }

  /** IXFR differences from the journal, when the served zone is the stored one and the journal reaches back. */
  private async diffs(zone: Zone, from: number): Promise<IxfrDiff[] | null> {
    const catalog = this.deps.catalog;
    const name = nameToText(zone.origin).toLowerCase();
    if (catalog === null || catalog.zone(name) !== zone) return null;
    // a zone signed here: its signed differences (RRSIG, NSEC3 changes), not the unsigned journal (dnssec)
    if (catalog.signing.signed(name) !== undefined) return catalog.signing.ixfrSteps(name, zone, from);
    const chain = await catalog.journal(name, from);
    if (chain === null || chain.length === 0 || chain.at(-1)!.serialTo !== zone.serial) return null;
    const out: IxfrDiff[] = [];
    for (const e of chain) {
      const d = entryDiff(e);
      const oldSoa = d.removed.find((r) => r.type === RRType.SOA);
      const newSoa = d.added.find((r) => r.type === RRType.SOA);
      if (oldSoa === undefined || newSoa === undefined) return null;
      out.push({ oldSoa, newSoa, removed: d.removed, added: d.added });
    }
    return out;
  }

  private scheduleProduce(): void {
    if (this.produceTimer !== null || this.closed) return;
    this.produceTimer = setTimeout(() => {
      this.produceTimer = null;
      void this.produce().catch((err: unknown) => this.emit({ type: 'error', message: `catalog ${this.opts.produceCatalog}: ${(err as Error).message}` }));
    }, 50);
    this.produceTimer.unref();
  }

  private producing: Promise<void> = Promise.resolve();

  /** Writes the producer catalog zone: every zone of kind primary is a member (one run at a time). */
  private produce(): Promise<void> {
    this.producing = this.producing.catch(() => undefined).then(() => this.produceOnce());
    return this.producing;
  }

  private async produceOnce(): Promise<void> {
    const catalog = this.deps.catalog;
    const name = this.opts.produceCatalog;
    if (catalog === null || name === null || catalog.readOnly) return;
    const cat = zoneName(name);
    const rows = await catalog.listZones();
    const members = rows.filter((r) => r.kind === 'primary' && r.name !== cat).map((r) => r.name);
    const before = catalog.zone(cat);
    const had = before === undefined ? new Map<string, string>() : catalogMembers(before).members;
    if (await produceCatalog(catalog, cat, members, 'xfr catalog producer')) {
      this.emit({ type: 'catalog', zone: cat, added: members.filter((m) => !had.has(m)), removed: [...had.keys()].filter((m) => !members.includes(m)) });
    }
  }

  /** After a secondary zone got a new version: a consumer catalog adds and removes its members. */
  private async applied(zone: string, rec: SecondaryRecord): Promise<void> {
    if (rec.kind !== 'consumer' || this.secondaries === null) return;
    const cat = this.deps.catalog!.zone(zone);
    if (cat === undefined) return;
    const { version, members } = catalogMembers(cat);
    if (version !== '1' && version !== '2') {
      this.emit({ type: 'error', message: `${zone}: not a catalog zone of a known version (version.${zone} TXT is ${version ?? 'missing'}); members left as they are` });
      return;
    }
    const have = this.secondaries.records().filter((r) => r.memberOf === zone).map((r) => r.zone);
    const added: string[] = [];
    const removed: string[] = [];
    for (const m of members.keys()) {
      if (this.secondaries.has(m)) continue;
      if (this.deps.zones().get(nameKey(nameFromText(m))) !== undefined) {
        this.emit({ type: 'error', message: `${zone}: member ${m} is already served here from another source; not added` });
        continue;
      }
      await this.secondaries.add({ zone: m, primaries: rec.primaries, tsigKey: rec.tsigKey, memberOf: zone, account: rec.account });
      added.push(m);
    }
    for (const m of have) {
      if (members.has(m)) continue;
      await this.secondaries.remove(m);
      removed.push(m);
    }
    if (added.length + removed.length > 0) this.emit({ type: 'catalog', zone, added, removed });
  }
}

function tryDecode(message: Uint8Array): Message | null {
  try {
    return decodeMessage(message);
  } catch (err) {
    if (err instanceof WireError) return null;
    throw err;
  }
}

function soaOf(z: Zone): Rr {
  return { name: z.origin, type: RRType.SOA, class: RRClass.IN, ttl: z.soa.ttl, rdata: z.soa.rdata[0]! };
}

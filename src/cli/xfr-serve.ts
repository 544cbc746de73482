import type { Command } from 'commander';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/index.js';
import type { AliasStage, Engine } from '../engine/index.js';
import type { Catalog } from '../catalog/index.js';
import { Replication, luaStaticZone, zoneHasLua } from '../xfr/index.js';
import type { ReplicationEvent, ReplicationOptions, SecondaryConfig } from '../xfr/index.js';

/** The `replication:` section of the configuration and the serve flags that add to it (docs/replication.md). */
export interface ReplicationSettings {
  alsoNotify: string[];
  secondaries: SecondaryConfig[];
  produceCatalog: string | null;
  autoPrimaries: string[];
  maxRecords: number | undefined;
  minIntervalMs: number | undefined;
  /** LUA records towards servers other than Geodesic: their static answers (export) or the records. */
  luaToOthers: 'export' | 'records';
}

export const NO_REPLICATION: ReplicationSettings = {
  alsoNotify: [], secondaries: [], produceCatalog: null, autoPrimaries: [], maxRecords: undefined, minIntervalMs: undefined,
  luaToOthers: 'export',
};

export interface ReplicationFlags {
  secondary?: string[];
  catalogConsumer?: string[];
  catalogProducer?: string;
  alsoNotify?: string[];
  autoprimary?: string[];
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function addReplicationOptions(cmd: Command): Command {
  return cmd
    .option('--secondary <zone=primary[,primary]>', 'keep ZONE as a secondary of these primaries (IP[:PORT]); needs --data or --db; repeatable', collect)
    .option('--catalog-consumer <zone=primary[,primary]>', 'consume the catalog zone ZONE (RFC 9432) from these primaries: its member zones become secondaries; repeatable', collect)
    .option('--catalog-producer <zone>', 'produce the catalog zone ZONE listing every zone of kind primary')
    .option('--also-notify <ip[:port]>', 'send NOTIFY here too whenever a primary zone changes; repeatable', collect)
    .option('--autoprimary <ip[:port]>', 'accept NOTIFY for unknown zones from this primary and add them as secondaries; repeatable', collect);
}

function where(key: string): string {
  return `replication.${key}`;
}

function strings(v: unknown, key: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${where(key)}: expected a list of strings`);
  return v as string[];
}

function zoneWithPrimaries(text: string, flag: string): { zone: string; primaries: string[] } {
  const i = text.indexOf('=');
  if (i <= 0 || i === text.length - 1) throw new Error(`${flag}: "${text}" is not ZONE=PRIMARY[,PRIMARY] (e.g. example.org=192.0.2.1:53)`);
  return { zone: text.slice(0, i), primaries: text.slice(i + 1).split(',').map((s) => s.trim()).filter((s) => s !== '') };
}

/** Settings from the `replication:` section (raw YAML) and the command line on top. Throws naming the key. */
export function replicationSettings(section: unknown, flags: ReplicationFlags = {}): ReplicationSettings {
  const out: ReplicationSettings = { ...NO_REPLICATION, alsoNotify: [], secondaries: [], autoPrimaries: [] };
  if (section !== undefined && section !== null) {
    if (typeof section !== 'object' || Array.isArray(section)) throw new Error('replication: expected a section of settings');
    const s = section as Record<string, unknown>;
    const known = ['also-notify', 'secondaries', 'catalog-producer', 'autoprimaries', 'max-transfer-records', 'min-refresh', 'lua-to-others'];
    for (const k of Object.keys(s)) if (!known.includes(k)) throw new Error(`unknown setting "replication.${k}" (known here: ${known.map(where).join(', ')})`);
    out.alsoNotify = strings(s['also-notify'], 'also-notify');
    out.autoPrimaries = strings(s.autoprimaries, 'autoprimaries');
    if (s['catalog-producer'] !== undefined) {
      if (typeof s['catalog-producer'] !== 'string') throw new Error(`${where('catalog-producer')}: expected a zone name`);
      out.produceCatalog = s['catalog-producer'];
    }
    if (s['max-transfer-records'] !== undefined) {
      const n = s['max-transfer-records'];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 2) throw new Error(`${where('max-transfer-records')}: expected a whole number of at least 2`);
      out.maxRecords = n;
    }
    if (s['min-refresh'] !== undefined) {
      const n = s['min-refresh'];
      if (typeof n !== 'number' || n < 0) throw new Error(`${where('min-refresh')}: expected seconds (a number)`);
      out.minIntervalMs = n * 1000;
    }
    if (s['lua-to-others'] !== undefined) {
      if (s['lua-to-others'] !== 'export' && s['lua-to-others'] !== 'records') throw new Error(`${where('lua-to-others')}: export or records`);
      out.luaToOthers = s['lua-to-others'];
    }
    if (s.secondaries !== undefined) {
      if (!Array.isArray(s.secondaries)) throw new Error(`${where('secondaries')}: expected a list`);
      out.secondaries = s.secondaries.map((v: unknown, i: number) => {
        const at = where(`secondaries[${i}]`);
        if (typeof v !== 'object' || v === null) throw new Error(`${at}: expected { zone, primaries, kind?, tsig-key? }`);
        const e = v as Record<string, unknown>;
        for (const k of Object.keys(e)) if (!['zone', 'primaries', 'kind', 'tsig-key'].includes(k)) throw new Error(`${at}: unknown setting "${k}" (zone, primaries, kind, tsig-key)`);
        if (typeof e.zone !== 'string') throw new Error(`${at}.zone: expected a zone name`);
        const primaries = strings(e.primaries, `secondaries[${i}].primaries`);
        if (primaries.length === 0) throw new Error(`${at}.primaries: at least one primary (IP[:PORT])`);
        if (e.kind !== undefined && e.kind !== 'secondary' && e.kind !== 'consumer') throw new Error(`${at}.kind: secondary or consumer (a catalog zone)`);
        if (e['tsig-key'] !== undefined && typeof e['tsig-key'] !== 'string') throw new Error(`${at}.tsig-key: expected a key name from keys`);
        return { zone: e.zone, primaries, kind: (e.kind ?? 'secondary') as 'secondary' | 'consumer', tsigKey: (e['tsig-key'] as string | undefined) ?? null };
      });
    }
  }
  for (const t of flags.secondary ?? []) out.secondaries.push({ ...zoneWithPrimaries(t, '--secondary'), kind: 'secondary' });
  for (const t of flags.catalogConsumer ?? []) out.secondaries.push({ ...zoneWithPrimaries(t, '--catalog-consumer'), kind: 'consumer' });
  if (flags.catalogProducer !== undefined) out.produceCatalog = flags.catalogProducer;
  out.alsoNotify.push(...flags.alsoNotify ?? []);
  out.autoPrimaries.push(...flags.autoprimary ?? []);
  return out;
}

function logEvent(log: Logger, e: ReplicationEvent): void {
  switch (e.type) {
    case 'secondary': {
      const { event: what, type: _t, ...rest } = e;
      const f = { ...rest, result: what };
      if (e.event === 'transferred') log.info({ event: 'xfr-in', ...f }, `${e.zone}: ${e.kind} from ${e.primary}, serial ${e.serial}, ${e.records} records in ${e.ms} ms`);
      else if (e.event === 'failed') log.warn({ event: 'xfr-in-failed', ...f }, `${e.zone}: refresh failed: ${e.error}`);
      else if (e.event === 'expired') log.error({ event: 'zone-expired', ...f }, `${e.zone}: expired (no primary answered for the SOA expire time)`);
      else log.debug({ event: 'xfr-current', ...f }, `${e.zone}: serial ${e.serial} is current`);
      return;
    }
    case 'notify':
      if (e.ok) log.debug({ event: 'notify-sent', ...e }, `${e.zone}: NOTIFY serial ${e.serial} answered by ${e.target}`);
      else log.warn({ event: 'notify-failed', ...e }, `${e.zone}: NOTIFY to ${e.target} given up after ${e.attempts} attempts: ${e.error}`);
      return;
    case 'served':
      log.info({ event: 'xfr-out', ...e.transfer }, `${e.transfer.zone}: ${e.transfer.kind} to ${e.transfer.client}${e.transfer.reason ? ` (${e.transfer.reason})` : ''}`);
      return;
    case 'notify-received':
      log.info({ event: 'notify-received', ...e }, `${e.zone}: NOTIFY from ${e.from} ${e.accepted ? 'accepted' : 'refused'}`);
      return;
    case 'catalog':
      log.info({ event: 'catalog-zone', ...e }, `catalog ${e.zone}: added ${e.added.join(', ') || 'none'}, removed ${e.removed.join(', ') || 'none'}`);
      return;
    default:
      log.error({ event: 'xfr-error' }, e.message);
  }
}

/** Starts replication for `serve`: the transfer/NOTIFY handler, NOTIFY sending, secondaries, catalogs. */
export function startReplication(engine: Engine, catalog: Catalog | null, config: ServerConfig, settings: ReplicationSettings, log: Logger,
  clearCaches: () => void = () => undefined, alias?: AliasStage): Promise<Replication> {
  const opts: ReplicationOptions = {
    allow: config.transfer.allow,
    requireKey: config.transfer.tsigKey,
    keys: config.keys,
    alsoNotify: settings.alsoNotify,
    secondaries: settings.secondaries,
    produceCatalog: settings.produceCatalog,
    autoPrimaries: settings.autoPrimaries,
    listen: config.listen,
    maxRecords: settings.maxRecords,
    minIntervalMs: settings.minIntervalMs,
  };
  return Replication.start({
    zones: () => engine.zones, catalog, onEvent: (e) => logEvent(log, e),
    // What a transfer client gets: LUA records as their static answers unless it is Geodesic (option),
    // ALIAS as addresses when alias.axfr says so (PowerDNS outgoing-axfr-expand-alias), except to Geodesic.
    expand: async (zone, client, geodesic) => {
      let z = zone;
      // A signed zone's LUA answers carry signatures only the primary can make (its keys): Geodesic
      // secondaries get the signed export too.
      const signed = z.apex.get(48 /* DNSKEY */) !== undefined;
      if ((!geodesic || signed) && settings.luaToOthers === 'export' && zoneHasLua(z)) z = luaStaticZone(z, engine);
      if (!geodesic && alias !== undefined && config.alias.axfr === 'addresses') z = await alias.transferZone(z, engine.zones, client);
      return z === zone ? null : z;
    },
    // An expired secondary answers SERVFAIL (RFC 1035 §3.3.13) until a primary answers again.
    onUnavailable: (keys) => { engine.setUnavailable(keys); clearCaches(); },
  }, opts);
}

/**
 * What the HTTP API needs of replication (src/api ApiServices.transfer): PowerDNS's PUT /notify and
 * /axfr-retrieve answers, and secondary zones added and removed.
 */
export function transferService(repl: Replication): {
  notify(zone: string): Promise<string>;
  retrieve(zone: string): Promise<string>;
  addSecondary(spec: { zone: string; primaries: string[]; kind?: 'secondary' | 'consumer'; account?: string; tsigKey?: string | null }): Promise<void>;
  removeSecondary(zone: string): Promise<void>;
  isSecondary(zone: string): boolean;
  keysChanged(): Promise<void>;
} {
  return {
    notify: async (zone) => {
      const targets = await repl.notify(zone);
      return targets.length === 0 ? 'Notification queued (no secondaries known: add NS records, ALSO-NOTIFY or also-notify)' : 'Notification queued';
    },
    retrieve: async (zone) => {
      const s = await repl.retrieve(zone);
      if (s.lastError !== null) return `Retrieval of '${s.zone}' failed: ${s.lastError}`;
      return `Added retrieval request for '${s.zone}' from primary ${s.lastTransfer?.primary ?? s.primaries[0] ?? ''}`;
    },
    addSecondary: (spec) => repl.addSecondary(spec),
    removeSecondary: (zone) => repl.removeSecondary(zone),
    isSecondary: (zone) => repl.isSecondary(zone),
    // TSIG keys written through the API are known to transfers at once (not after the 10 s re-read).
    keysChanged: () => repl.refreshKeys(),
  };
}

/** Prometheus series of replication (docs/metrics.md): per secondary zone, and totals. */
export function registerReplicationMetrics(r: Registry, repl: Replication): void {
  const perZone = (name: string, help: string, value: (s: ReturnType<Replication['status']>['secondaries'][number]) => number | null): void => {
    new Gauge({
      name, help, labelNames: ['zone'] as const, registers: [r],
      collect() {
        this.reset();
        for (const s of repl.status().secondaries) { const v = value(s); if (v !== null) this.set({ zone: s.zone }, v); }
      },
    });
  };
  perZone('geodesic_xfr_secondary_serial', 'Serial served for each secondary zone', (s) => s.serial);
  perZone('geodesic_xfr_secondary_primary_serial', 'Newest serial a primary reported for each secondary zone', (s) => s.primarySerial);
  perZone('geodesic_xfr_secondary_refresh_age_seconds', 'Seconds since a primary last confirmed each secondary zone', (s) => (s.refreshedAt === null ? null : (Date.now() - s.refreshedAt) / 1000));
  perZone('geodesic_xfr_secondary_lag_seconds', 'Last time from learning of a new serial to serving it', (s) => (s.lagMs === null ? null : s.lagMs / 1000));
  perZone('geodesic_xfr_secondary_expired', '1 when the zone is past its SOA expire (answered SERVFAIL)', (s) => (s.expired ? 1 : 0));
  perZone('geodesic_xfr_secondary_failing', '1 when the last refresh failed', (s) => (s.lastError === null ? 0 : 1));
  new Counter({
    name: 'geodesic_xfr_transfers_in_total', help: 'Zone transfers received, by kind (AXFR, IXFR) or failed refreshes',
    labelNames: ['kind'] as const, registers: [r],
    collect() { this.reset(); for (const [k, v] of Object.entries(repl.totals().transfersIn)) this.inc({ kind: k }, v); },
  });
  new Counter({
    name: 'geodesic_xfr_transfers_out_total', help: 'Zone transfers served, by kind (AXFR, IXFR, IXFR-current) or refused',
    labelNames: ['kind'] as const, registers: [r],
    collect() { this.reset(); for (const [k, v] of Object.entries(repl.totals().transfersOut)) this.inc({ kind: k }, v); },
  });
  new Counter({
    name: 'geodesic_xfr_notify_sent_total', help: 'NOTIFY sent, by result (answered, given up after retries)',
    labelNames: ['result'] as const, registers: [r],
    collect() { this.reset(); const t = repl.totals().notifySent; this.inc({ result: 'answered' }, t.answered); this.inc({ result: 'given-up' }, t.givenUp); },
  });
  new Counter({
    name: 'geodesic_xfr_notify_received_total', help: 'NOTIFY received, by result (accepted, refused)',
    labelNames: ['result'] as const, registers: [r],
    collect() { this.reset(); const t = repl.totals().notifyReceived; this.inc({ result: 'accepted' }, t.accepted); this.inc({ result: 'refused' }, t.refused); },
  });
}

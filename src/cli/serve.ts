import { writeFileSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Engine } from '../engine/index.js';
import { listenTcp, listenUdp, ResponseRateLimiter, parseCidr, bindError } from '../net/index.js';
import type { TcpEndpoint, UdpListener } from '../net/index.js';
import { nativeStatus } from '../native/index.js';
import type { UdpEndpoint } from '../native/index.js';
import type { ServerConfig } from '../config/index.js';
import { loadZones, zoneSpecs } from './zone-loader.js';
import { registerReplicationMetrics, startReplication, NO_REPLICATION } from './xfr-serve.js';
import type { ReplicationSettings } from './xfr-serve.js';
import { startGeo } from './geo-serve.js';
import { DEFAULT_HEALTH, registerHealthMetrics, startHealth } from './health-serve.js';
import type { HealthSettings } from './health-serve.js';
import type { HealthPlane } from '../health/index.js';
import { aliasHandoff, registerAliasMetrics, startAlias } from './alias-serve.js';
import { withUpdates } from './update-serve.js';
import { resignDelayMs, signLoadedZone } from './dnssec-serve.js';
import { attachOps } from './ops-attach.js';
import { NO_OPS, needsEveryQuery } from './ops-options.js';
import type { OpsOptions } from './ops-options.js';
import { attachStore } from './store-source.js';
import { registerDnssecMetrics, signingOptions, startDnssecUpkeep } from './dnssec-store-serve.js';
import { compactHeap } from './compact-heap.js';
import { ZoneSet } from '../zone/index.js';
import type { Catalog } from '../catalog/index.js';
import { apiServices, startApi } from './api-serve.js';
import { geoWhatifService } from './ui-serve.js';
import type { ApiSettings, RunningApi } from './api-serve.js';
import type { Replication } from '../xfr/index.js';
import { Opcode } from '../wire/index.js';

export interface RunningServer {
  engine: Engine;
  udp: UdpEndpoint[];
  tcp: TcpEndpoint[];
  reload(): Promise<void>;
  close(): Promise<void>;
  /** The store's zones, when serving from a store (--data/--db). */
  catalog: Catalog | null;
  /** Zone transfers, NOTIFY, secondary and catalog zones, and their status (docs/replication.md). */
  replication: Replication;
  /** Health checks of LUA and declarative geo records (docs/health.md); null when LUA records are off. */
  health: HealthPlane | null;
  /** The HTTP API (--api-listen, docs/api.md); null when off. */
  api: RunningApi | null;
}

/**
 * Starts the authoritative server: loads every zone first, then opens the listeners (UDP and TCP on each
 * address). A zone that fails to load is reported and left out (or, on reload, keeps its old version).
 */
export async function startServer(config: ServerConfig, log: Logger, ops: OpsOptions = NO_OPS,
  replication: ReplicationSettings = NO_REPLICATION, healthSettings: HealthSettings = DEFAULT_HEALTH,
  apiSettings: ApiSettings | null = null): Promise<RunningServer> {
  const health = config.geo.luaRecords ? startHealth(healthSettings, log) : null;
  const geo = await startGeo(config.geo, log, health);
  const alias = startAlias(config.alias, log);
  // A query log or per-query metrics must see every query: the engine publishes the answers it repeats from
  // its cache (it sees the subscriber), and the native UDP path keeps a record of those it repeats (tap).
  const everyQuery = needsEveryQuery(ops);
  const engine = new Engine({
    maxUdpSize: config.udp.maxSize,
    transfers: true,
    handledOpcodes: [Opcode.NOTIFY, Opcode.UPDATE],
    geo,
    alias,
  });
  const keysDir = config.dnssec.keys;
  const specs = zoneSpecs(config);
  const first = await loadZones(specs, null, keysDir);
  for (const e of first.errors) log.error({ event: 'zone-load-failed' }, e);
  // Zone files and the store's zones are served together; a zone in both is served from its file.
  let fileZones = first.zones;
  let catalog: Catalog | null = null;
  let stopDnssecUpkeep = (): void => undefined;
  const udpListeners: UdpListener[] = [];
  // An ALIAS target's answer changed: the native path's copies of answers go too (the engine drops its own).
  alias?.targets.onChange(() => { for (const l of udpListeners) l.cache?.clear(); });
  const served = (): ZoneSet => {
    let set = catalog?.zones ?? new ZoneSet([]);
    for (const z of fileZones) set = set.with(z);
    return set;
  };
  engine.setZones(fileZones);
  if (config.store.data !== null || config.store.db !== null) {
    const where = config.store.db !== null ? { db: config.store.db } : { data: config.store.data! };
    catalog = await attachStore(engine, where, log, {
      merge: (storeZones) => { let set = storeZones; for (const z of fileZones) set = set.with(z); return set; },
      onSwap: () => { for (const l of udpListeners) l.cache?.clear(); },
      dnssec: signingOptions(config.dnssec, () => catalog),
    });
    stopDnssecUpkeep = startDnssecUpkeep(catalog, log);
  }
  log.info({ event: 'zones-loaded', zones: first.zones.size, failed: first.errors.length }, `loaded ${first.zones.size} zone file(s)`);
  // ALIAS targets are looked up before any port opens, so the first queries already find them.
  await alias?.targets.settled(5000);
  compactHeap([...engine.zones].reduce((n, z) => n + z.recordCount, 0));

  const rrl = config.rrl.enabled
    ? new ResponseRateLimiter({
      rate: config.rrl.rate, slip: config.rrl.slip, ipv4Prefix: config.rrl.ipv4Prefix,
      ipv6Prefix: config.rrl.ipv6Prefix, exempt: config.rrl.exempt.map(parseCidr), tableSize: 65536,
    })
    : null;
  const repl = await startReplication(engine, catalog, config, replication, log, () => { for (const l of udpListeners) l.cache?.clear(); }, alias)
    .catch(async (err: unknown) => { await catalog?.close(); await geo.close(); throw err; });
  const handoffs = withUpdates(catalog, config, log, () => fileZones, {
    tcp: repl.handleTcp.bind(repl), udp: (m, c) => repl.handleNotify(m, c),
  });
  const handoff = aliasHandoff(engine, alias, handoffs.tcp);
  repl.filesChanged(fileZones);
  const forceDgram = config.udp.io === 'dgram' || process.env.GEODESIC_UDP === 'dgram';
  const status = nativeStatus();
  if (config.udp.io === 'native' && !status.available) {
    throw new Error(`udp.io is "native" but the native UDP addon is not available: ${status.reason}`);
  }
  if (!forceDgram && !status.available) {
    log.warn({ event: 'native-unavailable', reason: status.reason }, `native UDP path unavailable (${status.reason}); using node:dgram`);
  }
  const udp: UdpEndpoint[] = [];
  const tcp: TcpEndpoint[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...udp.map((u) => u.close()), ...tcp.map((t) => t.close())]);
    await repl.close();
    await geo.close();
    health?.close();
    alias?.close();
    await catalog?.close();
    if (config.pidFile !== null) rmSync(config.pidFile, { force: true });
  };
  try {
    for (const l of config.listen) {
      // Port 0 picks a free UDP port, then TCP takes the same number; if another program holds that TCP
      // port, try another UDP port.
      for (let attempt = 0; ; attempt++) {
        let listener: UdpListener;
        try {
          listener = await listenUdp({ host: l.host, port: l.port, engine, rrl, forceDgram, tap: everyQuery, handoff: handoffs.udp });
        } catch (err) {
          // The UDP bind error carries the errno name as syscallCode (EADDRINUSE, EACCES...).
          const code = (err as { syscallCode?: string }).syscallCode;
          throw code !== undefined ? bindError(Object.assign(new Error((err as Error).message), { code }), l.host, l.port) : err;
        }
        const port = l.port === 0 ? listener.endpoint.port : l.port;
        try {
          tcp.push(await listenTcp({
            host: l.host, port, engine, handoff, idleTimeoutMs: config.tcp.idleTimeoutMs,
            maxConnections: config.tcp.maxConnections, maxConnectionsPerClient: config.tcp.maxConnectionsPerClient,
          }));
        } catch (err) {
          listener.stop();
          await listener.endpoint.close();
          if (l.port === 0 && attempt < 10) continue;
          throw err;
        }
        udpListeners.push(listener);
        udp.push(listener.endpoint);
        break;
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  const attached = await attachOps(engine, ops, {
    zones: () => engine.zones.size,
    udp: () => udp,
    answerCaches: () => udpListeners.flatMap((l) => (l.cache !== null ? [l.cache] : [])),
    rrl: () => rrl?.counts() ?? { dropped: 0, slipped: 0 },
    register: [
      ...(health === null ? [] : [(r: Registry) => registerHealthMetrics(r, health)]),
      ...(alias === undefined ? [] : [(r: Registry) => registerAliasMetrics(r, alias)]),
      (r: Registry) => registerReplicationMetrics(r, repl),
      (r: Registry) => registerDnssecMetrics(r, () => engine.zones, () => catalog),
    ],
  }).catch(async (err: unknown) => { await close(); throw err; });
  const ms = attached.metricsServer;
  if (ms !== null) log.info({ event: 'metrics-listening', address: ms.address, port: ms.port }, `Prometheus metrics at http://${fmt(ms.address, ms.port)}/metrics`);
  const api = apiSettings === null ? null : await startApi(apiSettings, {
    catalog, fileZones: () => fileZones,
    services: {
      ...apiServices(config, attached.metrics, repl, () => {
        engine.setZones(engine.zones);
        for (const l of udpListeners) l.cache?.clear();
      }),
      ...(health !== null ? { health } : {}),
      ...geoWhatifService(udp),
      replication: () => repl.status(),
    },
  }, log).catch(async (err: unknown) => { await attached.close(); await close(); throw err; });
  const closeAll = async (): Promise<void> => {
    await api?.close();
    clearInterval(resignTimer);
    stopDnssecUpkeep();
    for (const l of udpListeners) l.stop(); // the native cache's last records reach the query log
    await attached.close();
    await close();
  };
  if (config.pidFile !== null) writeFileSync(config.pidFile, `${process.pid}\n`);
  for (const u of udp) {
    log.info({ event: 'listening', proto: 'udp', address: u.address, port: u.port, native: u.native },
      `answering DNS on ${fmt(u.address, u.port)} (UDP${u.native ? ', native batched I/O' : ', node:dgram'}, TCP)`);
  }

  let reloading: Promise<void> | null = null;
  const reload = (): Promise<void> => {
    reloading ??= (async () => {
      const r = await loadZones(zoneSpecs(config), fileZones, keysDir);
      for (const e of r.errors) log.error({ event: 'zone-load-failed' }, `${e} (the previous version keeps serving)`);
      fileZones = r.zones;
      repl.filesChanged(fileZones);
      engine.setZones(served());
      for (const l of udpListeners) l.cache?.clear();
      log.info({ event: 'reloaded', zones: r.zones.size, failed: r.errors.length }, `reloaded ${r.loaded} zone(s)`);
    })().finally(() => { reloading = null; });
    return reloading;
  };
  // Signatures are refreshed (and the serial bumped, so secondaries transfer them) once a quarter of their
  // validity is left; checked hourly.
  const signedAt = new Map<string, number>();
  const resign = async (): Promise<void> => {
    if (keysDir === null) return;
    for (const zone of engine.zones) {
      const delay = resignDelayMs(zone, { keysDir });
      if (delay === null) continue;
      const at = signedAt.get(zone.originKey) ?? Date.now();
      signedAt.set(zone.originKey, at);
      if (Date.now() - at < delay) continue;
      try {
        const next = await signLoadedZone(zone, { keysDir }, zone, (zone.serial + 1) >>> 0);
        if (fileZones.get(zone.originKey) !== undefined) { fileZones = fileZones.with(next); repl.filesChanged([next]); }
        engine.setZones(engine.zones.with(next));
        for (const l of udpListeners) l.cache?.clear();
        signedAt.set(zone.originKey, Date.now());
        log.info({ event: 'zone-resigned', serial: next.serial }, `signatures refreshed, serial ${next.serial}`);
      } catch (err) {
        log.error({ event: 'resign-failed', err }, `re-signing failed: ${(err as Error).message}`);
      }
    }
  };
  const resignTimer = setInterval(() => { void resign(); }, 3_600_000);
  resignTimer.unref();
  return { engine, udp, tcp, reload, close: closeAll, catalog, replication: repl, health, api };
}

export function fmt(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

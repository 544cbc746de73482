import { writeFileSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { Engine } from '../engine/index.js';
import { listenTcp, listenUdp, ResponseRateLimiter, parseCidr, bindError } from '../net/index.js';
import type { TcpEndpoint, UdpListener } from '../net/index.js';
import { nativeStatus } from '../native/index.js';
import type { UdpEndpoint } from '../native/index.js';
import type { ServerConfig } from '../config/index.js';
import { loadZones, zoneSpecs } from './zone-loader.js';
import { transferHandler } from './transfer-handler.js';
import { startGeo } from './geo-serve.js';

export interface RunningServer {
  engine: Engine;
  udp: UdpEndpoint[];
  tcp: TcpEndpoint[];
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the authoritative server: loads every zone first, then opens the listeners (UDP and TCP on each
 * address). A zone that fails to load is reported and left out (or, on reload, keeps its old version).
 */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const geo = await startGeo(config.geo, log);
  const engine = new Engine({
    maxUdpSize: config.udp.maxSize,
    transfers: true,
    geo,
  });
  const specs = zoneSpecs(config);
  const first = await loadZones(specs, null);
  for (const e of first.errors) log.error({ event: 'zone-load-failed' }, e);
  engine.setZones(first.zones);
  log.info({ event: 'zones-loaded', zones: first.zones.size, failed: first.errors.length }, `loaded ${first.zones.size} zone(s)`);

  const rrl = config.rrl.enabled
    ? new ResponseRateLimiter({
      rate: config.rrl.rate, slip: config.rrl.slip, ipv4Prefix: config.rrl.ipv4Prefix,
      ipv6Prefix: config.rrl.ipv6Prefix, exempt: config.rrl.exempt.map(parseCidr), tableSize: 65536,
    })
    : null;
  const handoff = transferHandler(engine, { allow: config.transfer.allow, keys: config.keys, require: config.transfer.tsigKey });
  const forceDgram = config.udp.io === 'dgram' || process.env.GEODESIC_UDP === 'dgram';
  const status = nativeStatus();
  if (config.udp.io === 'native' && !status.available) {
    throw new Error(`udp.io is "native" but the native UDP addon is not available: ${status.reason}`);
  }
  if (!forceDgram && !status.available) {
    log.warn({ event: 'native-unavailable', reason: status.reason }, `native UDP path unavailable (${status.reason}); using node:dgram`);
  }
  const udpListeners: UdpListener[] = [];
  const udp: UdpEndpoint[] = [];
  const tcp: TcpEndpoint[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...udp.map((u) => u.close()), ...tcp.map((t) => t.close())]);
    await geo.close();
    if (config.pidFile !== null) rmSync(config.pidFile, { force: true });
  };
  try {
    for (const l of config.listen) {
      try {
        const listener = await listenUdp({ host: l.host, port: l.port, engine, rrl, forceDgram });
        udpListeners.push(listener);
        udp.push(listener.endpoint);
      } catch (err) {
        // The UDP bind error carries the errno name as syscallCode (EADDRINUSE, EACCES...).
        const code = (err as { syscallCode?: string }).syscallCode;
        throw code !== undefined ? bindError(Object.assign(new Error((err as Error).message), { code }), l.host, l.port) : err;
      }
      const port = l.port === 0 ? udp.at(-1)!.port : l.port;
      tcp.push(await listenTcp({
        host: l.host, port, engine, handoff, idleTimeoutMs: config.tcp.idleTimeoutMs,
        maxConnections: config.tcp.maxConnections, maxConnectionsPerClient: config.tcp.maxConnectionsPerClient,
      }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  if (config.pidFile !== null) writeFileSync(config.pidFile, `${process.pid}\n`);
  for (const u of udp) {
    log.info({ event: 'listening', proto: 'udp', address: u.address, port: u.port, native: u.native },
      `answering DNS on ${fmt(u.address, u.port)} (UDP${u.native ? ', native batched I/O' : ', node:dgram'}, TCP)`);
  }

  let reloading: Promise<void> | null = null;
  const reload = (): Promise<void> => {
    reloading ??= (async () => {
      const r = await loadZones(zoneSpecs(config), engine.zones);
      for (const e of r.errors) log.error({ event: 'zone-load-failed' }, `${e} (the previous version keeps serving)`);
      engine.setZones(r.zones);
      for (const l of udpListeners) l.cache?.clear();
      log.info({ event: 'reloaded', zones: r.zones.size, failed: r.errors.length }, `reloaded ${r.loaded} zone(s)`);
    })().finally(() => { reloading = null; });
    return reloading;
  };
  return { engine, udp, tcp, reload, close };
}

export function fmt(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ApiKeyRing, AllowFrom, DEFAULT_ALLOW_FROM, createApi } from '../api/index.js';
import type { ApiPlugin, ApiServices } from '../api/index.js';
import type { Catalog } from '../catalog/index.js';
import type { ZoneSet } from '../zone/index.js';
import { parseListen } from '../config/index.js';
import type { ListenAddress } from '../config/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Replication } from '../xfr/index.js';
import { VERSION } from './version.js';
import { transferService } from './xfr-serve.js';
import type { DnsMetrics } from './metrics.js';

/** What `serve` needs to run the HTTP API (flags `--api-*`, config section `api:`; docs/api.md). */
export interface ApiSettings {
  /** The API's address; `also`: more addresses serving the same API (e.g. 127.0.0.1 and ::1). */
  listen: ListenAddress;
  also: ListenAddress[];
  /** Full-access keys: `--api-key`, the first line of `--api-key-file`, `api.key`, `api.key-file`. */
  keys: string[];
  allowFrom: string[];
  tls: { cert: string; key: string } | null;
}

export interface ApiFlags {
  apiListen?: string[];
  apiKey?: string;
  apiKeyFile?: string;
  apiAllowFrom?: string;
  apiTlsCert?: string;
  apiTlsKey?: string;
}

/** Adds the --api-* options to `serve`. */
export function addApiOptions(cmd: Command): Command {
  return cmd
    .option('--api-listen <addr:port>', 'serve the PowerDNS-compatible HTTP API (and /metrics, the admin UI) here, e.g. 127.0.0.1:8081; repeatable (docs/api.md)',
      (v: string, prev: string[] = []) => [...prev, v])
    .option('--api-key <key>', 'a full-access API key (clients send it as X-API-Key); scoped keys: /api/v1/servers/localhost/apikeys')
    .option('--api-key-file <file>', 'read the full-access API key from the first line of this file (keeps it out of ps)')
    .option('--api-allow-from <cidr,...>', `networks allowed to connect to the API (default ${DEFAULT_ALLOW_FROM.join(',')})`)
    .option('--api-tls-cert <file>', 'serve the API over HTTPS with this certificate (PEM; reloaded when the file changes)')
    .option('--api-tls-key <file>', 'the private key of --api-tls-cert (PEM)');
}

type Obj = Record<string, unknown>;

function readKeyFile(path: string, where: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${where}: cannot read ${path}: ${(err as Error).message}`);
  }
  const key = text.split(/\r?\n/)[0]!.trim();
  if (key === '') throw new Error(`${where}: ${path} is empty (put the key on its first line)`);
  return key;
}

/**
 * The API settings from the config's `api:` section (`listen`, `key`, `key-file`, `allow-from`, `tls:
 * {cert, key}`) with the command line on top; null when the API is off (no listen address).
 */
export function apiSettings(raw: unknown, flags: ApiFlags = {}, base = process.cwd()): ApiSettings | null {
  const a = (raw ?? {}) as Obj;
  if (typeof a !== 'object' || Array.isArray(a)) throw new Error('api: expected a section of settings');
  for (const k of Object.keys(a)) {
    if (!['listen', 'key', 'key-file', 'allow-from', 'tls'].includes(k)) throw new Error(`api.${k}: unknown setting (known: listen, key, key-file, allow-from, tls)`);
  }
  const where = flags.apiListen !== undefined ? '--api-listen' : 'api.listen';
  const given = flags.apiListen ?? a.listen;
  const texts = given === undefined ? [] : Array.isArray(given) ? given as unknown[] : [given];
  if (texts.length === 0) {
    if (flags.apiKey !== undefined || flags.apiKeyFile !== undefined) throw new Error('--api-key needs --api-listen ADDR:PORT (where the API listens)');
    return null;
  }
  const [listen, ...also] = texts.map((t) => {
    if (typeof t !== 'string' || !/^(\[[^\]]+\]|[^:[\]]+):\d+$/.test(t)) {
      throw new Error(`${where}: expected ADDR:PORT (e.g. 127.0.0.1:8081 or [::1]:8081), not ${JSON.stringify(t)}`);
    }
    return parseListen(t, where);
  }) as [ListenAddress, ...ListenAddress[]];
  const keys: string[] = [];
  const key = flags.apiKey ?? a.key;
  if (key !== undefined) {
    if (typeof key !== 'string' || key === '') throw new Error('api.key: expected text');
    keys.push(key);
  }
  if (flags.apiKeyFile !== undefined) keys.push(readKeyFile(resolve(flags.apiKeyFile), '--api-key-file'));
  else if (typeof a['key-file'] === 'string') keys.push(readKeyFile(resolve(base, a['key-file']), 'api.key-file'));
  let allowFrom = [...DEFAULT_ALLOW_FROM];
  if (flags.apiAllowFrom !== undefined) allowFrom = flags.apiAllowFrom.split(',').map((s) => s.trim()).filter((s) => s !== '');
  else if (a['allow-from'] !== undefined) {
    const v = a['allow-from'];
    allowFrom = (Array.isArray(v) ? v : [v]).map((x) => String(x));
  }
  new AllowFrom(allowFrom); // throws naming a bad entry
  const t = (a.tls ?? {}) as Obj;
  const cert = flags.apiTlsCert ?? (typeof t.cert === 'string' ? resolve(base, t.cert) : undefined);
  const tlsKey = flags.apiTlsKey ?? (typeof t.key === 'string' ? resolve(base, t.key) : undefined);
  if ((cert === undefined) !== (tlsKey === undefined)) throw new Error('the API needs both a TLS certificate and its key (--api-tls-cert and --api-tls-key)');
  return { listen, also, keys, allowFrom, tls: cert !== undefined ? { cert: resolve(cert), key: resolve(tlsKey!) } : null };
}

/** What the API needs of the running server (filled by serve.ts). */
export interface ApiHost {
  catalog: Catalog | null;
  fileZones(): ZoneSet;
  services: ApiServices;
  plugins?: readonly ApiPlugin[];
}

export interface RunningApi {
  app: FastifyInstance;
  address: string;
  port: number;
  close(): Promise<void>;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * Starts the HTTP API on its listener. Without any key (no --api-key and no key in the store) it binds
 * loopback only, whatever the address asked; with TLS it re-reads the certificate and key when either
 * file changes (checked every 2 s) and swaps them in without dropping connections.
 */
export async function startApi(s: ApiSettings, host: ApiHost, log: Logger): Promise<RunningApi> {
  const keys = new ApiKeyRing(s.keys, host.catalog?.store ?? null);
  const anyKey = await keys.any();
  const hostOf = (asked: string): string => {
    if (isLoopback(asked) || anyKey) return asked;
    const loop = isIP(asked) === 6 || asked === '::' ? '::1' : '127.0.0.1';
    log.warn({ event: 'api-loopback-only', asked }, `no API key is configured: the API listens on ${loop} only (give --api-key or --api-key-file to listen on ${asked})`);
    return loop;
  };
  const where = hostOf(s.listen.host);
  const readTls = (): { cert: Buffer; key: Buffer } => ({ cert: readFileSync(s.tls!.cert), key: readFileSync(s.tls!.key) });
  const app = await createApi({
    catalog: host.catalog, fileZones: host.fileZones, keys, allowFrom: s.allowFrom, services: host.services,
    version: VERSION, logger: log.child({ component: 'api' }), ...(host.plugins ? { plugins: host.plugins } : {}),
    ...(s.tls !== null ? { https: readTls() } : {}),
  });
  await app.listen({ host: where, port: s.listen.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : s.listen.port;
  const scheme = s.tls !== null ? 'https' : 'http';
  const said = (address: string, p: number): void => log.info({ event: 'api-listening', address, port: p, tls: s.tls !== null },
    `HTTP API on ${scheme}://${address.includes(':') ? `[${address}]` : address}:${p}/api/v1 (allow-from ${s.allowFrom.join(', ')})`);
  said(where, port);
  // More addresses: plain Node servers handing every request to the same Fastify instance.
  const extra: (HttpServer | HttpsServer)[] = [];
  try {
    for (const l of s.also) {
      const srv = s.tls !== null ? createHttpsServer(readTls(), (req, res) => app.routing(req, res)) : createHttpServer((req, res) => app.routing(req, res));
      const at = hostOf(l.host);
      await new Promise<void>((ok, fail) => { srv.once('error', fail); srv.listen(l.port === 0 ? port : l.port, at, () => { srv.off('error', fail); ok(); }); });
      extra.push(srv);
      said(at, (srv.address() as AddressInfo).port);
    }
  } catch (err) {
    for (const e of extra) e.close();
    await app.close();
    throw err;
  }
  let timer: NodeJS.Timeout | null = null;
  if (s.tls !== null) {
    const stamp = (): string => [s.tls!.cert, s.tls!.key].map((f) => { try { const st = statSync(f); return `${st.mtimeMs}/${st.size}`; } catch { return 'gone'; } }).join(',');
    let last = stamp();
    timer = setInterval(() => {
      const now = stamp();
      if (now === last) return;
      last = now;
      try {
        const tls = readTls();
        for (const srv of [app.server, ...extra]) (srv as unknown as { setSecureContext(o: object): void }).setSecureContext(tls);
        log.info({ event: 'api-tls-reloaded' }, 'API TLS certificate reloaded');
      } catch (err) {
        log.error({ event: 'api-tls-reload-failed' }, `API TLS certificate not reloaded (the previous one stays): ${(err as Error).message}`);
      }
    }, 2000);
    timer.unref();
  }
  return {
    app, address: where, port,
    close: async () => {
      if (timer !== null) clearInterval(timer);
      await Promise.all(extra.map((e) => new Promise<void>((ok) => { e.closeAllConnections(); e.close(() => ok()); })));
      await app.close();
    },
  };
}

/** The services the API borrows from the running server: replication, cache flush, metrics, settings. */
export function apiServices(config: ServerConfig, metrics: DnsMetrics | null, repl: Replication, flush: () => void): ApiServices {
  return {
    transfer: { ...transferService(repl), secondaries: () => repl.status().secondaries },
    flushCache: () => { flush(); return 0; },
    ...(metrics !== null ? { metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.scrape() }) } : {}),
    config: () => [
      { name: 'enable-lua-records', value: config.geo.luaRecords ? 'yes' : 'no' },
      { name: 'local-address', value: config.listen.map((l) => (l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`)).join(', ') },
      { name: 'default-ttl', value: '3600' },
      { name: 'version-string', value: `geodesic ${VERSION}` },
    ],
  };
}

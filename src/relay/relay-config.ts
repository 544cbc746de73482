/**
 * Turns the `relay:` section of a YAML config (snake_case keys, documented in docs/relay.md), or
 * the quick command-line form, into `RelayOptions`. Every fault is a GDNS_ERR_RELAY_CONFIG with
 * the path of the offending key.
 */
import { parseHostPort } from './address.js';
import { durationMs } from './duration.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { DEFAULTS } from './options.js';
import type { Balance, HealthCheckOptions, ListenerOptions, PoolOptions, RelayOptions, RouteOptions, ServerOptions } from './options.js';
import type { ProxyVersion } from './proxy-protocol.js';
import { normalizeName } from './router.js';

type Obj = Record<string, unknown>;

const fail = (path: string, msg: string): never => {
  throw new RelayError(RelayErrorCode.config, `relay config ${path}: ${msg}`);
};
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function known(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `unknown key (known: ${keys.join(', ')})`);
}
function num(v: unknown, path: string, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) return fail(path, `expected a number >= ${min}`);
  return v;
}
function bool(v: unknown, path: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return typeof v === 'boolean' ? v : fail(path, 'expected true or false');
}
function strings(v: unknown, path: string): string[] {
  if (v === undefined) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return fail(path, 'expected a string or a list of strings');
  return list as string[];
}
function dur(v: unknown, path: string, dflt: number): number {
  if (v === undefined) return dflt;
  try {
    return durationMs(v, path);
  } catch (e) {
    return fail(path, (e as Error).message);
  }
}
function proxyVersion(v: unknown, path: string): ProxyVersion | undefined {
  if (v === undefined || v === false || v === 'off') return undefined;
  if (v === 'v1' || v === 'v2') return v;
  if (v === 1 || v === 2) return `v${v}`;
  return fail(path, 'expected v1, v2 or off');
}

const LISTENER_SETTINGS = [
  'client_hello_timeout', 'max_client_hello', 'idle_timeout', 'total_timeout', 'max_connections',
  'max_connections_per_client', 'connection_rate_per_client', 'allow', 'deny', 'accept_proxy_from', 'backlog',
] as const;

/** Converts the `relay:` section. */
export function relayOptionsFromConfig(raw: unknown): RelayOptions {
  if (!isObj(raw)) return fail('relay', 'expected a mapping');
  known(raw, 'relay', ['listeners', 'pools', 'defaults', 'health_listen', 'drain_timeout', 'tcp_keepalive', 'tcp_nodelay']);
  const defaults = raw.defaults === undefined ? {} : raw.defaults;
  if (!isObj(defaults)) return fail('relay.defaults', 'expected a mapping');
  known(defaults, 'relay.defaults', LISTENER_SETTINGS);
  if (!isObj(raw.pools)) return fail('relay.pools', 'expected a mapping of pool name to pool');
  const pools = Object.entries(raw.pools).map(([name, p]) => pool(name, p, `relay.pools.${name}`));
  if (!Array.isArray(raw.listeners) || raw.listeners.length === 0) return fail('relay.listeners', 'expected a non-empty list');
  const listeners = raw.listeners.map((l, i) => listener(l, defaults, `relay.listeners[${i}]`));
  const byName = new Map(pools.map((p) => [p.name, p]));
  for (const l of listeners) {
    for (const p of [...l.routes.map((r) => r.pool), ...(l.defaultPool ? [l.defaultPool] : [])]) {
      const pool = byName.get(p) ?? fail(`relay.listeners(${l.name})`, `unknown pool "${p}"`);
      if (l.protocol === 'udp' && pool.proxyProtocol === 'v1') fail(`relay.pools.${p}.proxy_protocol`, `v1 has no UDP form; listener ${l.name} is udp (use v2)`);
    }
  }
  return {
    listeners,
    pools,
    healthListen: raw.health_listen === undefined ? undefined : parseHostPort(String(raw.health_listen), 'relay.health_listen', '127.0.0.1'),
    drainTimeoutMs: dur(raw.drain_timeout, 'relay.drain_timeout', DEFAULTS.drainTimeoutMs),
    keepAliveMs: dur(raw.tcp_keepalive, 'relay.tcp_keepalive', DEFAULTS.keepAliveMs),
    noDelay: bool(raw.tcp_nodelay, 'relay.tcp_nodelay', true),
  };
}

function listener(raw: unknown, defaults: Obj, path: string): ListenerOptions {
  if (!isObj(raw)) return fail(path, 'expected a mapping');
  known(raw, path, ['name', 'listen', 'protocol', 'peek', 'routes', 'default', ...LISTENER_SETTINGS]);
  const protocol = raw.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp') return fail(`${path}.protocol`, 'expected tcp or udp');
  const v = (k: (typeof LISTENER_SETTINGS)[number]): unknown => raw[k] ?? defaults[k];
  if (typeof raw.listen !== 'string' && typeof raw.listen !== 'number') return fail(`${path}.listen`, 'expected HOST:PORT');
  const { host, port } = parseHostPort(typeof raw.listen === 'number' ? `:${raw.listen}` : raw.listen, `${path}.listen`);
  const routes = raw.routes === undefined ? [] : raw.routes;
  if (!Array.isArray(routes)) return fail(`${path}.routes`, 'expected a list');
  const peek = raw.peek === undefined ? (protocol === 'udp' ? 'quic' : 'tls') : raw.peek;
  const peekOk = protocol === 'udp' ? ['quic', 'none', true, false] : ['tls', 'none', true, false];
  if (!peekOk.includes(peek as string)) return fail(`${path}.peek`, `expected ${protocol === 'udp' ? 'quic' : 'tls'} or none`);
  if (protocol === 'udp' && v('accept_proxy_from') !== undefined) fail(`${path}.accept_proxy_from`, 'not supported on udp listeners');
  return {
    name: typeof raw.name === 'string' ? raw.name : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    protocol,
    host,
    port,
    peek: peek !== 'none' && peek !== false,
    routes: routes.map((r, i) => route(r, `${path}.routes[${i}]`)),
    defaultPool: raw.default === undefined ? undefined : String(raw.default),
    clientHelloTimeoutMs: dur(v('client_hello_timeout'), `${path}.client_hello_timeout`, DEFAULTS.clientHelloTimeoutMs),
    maxHelloBytes: num(v('max_client_hello'), `${path}.max_client_hello`, DEFAULTS.maxHelloBytes, 512),
    acceptProxyFrom: strings(v('accept_proxy_from'), `${path}.accept_proxy_from`),
    allow: strings(v('allow'), `${path}.allow`),
    deny: strings(v('deny'), `${path}.deny`),
    maxConnections: num(v('max_connections'), `${path}.max_connections`, 0),
    maxConnectionsPerClient: num(v('max_connections_per_client'), `${path}.max_connections_per_client`, 0),
    connectionRatePerClient: num(v('connection_rate_per_client'), `${path}.connection_rate_per_client`, 0),
    idleTimeoutMs: dur(v('idle_timeout'), `${path}.idle_timeout`, protocol === 'udp' ? DEFAULTS.udpIdleTimeoutMs : DEFAULTS.idleTimeoutMs),
    totalTimeoutMs: dur(v('total_timeout'), `${path}.total_timeout`, DEFAULTS.totalTimeoutMs),
    backlog: num(v('backlog'), `${path}.backlog`, DEFAULTS.backlog, 1),
  };
}

function route(raw: unknown, path: string): RouteOptions {
  if (!isObj(raw)) return fail(path, 'expected a mapping');
  known(raw, path, ['sni', 'alpn', 'pool']);
  const sni = strings(raw.sni, `${path}.sni`).map(normalizeName);
  for (const n of sni) {
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(n)) fail(`${path}.sni`, `"${n}" is not a name or *.suffix wildcard`);
  }
  const alpn = raw.alpn === undefined ? undefined : strings(raw.alpn, `${path}.alpn`);
  if (sni.length === 0 && !alpn) fail(path, 'a route needs sni, alpn or both');
  if (typeof raw.pool !== 'string') return fail(`${path}.pool`, 'expected a pool name');
  return { sni, alpn, pool: raw.pool };
}

const BALANCE: Record<string, Balance> = { round_robin: 'round-robin', least_conn: 'least-conn', hash: 'hash', 'round-robin': 'round-robin', 'least-conn': 'least-conn' };

function pool(name: string, raw: unknown, path: string): PoolOptions {
  if (!isObj(raw)) return fail(path, 'expected a mapping');
  known(raw, path, ['balance', 'servers', 'proxy_protocol', 'connect_timeout', 'tries', 'max_fails', 'fail_timeout', 'health_check']);
  const balance = BALANCE[String(raw.balance ?? 'round_robin')] ?? fail(`${path}.balance`, 'expected round_robin, least_conn or hash');
  if (!Array.isArray(raw.servers) || raw.servers.length === 0) return fail(`${path}.servers`, 'expected a non-empty list');
  const servers = raw.servers.map((s, i) => server(s, `${path}.servers[${i}]`));
  return {
    name,
    balance,
    servers,
    proxyProtocol: proxyVersion(raw.proxy_protocol, `${path}.proxy_protocol`),
    connectTimeoutMs: dur(raw.connect_timeout, `${path}.connect_timeout`, DEFAULTS.connectTimeoutMs),
    tries: num(raw.tries, `${path}.tries`, Math.min(DEFAULTS.tries, servers.length), 1),
    maxFails: num(raw.max_fails, `${path}.max_fails`, DEFAULTS.maxFails),
    failTimeoutMs: dur(raw.fail_timeout, `${path}.fail_timeout`, DEFAULTS.failTimeoutMs),
    healthCheck: raw.health_check === undefined ? undefined : healthCheck(raw.health_check, `${path}.health_check`),
  };
}

function server(raw: unknown, path: string): ServerOptions {
  const o: Obj = typeof raw === 'string' ? { address: raw } : isObj(raw) ? raw : fail(path, 'expected HOST:PORT or a mapping');
  known(o, path, ['address', 'weight', 'backup', 'max_connections']);
  const { host, port } = parseHostPort(String(o.address), `${path}.address`, '127.0.0.1');
  return {
    host,
    port,
    weight: num(o.weight, `${path}.weight`, 1, 1),
    backup: bool(o.backup, `${path}.backup`, false),
    maxConnections: num(o.max_connections, `${path}.max_connections`, 0),
  };
}

function healthCheck(raw: unknown, path: string): HealthCheckOptions {
  if (!isObj(raw)) return fail(path, 'expected a mapping');
  known(raw, path, ['type', 'interval', 'timeout', 'rise', 'fall', 'path', 'sni']);
  const type = raw.type ?? 'tcp';
  if (type !== 'tcp' && type !== 'tls' && type !== 'http') return fail(`${path}.type`, 'expected tcp, tls or http');
  return {
    type,
    intervalMs: dur(raw.interval, `${path}.interval`, 5000),
    timeoutMs: dur(raw.timeout, `${path}.timeout`, 2000),
    rise: num(raw.rise, `${path}.rise`, 2, 1),
    fall: num(raw.fall, `${path}.fall`, 3, 1),
    path: typeof raw.path === 'string' ? raw.path : '/',
    sni: typeof raw.sni === 'string' ? raw.sni : undefined,
  };
}

/** The quick form: `--listen`, `--route NAME=HOST:PORT[,HOST:PORT…]`, `--default`, `--proxy-protocol`, `--health-listen`. */
export interface QuickRelayArgs {
  readonly listen: string;
  readonly routes: readonly string[];
  readonly default?: string | undefined;
  readonly proxyProtocol?: string | undefined;
  readonly healthListen?: string | undefined;
  /** Also relay UDP on the same address (QUIC routed by SNI, the rest to the default). */
  readonly udp?: boolean | undefined;
}

/** Builds the same `relay:` section the YAML form would hold, then converts it. */
export function relayOptionsFromQuick(q: QuickRelayArgs): RelayOptions {
  const pools: Obj = {};
  const routes: Obj[] = [];
  const pp = q.proxyProtocol;
  // With a health listener, check upstreams actively so /health says whether they are reachable.
  const check = q.healthListen ? { health_check: { type: 'tcp', interval: '5s', timeout: '2s', rise: 2, fall: 2 } } : {};
  for (const [i, r] of q.routes.entries()) {
    const eq = r.indexOf('=');
    if (eq <= 0) fail(`--route ${r}`, 'expected NAME=HOST:PORT[,HOST:PORT...]');
    const name = `route${i + 1}`;
    pools[name] = { servers: r.slice(eq + 1).split(','), ...(pp ? { proxy_protocol: pp } : {}), ...check };
    routes.push({ sni: r.slice(0, eq), pool: name });
  }
  if (q.default) pools.default = { servers: q.default.split(','), ...(pp ? { proxy_protocol: pp } : {}), ...check };
  const listener = { name: 'main', listen: q.listen, routes, ...(q.default ? { default: 'default' } : {}) };
  return relayOptionsFromConfig({
    listeners: [listener, ...(q.udp ? [{ ...listener, name: 'main-udp', protocol: 'udp' }] : [])],
    pools,
    ...(q.healthListen ? { health_listen: q.healthListen } : {}),
  });
}

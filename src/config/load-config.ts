import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { defaultConfig } from './config.js';
import type { GeoOverrideConfig, ServerConfig, TsigKeyConfig } from './config.js';
import { ConfigError, parseDuration, parseListen } from './parse-values.js';

type Obj = Record<string, unknown>;

/** Sections whose content another part validates (the relay reads `relay:`, the operations options
 * `metrics:` and `query-log:`, the health plane `health:`). */
const FOREIGN_SECTIONS = new Set(['relay', 'metrics', 'query-log', 'replication', 'health', 'api']);

/**
 * Reads and validates a YAML configuration file. Unknown keys, wrong types and bad values are errors that
 * name the file and the key path; relative paths in the file are relative to the file's folder.
 */
export function loadConfig(path: string): { config: ServerConfig; raw: Obj } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new ConfigError(`${path}${pos ? `:${pos.line}:${pos.col}` : ''}: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
  raw ??= {};
  if (!isObj(raw)) throw new ConfigError(`${path}: the file must hold a mapping of settings (key: value)`);
  return { config: configFromObject(raw, path, dirname(resolve(path))), raw };
}

export function configFromObject(raw: Obj, file: string, base: string): ServerConfig {
  const c = defaultConfig();
  const at = (key: string): string => `${file}: ${key}`;
  known(raw, ['listen', 'zones', 'transfer', 'keys', 'rrl', 'tcp', 'udp', 'geo', 'alias', 'store', 'dnssec', 'pid-file', 'log', ...FOREIGN_SECTIONS], file, '');
  if (raw.listen !== undefined) {
    c.listen = list(raw.listen, at('listen')).map((v, i) => parseListen(str(v, at(`listen[${i}]`)), at(`listen[${i}]`)));
  }
  const zones = section(raw, 'zones', file);
  known(zones, ['directory', 'files'], file, 'zones.');
  if (zones.directory !== undefined) c.zones.directory = resolve(base, str(zones.directory, at('zones.directory')));
  if (zones.files !== undefined) {
    c.zones.files = list(zones.files, at('zones.files')).map((v, i) => {
      const k = `zones.files[${i}]`;
      if (!isObj(v)) throw new ConfigError(`${at(k)}: expected { name, file }`);
      known(v, ['name', 'file'], file, `${k}.`);
      return { name: str(v.name, at(`${k}.name`)), file: resolve(base, str(v.file, at(`${k}.file`))) };
    });
  }
  const xfr = section(raw, 'transfer', file);
  known(xfr, ['allow', 'tsig-key'], file, 'transfer.');
  if (xfr.allow !== undefined) c.transfer.allow = list(xfr.allow, at('transfer.allow')).map((v, i) => str(v, at(`transfer.allow[${i}]`)));
  if (xfr['tsig-key'] !== undefined) c.transfer.tsigKey = str(xfr['tsig-key'], at('transfer.tsig-key'));
  if (raw.keys !== undefined) c.keys = list(raw.keys, at('keys')).map((v, i) => tsigKey(v, file, `keys[${i}]`));
  if (c.transfer.tsigKey !== null && !c.keys.some((k) => k.name === c.transfer.tsigKey)) {
    throw new ConfigError(`${at('transfer.tsig-key')}: no key named "${c.transfer.tsigKey}" in keys`);
  }
  const rrl = section(raw, 'rrl', file);
  known(rrl, ['enabled', 'rate', 'slip', 'ipv4-prefix', 'ipv6-prefix', 'exempt'], file, 'rrl.');
  if (rrl.enabled !== undefined) c.rrl.enabled = bool(rrl.enabled, at('rrl.enabled'));
  if (rrl.rate !== undefined) c.rrl.rate = int(rrl.rate, at('rrl.rate'), 1, 1e7);
  if (rrl.slip !== undefined) c.rrl.slip = int(rrl.slip, at('rrl.slip'), 0, 100);
  if (rrl['ipv4-prefix'] !== undefined) c.rrl.ipv4Prefix = int(rrl['ipv4-prefix'], at('rrl.ipv4-prefix'), 8, 32, 8);
  if (rrl['ipv6-prefix'] !== undefined) c.rrl.ipv6Prefix = int(rrl['ipv6-prefix'], at('rrl.ipv6-prefix'), 8, 128, 8);
  if (rrl.exempt !== undefined) c.rrl.exempt = list(rrl.exempt, at('rrl.exempt')).map((v, i) => str(v, at(`rrl.exempt[${i}]`)));
  const tcp = section(raw, 'tcp', file);
  known(tcp, ['idle-timeout', 'max-connections', 'max-connections-per-client'], file, 'tcp.');
  if (tcp['idle-timeout'] !== undefined) c.tcp.idleTimeoutMs = parseDuration(tcp['idle-timeout'], at('tcp.idle-timeout'));
  if (tcp['max-connections'] !== undefined) c.tcp.maxConnections = int(tcp['max-connections'], at('tcp.max-connections'), 1, 1e6);
  if (tcp['max-connections-per-client'] !== undefined) {
    c.tcp.maxConnectionsPerClient = int(tcp['max-connections-per-client'], at('tcp.max-connections-per-client'), 1, 1e6);
  }
  const udp = section(raw, 'udp', file);
  known(udp, ['max-size', 'io'], file, 'udp.');
  if (udp['max-size'] !== undefined) c.udp.maxSize = int(udp['max-size'], at('udp.max-size'), 512, 4096);
  if (udp.io !== undefined) c.udp.io = oneOf(udp.io, ['auto', 'native', 'dgram'] as const, at('udp.io'));
  const geo = section(raw, 'geo', file);
  known(geo, ['databases', 'reload-interval', 'overrides', 'lua-records', 'lua-exec-limit', 'cache-size'], file, 'geo.');
  if (geo.databases !== undefined) {
    c.geo.databases = list(geo.databases, at('geo.databases')).map((v, i) => resolve(base, str(v, at(`geo.databases[${i}]`))));
  }
  if (geo['reload-interval'] !== undefined) c.geo.reloadIntervalMs = parseDuration(geo['reload-interval'], at('geo.reload-interval'));
  if (geo.overrides !== undefined) {
    c.geo.overrides = list(geo.overrides, at('geo.overrides')).map((v, i) => geoOverride(v, file, `geo.overrides[${i}]`));
  }
  if (geo['lua-records'] !== undefined) c.geo.luaRecords = bool(geo['lua-records'], at('geo.lua-records'));
  if (geo['lua-exec-limit'] !== undefined) c.geo.luaExecLimit = int(geo['lua-exec-limit'], at('geo.lua-exec-limit'), 0, 1e9);
  if (geo['cache-size'] !== undefined) c.geo.cacheSize = int(geo['cache-size'], at('geo.cache-size'), 0, 1e8);
  const alias = section(raw, 'alias', file);
  known(alias, ['enabled', 'resolvers', 'failure', 'max-stale', 'timeout', 'axfr'], file, 'alias.');
  if (Object.keys(alias).length > 0) c.alias.enabled = true;
  if (alias.enabled !== undefined) c.alias.enabled = bool(alias.enabled, at('alias.enabled'));
  if (alias.resolvers !== undefined) c.alias.resolvers = list(alias.resolvers, at('alias.resolvers')).map((v, i) => str(v, at(`alias.resolvers[${i}]`)));
  if (alias.failure !== undefined) c.alias.failure = oneOf(alias.failure, ['servfail', 'stale'] as const, at('alias.failure'));
  if (alias['max-stale'] !== undefined) c.alias.maxStaleMs = parseDuration(alias['max-stale'], at('alias.max-stale'));
  if (alias.timeout !== undefined) c.alias.timeoutMs = parseDuration(alias.timeout, at('alias.timeout'));
  if (alias.axfr !== undefined) c.alias.axfr = oneOf(alias.axfr, ['alias', 'addresses'] as const, at('alias.axfr'));
  const storeSection = section(raw, 'store', file);
  known(storeSection, ['data', 'db'], file, 'store.');
  if (storeSection.data !== undefined) c.store.data = resolve(base, str(storeSection.data, at('store.data')));
  if (storeSection.db !== undefined) c.store.db = str(storeSection.db, at('store.db'));
  if (c.store.data !== null && c.store.db !== null) throw new ConfigError(`${at('store')}: give data (SQLite) or db (URL), not both`);
  const dnssec = section(raw, 'dnssec', file);
  known(dnssec, ['keys', 'secret-file', 'validity', 'refresh', 'zsk-lifetime', 'ksk-lifetime', 'propagation-delay', 'cds'], file, 'dnssec.');
  if (dnssec.cds !== undefined) c.dnssec.cds = oneOf(dnssec.cds, ['rollover', 'always'] as const, at('dnssec.cds'));
  if (dnssec.keys !== undefined) c.dnssec.keys = resolve(base, str(dnssec.keys, at('dnssec.keys')));
  if (dnssec['secret-file'] !== undefined) c.dnssec.secretFile = resolve(base, str(dnssec['secret-file'], at('dnssec.secret-file')));
  if (dnssec.validity !== undefined) c.dnssec.validityMs = parseDuration(dnssec.validity, at('dnssec.validity'));
  if (dnssec.refresh !== undefined) c.dnssec.refreshMs = parseDuration(dnssec.refresh, at('dnssec.refresh'));
  if (dnssec['zsk-lifetime'] !== undefined) c.dnssec.zskLifetimeMs = parseDuration(dnssec['zsk-lifetime'], at('dnssec.zsk-lifetime'));
  if (dnssec['ksk-lifetime'] !== undefined) c.dnssec.kskLifetimeMs = parseDuration(dnssec['ksk-lifetime'], at('dnssec.ksk-lifetime'));
  if (dnssec['propagation-delay'] !== undefined) c.dnssec.propagationDelayMs = parseDuration(dnssec['propagation-delay'], at('dnssec.propagation-delay'));
  if (c.dnssec.refreshMs !== null && c.dnssec.refreshMs >= c.dnssec.validityMs) throw new ConfigError(`${at('dnssec.refresh')}: must be shorter than dnssec.validity`);
  if (raw['pid-file'] !== undefined) c.pidFile = resolve(base, str(raw['pid-file'], at('pid-file')));
  const log = section(raw, 'log', file);
  known(log, ['level'], file, 'log.');
  if (log.level !== undefined) c.log.level = oneOf(log.level, ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, at('log.level'));
  return c;
}

function tsigKey(v: unknown, file: string, k: string): TsigKeyConfig {
  if (!isObj(v)) throw new ConfigError(`${file}: ${k}: expected { name, algorithm, secret }`);
  known(v, ['name', 'algorithm', 'secret'], file, `${k}.`);
  const secret = str(v.secret, `${file}: ${k}.secret`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw new ConfigError(`${file}: ${k}.secret: not base64`);
  return {
    name: str(v.name, `${file}: ${k}.name`),
    algorithm: oneOf(v.algorithm ?? 'hmac-sha256', ['hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const, `${file}: ${k}.algorithm`),
    secret,
  };
}

function geoOverride(v: unknown, file: string, k: string): GeoOverrideConfig {
  if (!isObj(v)) throw new ConfigError(`${file}: ${k}: expected { network, country?, lat?, lon?, ... }`);
  known(v, ['network', 'country', 'continent', 'region', 'city', 'lat', 'lon', 'asn'], file, `${k}.`);
  const o: GeoOverrideConfig = { network: str(v.network, `${file}: ${k}.network`) };
  for (const f of ['country', 'continent', 'region', 'city'] as const) if (v[f] !== undefined) o[f] = str(v[f], `${file}: ${k}.${f}`);
  for (const f of ['lat', 'lon'] as const) {
    if (v[f] === undefined) continue;
    if (typeof v[f] !== 'number' || Math.abs(v[f]) > (f === 'lat' ? 90 : 180)) throw new ConfigError(`${file}: ${k}.${f}: expected degrees`);
    o[f] = v[f];
  }
  if (v.asn !== undefined) o.asn = int(v.asn, `${file}: ${k}.asn`, 0, 4294967295);
  return o;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function section(raw: Obj, key: string, file: string): Obj {
  const v = raw[key];
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new ConfigError(`${file}: ${key}: expected a section of settings`);
  return v;
}

function known(obj: Obj, keys: readonly string[], file: string, prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!keys.includes(k)) {
      throw new ConfigError(`${file}: unknown setting "${prefix}${k}" (known here: ${keys.map((x) => prefix + x).join(', ')})`);
    }
  }
}

function list(v: unknown, where: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  throw new ConfigError(`${where}: expected a list`);
}

function str(v: unknown, where: string): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new ConfigError(`${where}: expected text`);
}

function bool(v: unknown, where: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new ConfigError(`${where}: expected true or false`);
}

function int(v: unknown, where: string, min: number, max: number, step = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max || v % step !== 0) {
    throw new ConfigError(`${where}: expected a whole number from ${min} to ${max}${step > 1 ? ` in steps of ${step}` : ''}`);
  }
  return v;
}

function oneOf<T extends string>(v: unknown, values: readonly T[], where: string): T {
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw new ConfigError(`${where}: expected one of ${values.join(', ')}`);
}

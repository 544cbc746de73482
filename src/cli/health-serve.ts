import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { Gauge, Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { ConfigError, parseDuration } from '../config/index.js';
import { HealthPlane } from '../health/index.js';
import type { HeartbeatEndpoint, Override, RemoteState, Timing } from '../health/index.js';

/** The `health:` section (docs/health.md) and the --health-* flags. */
export interface HealthSettings {
  /** Defaults for checks that do not set their own (PowerDNS: lua-health-checks-interval 5 s, timeout 2 s). */
  defaults: Partial<Timing>;
  heartbeats: HeartbeatEndpoint[];
  /** Take states from a primary nameserver's API instead of probing (agreement); null: probe here. */
  follow: { url: string; apiKey: string | null; intervalMs: number; timeoutMs: number } | null;
  /** Checks registered by queries stop after this long unasked (lua-health-checks-expire-delay). */
  expireMs: number;
  /** Drains and force-ups are kept here across restarts; null: in memory only. */
  overridesFile: string | null;
}

export const DEFAULT_HEALTH: HealthSettings = { defaults: {}, heartbeats: [], follow: null, expireMs: 3_600_000, overridesFile: null };

export interface HealthFlags {
  healthFollow?: string;
  healthFollowKeyFile?: string;
}

export function addHealthOptions(cmd: Command): Command {
  return cmd
    .option('--health-follow <url>', "take health states from this primary's API (http://ns1:8081) instead of probing here")
    .option('--health-follow-key-file <file>', "file holding an API key for the primary's health states");
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `health:` of the config file (relative paths from `base`) and the flags. ConfigError names the key. */
export function healthSettings(raw: unknown, flags: HealthFlags = {}, file = 'config', base = process.cwd()): HealthSettings {
  const s: HealthSettings = { ...DEFAULT_HEALTH, defaults: {}, heartbeats: [], follow: null };
  const at = (k: string): string => `${file}: health.${k}`;
  const h = raw === undefined || raw === null ? {} : raw;
  if (!isObj(h)) throw new ConfigError(`${file}: health: expected a section of settings`);
  const keys = ['interval', 'timeout', 'rise', 'fall', 'heartbeats', 'follow', 'expire', 'overrides-file'];
  for (const k of Object.keys(h)) if (!keys.includes(k)) throw new ConfigError(`${file}: unknown setting "health.${k}" (known here: ${keys.map((x) => `health.${x}`).join(', ')})`);
  const count = (v: unknown, k: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) throw new ConfigError(`${at(k)}: expected a whole number from 1 to 100`);
    return v;
  };
  if (h.interval !== undefined) s.defaults.intervalMs = parseDuration(h.interval, at('interval'));
  if (h.timeout !== undefined) s.defaults.timeoutMs = parseDuration(h.timeout, at('timeout'));
  if (h.rise !== undefined) s.defaults.rise = count(h.rise, 'rise');
  if (h.fall !== undefined) s.defaults.fall = count(h.fall, 'fall');
  if (h.expire !== undefined) s.expireMs = parseDuration(h.expire, at('expire'));
  if (h['overrides-file'] !== undefined) {
    if (typeof h['overrides-file'] !== 'string' || h['overrides-file'] === '') throw new ConfigError(`${at('overrides-file')}: expected a file path`);
    s.overridesFile = resolve(base, h['overrides-file']);
  }
  const secret = (v: Obj, k: string): string => {
    if (typeof v.token === 'string' && v.token.length >= 16) return v.token;
    if (v.token !== undefined) throw new ConfigError(`${at(k)}.token: expected at least 16 characters (it is the only secret of a heartbeat)`);
    if (typeof v['token-file'] === 'string') {
      const path = resolve(base, v['token-file']);
      let t: string;
      try { t = readFileSync(path, 'utf8').trim(); } catch (err) { throw new ConfigError(`${at(k)}.token-file: cannot read ${path}: ${(err as Error).message}`); }
      if (t.length < 16) throw new ConfigError(`${at(k)}.token-file: ${path} holds fewer than 16 characters`);
      return t;
    }
    throw new ConfigError(`${at(k)}: give token or token-file`);
  };
  if (h.heartbeats !== undefined) {
    if (!Array.isArray(h.heartbeats)) throw new ConfigError(`${at('heartbeats')}: expected a list of { endpoint, token | token-file, expire }`);
    s.heartbeats = h.heartbeats.map((v: unknown, i) => {
      const k = `heartbeats[${i}]`;
      if (!isObj(v)) throw new ConfigError(`${at(k)}: expected { endpoint, token | token-file, expire }`);
      for (const key of Object.keys(v)) if (!['endpoint', 'token', 'token-file', 'expire'].includes(key)) throw new ConfigError(`${file}: unknown setting "health.${k}.${key}"`);
      if (typeof v.endpoint !== 'string' || v.endpoint === '') throw new ConfigError(`${at(k)}.endpoint: expected the endpoint name`);
      return { name: v.endpoint, token: secret(v, k), expireMs: v.expire === undefined ? 60_000 : parseDuration(v.expire, at(`${k}.expire`)) };
    });
  }
  let follow: Obj | null = null;
  if (h.follow !== undefined) {
    if (!isObj(h.follow)) throw new ConfigError(`${at('follow')}: expected { primary, api-key-file, interval }`);
    follow = h.follow;
    for (const key of Object.keys(follow)) if (!['primary', 'api-key', 'api-key-file', 'interval', 'timeout'].includes(key)) throw new ConfigError(`${file}: unknown setting "health.follow.${key}"`);
  }
  const url = flags.healthFollow ?? (follow?.primary as string | undefined);
  if (url !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new ConfigError(`${at('follow.primary')}: expected the primary's API URL (http://ns1.example.net:8081), not "${url}"`);
    let apiKey: string | null = typeof follow?.['api-key'] === 'string' ? follow['api-key'] : null;
    const keyFile = flags.healthFollowKeyFile ?? (typeof follow?.['api-key-file'] === 'string' ? resolve(base, follow['api-key-file']) : undefined);
    if (keyFile !== undefined) {
      try { apiKey = readFileSync(keyFile, 'utf8').trim(); } catch (err) { throw new ConfigError(`${at('follow.api-key-file')}: cannot read ${keyFile}: ${(err as Error).message}`); }
    }
    s.follow = {
      url: url.replace(/\/+$/, ''), apiKey,
      intervalMs: follow?.interval === undefined ? 2000 : parseDuration(follow.interval, at('follow.interval')),
      timeoutMs: follow?.timeout === undefined ? 2000 : parseDuration(follow.timeout, at('follow.timeout')),
    };
  }
  return s;
}

/** The states of another nameserver's health plane (GET /api/v1/servers/localhost/health/states). */
export async function fetchStates(url: string, apiKey: string | null, timeoutMs: number): Promise<RemoteState[]> {
  const res = await fetch(`${url}/api/v1/servers/localhost/health/states`, {
    headers: apiKey === null ? {} : { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const body = await res.json() as unknown;
  if (!Array.isArray(body)) throw new Error(`${url}: the health states are not a list`);
  return body as RemoteState[];
}

/**
 * Starts the health plane for `geodesic serve`: heartbeats, the primary to follow, and a log line for
 * every change of state (`health-change`, warn when something goes down).
 */
export function startHealth(s: HealthSettings, log: Logger): HealthPlane {
  const file = s.overridesFile;
  const plane = new HealthPlane({
    defaults: s.defaults, heartbeats: s.heartbeats, expireMs: s.expireMs,
    overrides: file === null ? [] : readOverrides(file, log),
    onOverrides: file === null ? undefined : (list) => {
      try {
        writeFileSync(`${file}.tmp`, `${JSON.stringify(list, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
      } catch (err) {
        log.error({ event: 'health-overrides-not-saved', file, err }, `drains and force-ups not saved to ${file}: ${(err as Error).message}`);
      }
    },
  });
  plane.subscribe((c) => {
    const line = { event: 'health-change', check: c.check, names: c.names, from: c.from, to: c.to, state: c.state, override: c.override, reason: c.reason };
    const text = `${c.check || c.names.join(', ')}: ${c.from} → ${c.to} (${c.reason})`;
    if (c.to === 'down') log.warn(line, text); else log.info(line, text);
  });
  const f = s.follow;
  if (f !== null) {
    let failing = 0;
    plane.follow(async () => {
      const states = await fetchStates(f.url, f.apiKey, f.timeoutMs);
      if (failing >= 3) log.info({ event: 'health-follow-restored', primary: f.url }, `health states from ${f.url} again`);
      failing = 0;
      return states;
    }, f.intervalMs, (err) => {
      failing++;
      if (failing === 1 || failing === 3) {
        log.warn({ event: 'health-follow-failed', primary: f.url, failures: failing },
          `health states from ${f.url} failed: ${err.message}${failing === 3 ? ' (probing here until it answers again)' : ''}`);
      }
    });
    log.info({ event: 'health-follow', primary: f.url }, `health states taken from ${f.url}`);
  }
  return plane;
}

/** Overrides kept by a previous run (a missing file is an empty list; a broken one is logged and ignored). */
function readOverrides(file: string, log: Logger): Array<{ name: string; override: Override }> {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { return []; }
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) throw new Error('not a list');
    const out = list.filter((o): o is { name: string; override: Override } => typeof o?.name === 'string' && (o.override === 'drain' || o.override === 'force-up'));
    if (out.length > 0) log.info({ event: 'health-overrides-loaded', file, overrides: out }, `${out.length} drain/force-up override(s) from ${file}`);
    return out;
  } catch (err) {
    log.error({ event: 'health-overrides-broken', file }, `${file} is not a list of overrides (${(err as Error).message}); starting without`);
    return [];
  }
}

/** Prometheus series of the health plane (registered into the server's metrics registry). */
export function registerHealthMetrics(r: Registry, plane: HealthPlane): void {
  const value = { up: 1, down: 0, unknown: -1 } as const;
  new Gauge({
    name: 'geodesic_health_target_up', help: 'Effective state of each health check target: 1 up, 0 down, -1 not checked yet',
    labelNames: ['check', 'names', 'override'] as const, registers: [r],
    collect() {
      this.reset();
      for (const t of plane.list()) this.set({ check: t.check, names: t.names.join(','), override: t.override ?? '' }, value[t.effective]);
    },
  });
  new Counter({
    name: 'geodesic_health_checks_total', help: 'Health checks run, by result', labelNames: ['result'] as const, registers: [r],
    collect() {
      this.reset();
      let checks = 0;
      let failures = 0;
      for (const t of plane.list()) { checks += t.checks; failures += t.failures; }
      this.inc({ result: 'ok' }, checks - failures);
      this.inc({ result: 'failed' }, failures);
    },
  });
  new Gauge({
    name: 'geodesic_health_check_seconds', help: 'Duration of the last check of each target',
    labelNames: ['check'] as const, registers: [r],
    collect() {
      this.reset();
      for (const t of plane.list()) if (t.lastMs !== null) this.set({ check: t.check }, t.lastMs / 1000);
    },
  });
}

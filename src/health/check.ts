import { isIP } from 'node:net';
import { HealthError } from './errors.js';

/** How a target is probed. Addresses are IP literals; a URL's host names the site (Host, SNI). */
export type CheckSpec =
  | { kind: 'tcp'; address: string; port: number; source?: string }
  | {
    kind: 'http';
    /** Connect here instead of resolving the URL's host (PowerDNS ifurlup); null: resolve (ifurlextup). */
    address: string | null;
    url: string;
    /** Expected status (PowerDNS httpcode, default 200). */
    status?: number;
    /** The body must contain this (PowerDNS stringmatch). */
    match?: string;
    userAgent?: string;
    headers?: Record<string, string>;
    /** Stop reading the body after this many bytes (0: no limit; PowerDNS byteslimit). */
    bytesLimit?: number;
    /** Verify the server's certificate (PowerDNS does not). Default false. */
    verify?: boolean;
    source?: string;
  }
  | { kind: 'tls'; address: string; port: number; serverName?: string; verify?: boolean; source?: string }
  /** Pushed: `POST /api/v1/heartbeat/{token}`; down when none came for `expireMs`. */
  | { kind: 'heartbeat'; name: string };

/** When and how often (PowerDNS: interval, timeout, minimumFailures). */
export interface Timing {
  intervalMs: number;
  timeoutMs: number;
  /** Successes in a row that bring a down target up. */
  rise: number;
  /** Failures in a row that take an up target down. */
  fall: number;
}

export const DEFAULT_TIMING: Timing = { intervalMs: 5000, timeoutMs: 2000, rise: 1, fall: 1 };

export interface TargetSpec {
  check: CheckSpec;
  timing?: Partial<Timing>;
}

/** Everything defaulted; the identity of a target is its key (one check however many records use it). */
export interface NormalTarget {
  check: CheckSpec;
  timing: Timing;
  key: string;
}

export const PDNS_USER_AGENT = 'PowerDNS Authoritative Server';

/** Fills defaults and checks the spec; throws HealthError naming what is wrong. */
export function normalizeTarget(spec: TargetSpec, defaults: Timing = DEFAULT_TIMING): NormalTarget {
  const timing: Timing = { ...defaults, ...definedOnly(spec.timing ?? {}) };
  for (const k of ['intervalMs', 'timeoutMs', 'rise', 'fall'] as const) {
    const v = timing[k];
    if (!Number.isFinite(v) || v < (k === 'intervalMs' || k === 'timeoutMs' ? 10 : 1)) {
      throw new HealthError('GDNS_ERR_HEALTH_SPEC', `health check ${k} must be a number of at least ${k.endsWith('Ms') ? '10 ms' : 1}, not ${String(v)}`);
    }
  }
  const c = spec.check;
  const addr = (a: string | null | undefined, what: string): void => {
    if (a !== null && a !== undefined && isIP(a) === 0) throw new HealthError('GDNS_ERR_HEALTH_SPEC', `${what} "${a}" is not an IP address`);
  };
  switch (c.kind) {
    case 'tcp':
    case 'tls':
      addr(c.address, 'health check address');
      if (c.address === undefined) throw new HealthError('GDNS_ERR_HEALTH_SPEC', `a ${c.kind} health check needs an address`);
      if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) {
        throw new HealthError('GDNS_ERR_HEALTH_SPEC', `health check port must be 1-65535, not ${String(c.port)}`);
      }
      addr(c.source, 'health check source');
      break;
    case 'http': {
      addr(c.address, 'health check address');
      addr(c.source, 'health check source');
      let u: URL;
      try { u = new URL(c.url); } catch { throw new HealthError('GDNS_ERR_HEALTH_SPEC', `health check URL "${c.url}" is not a URL`); }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        throw new HealthError('GDNS_ERR_HEALTH_SPEC', `health check URL "${c.url}" must start with http:// or https://`);
      }
      break;
    }
    case 'heartbeat':
      if (typeof c.name !== 'string' || c.name === '') throw new HealthError('GDNS_ERR_HEALTH_SPEC', 'a heartbeat check needs the endpoint name');
      break;
    default:
      throw new HealthError('GDNS_ERR_HEALTH_SPEC', `unknown health check kind "${(c as { kind: string }).kind}" (tcp, http, tls, heartbeat)`);
  }
  const check = canonical(c);
  const key = c.kind === 'heartbeat' ? `heartbeat ${c.name}` : `${describeCheck(check)} ${JSON.stringify({ c: check, t: timing })}`;
  return { check, timing, key };
}

/** A one-line description for people: `tcp 192.0.2.1:443`, `http 192.0.2.1 https://x/health`. */
export function describeCheck(c: CheckSpec): string {
  const hp = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  switch (c.kind) {
    case 'tcp': return `tcp ${hp(c.address, c.port)}`;
    case 'tls': return `tls ${hp(c.address, c.port)}${c.serverName !== undefined ? ` ${c.serverName}` : ''}`;
    case 'http': return `http ${c.address === null ? '' : `${c.address} `}${c.url}`;
    case 'heartbeat': return `heartbeat ${c.name}`;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Same check, same key: keys sorted, undefined dropped. */
function canonical(c: CheckSpec): CheckSpec {
  const sortObj = (o: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      const v = o[k];
      if (v === undefined) continue;
      out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? sortObj(v as Record<string, unknown>) : v;
    }
    return out;
  };
  return sortObj(c as unknown as Record<string, unknown>) as unknown as CheckSpec;
}

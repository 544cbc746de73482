import type { HealthPlane, TargetSpec } from '../health/index.js';
import type { LuaCheck, LuaHost } from './lua-host.js';
import { atoi } from './lua-args.js';

export type { LuaCheck };

/**
 * The health plane's check for a LUA health function call: ifportup → TCP connect to address:port;
 * ifurlup / pickselfweighted → HTTP(S) GET of the URL at the address; ifurlextup (address '') → GET of the
 * URL as it resolves. PowerDNS options: timeout and interval (seconds), minimumFailures (fall),
 * stringmatch, useragent, byteslimit, httpcode, headers, source.
 */
export function luaCheckSpec(address: string, c: LuaCheck): TargetSpec {
  const o = c.options;
  const seconds = (k: string): number | undefined => {
    const v = o.get(k);
    if (v === undefined) return undefined;
    const n = atoi(v);
    return n > 0 ? n * 1000 : undefined;
  };
  // Unset options take the health plane's defaults (those of PowerDNS unless configured: 5 s, 2 s, 1).
  const fall = atoi(o.get('minimumFailures') ?? '0');
  const timing = { timeoutMs: seconds('timeout'), intervalMs: seconds('interval'), fall: fall > 0 ? fall : undefined };
  const source = o.get('source');
  if (c.url === undefined) {
    return { check: { kind: 'tcp', address, port: c.port ?? 0, source }, timing };
  }
  const status = o.has('httpcode') ? atoi(o.get('httpcode')!) : undefined;
  const bytes = o.has('byteslimit') ? atoi(o.get('byteslimit')!) : undefined;
  return {
    check: {
      kind: 'http', address: address === '' ? null : address, url: c.url, status, match: o.get('stringmatch'),
      userAgent: o.get('useragent'), headers: c.headers !== undefined && Object.keys(c.headers).length > 0 ? c.headers : undefined,
      bytesLimit: bytes !== undefined && bytes > 0 ? bytes : undefined, source,
    },
    timing,
  };
}

/**
 * The health functions of a LuaHost answered by a health plane: LUA calls become its checks (a drain or
 * force-up of the address handed out wins; a check that cannot run counts as down, as PowerDNS's failing
 * check), declarative endpoints ask it by spec and names.
 */
export function planeHealth(plane: HealthPlane, log: (message: string) => void = () => {}): Required<Pick<LuaHost, 'isUp' | 'health'>> {
  return {
    isUp: (address, check, answer) => {
      const o = plane.override(answer);
      if (o !== null) return o === 'drain' ? 0 : 1;
      try {
        return plane.status(luaCheckSpec(address, check));
      } catch (err) {
        log(`health check of ${address === '' ? answer : address} cannot run: ${(err as Error).message}`);
        return 0;
      }
    },
    health: (spec, names) => {
      if (spec !== null) return plane.status(spec, names);
      return names.some((n) => plane.override(n) === 'drain') ? 0 : 1;
    },
  };
}

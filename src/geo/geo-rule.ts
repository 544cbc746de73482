import { isIP } from 'node:net';
import type { TargetSpec } from '../health/index.js';
import { addressToText, addressFromText } from './address.js';
import { GeoError } from './errors.js';

/** How an endpoint is watched (docs/geo.md "Declarative geo records"). */
export type EndpointCheck =
  | { type: 'tcp'; port: number }
  | { type: 'http'; url: string; status?: number; match?: string; headers?: Record<string, string>; verify?: boolean }
  | { type: 'tls'; port: number; sni?: string; verify?: boolean }
  | { type: 'heartbeat' }
  | { type: 'none' };

export interface GeoEndpoint {
  /** Unique in the record; what `geodesic endpoint drain NAME` names. */
  name: string;
  address: string;
  /** closest: where it is (default: its address's GeoIP location). */
  lat?: number;
  lon?: number;
  /** closest: kilometres taken off its distance (negative: put farther away). */
  bias?: number;
  /** weighted: share of answers (default 1). */
  weight?: number;
  /** failover: lower is preferred (default 0). */
  priority?: number;
  check?: EndpointCheck;
  /** Seconds between checks, seconds per check, rise and fall counts. */
  interval?: number;
  timeout?: number;
  rise?: number;
  fall?: number;
}

/** A declarative geo record (JSON; kept inside the LUA record it compiles to). */
export interface GeoRule {
  rule: 'closest' | 'map' | 'weighted' | 'failover';
  endpoints: GeoEndpoint[];
  /** map: ISO country code → endpoint names; continent code → names; the rest → default (all). */
  countries?: Record<string, string[]>;
  continents?: Record<string, string[]>;
  default?: string[];
  /** map and failover: answer all chosen endpoints that are up (default), one at random, or one by client hash. */
  pick?: 'all' | 'random' | 'hashed';
  /** No endpoint up: answer all of them (default) or none. */
  whenAllDown?: 'all' | 'empty';
}

export const RULE_MARK = ';--[==[geodesic-geo ';
const RULE_END = ']==]';

const fail = (m: string): never => { throw new GeoError('GDNS_ERR_GEO_RULE', m); };

/** Checks a rule as given through the API or a file; throws GeoError naming the first problem. */
export function validateRule(input: unknown): GeoRule {
  const r = input as GeoRule;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('a geo rule is a JSON object');
  const known = ['rule', 'endpoints', 'countries', 'continents', 'default', 'pick', 'whenAllDown'];
  for (const k of Object.keys(r)) if (!known.includes(k)) fail(`unknown field "${k}" (fields: ${known.join(', ')})`);
  if (!['closest', 'map', 'weighted', 'failover'].includes(r.rule)) fail(`"rule" must be closest, map, weighted or failover, not ${JSON.stringify(r.rule)}`);
  if (!Array.isArray(r.endpoints) || r.endpoints.length === 0) fail('"endpoints" must list at least one endpoint');
  const names = new Set<string>();
  let family = 0;
  r.endpoints.forEach((e, i) => {
    const at = `endpoints[${i}]`;
    if (typeof e !== 'object' || e === null) fail(`${at} must be an object`);
    const ek = ['name', 'address', 'lat', 'lon', 'bias', 'weight', 'priority', 'check', 'interval', 'timeout', 'rise', 'fall'];
    for (const k of Object.keys(e)) if (!ek.includes(k)) fail(`${at}: unknown field "${k}" (fields: ${ek.join(', ')})`);
    if (typeof e.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(e.name)) fail(`${at}.name must be letters, digits, "-", "_" or "." (up to 63), not ${JSON.stringify(e.name)}`);
    if (names.has(e.name)) fail(`${at}.name "${e.name}" is used twice`);
    names.add(e.name);
    const fam = typeof e.address === 'string' ? isIP(e.address) : 0;
    if (fam === 0) fail(`${at}.address must be an IPv4 or IPv6 address, not ${JSON.stringify(e.address)}`);
    if (family !== 0 && fam !== family) fail(`${at}.address: all endpoints of a record are IPv4 (A) or all IPv6 (AAAA)`);
    family = fam;
    const num = (k: keyof GeoEndpoint, min: number, max: number, int = false): void => {
      const v = e[k];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
        fail(`${at}.${k} must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(v)}`);
      }
    };
    num('lat', -90, 90); num('lon', -180, 180); num('bias', -20_000, 20_000); num('weight', 0, 1_000_000, true);
    num('priority', 0, 1_000_000, true); num('interval', 1, 86_400, true); num('timeout', 1, 600, true);
    num('rise', 1, 100, true); num('fall', 1, 100, true);
    if ((e.lat === undefined) !== (e.lon === undefined)) fail(`${at}: give both lat and lon, or neither`);
    const c = e.check;
    if (c !== undefined) {
      if (typeof c !== 'object' || c === null) fail(`${at}.check must be an object`);
      const port = (): void => { if (!Number.isInteger((c as { port: number }).port) || (c as { port: number }).port < 1 || (c as { port: number }).port > 65535) fail(`${at}.check.port must be 1-65535`); };
      if (c.type === 'tcp') port();
      else if (c.type === 'tls') { port(); if (c.sni !== undefined && typeof c.sni !== 'string') fail(`${at}.check.sni must be a host name`); }
      else if (c.type === 'http') {
        if (typeof c.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(c.url)) fail(`${at}.check.url must be an http:// or https:// URL`);
        if (c.status !== undefined && (!Number.isInteger(c.status) || c.status < 100 || c.status > 599)) fail(`${at}.check.status must be an HTTP status code`);
        if (c.match !== undefined && typeof c.match !== 'string') fail(`${at}.check.match must be a string`);
        if (c.headers !== undefined && (typeof c.headers !== 'object' || Object.values(c.headers).some((v) => typeof v !== 'string'))) fail(`${at}.check.headers must map names to strings`);
      } else if (c.type !== 'heartbeat' && c.type !== 'none') fail(`${at}.check.type must be tcp, http, tls, heartbeat or none`);
      if ((c.type === 'http' || c.type === 'tls') && c.verify !== undefined && typeof c.verify !== 'boolean') fail(`${at}.check.verify must be true or false`);
    }
  });
  const refs = (list: unknown, at: string): void => {
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string' || !names.has(n))) {
      fail(`${at} must list endpoint names of this record (${[...names].join(', ')})`);
    }
  };
  const map = (m: unknown, at: string, code: RegExp, what: string): void => {
    if (m === undefined) return;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(`${at} must map ${what} codes to endpoint names`);
    for (const [k, v] of Object.entries(m as object)) {
      if (!code.test(k)) fail(`${at}: "${k}" is not ${what} code`);
      refs(v, `${at}.${k}`);
    }
  };
  map(r.countries, 'countries', /^[A-Z]{2}$/, 'an ISO 3166 country');
  map(r.continents, 'continents', /^(AF|AN|AS|EU|NA|OC|SA)$/, 'a continent (AF AN AS EU NA OC SA)');
  if (r.default !== undefined) refs(r.default, 'default');
  if (r.rule !== 'map' && (r.countries !== undefined || r.continents !== undefined || r.default !== undefined)) {
    fail('countries, continents and default belong to rule "map"');
  }
  if (r.pick !== undefined && !['all', 'random', 'hashed'].includes(r.pick)) fail('"pick" must be all, random or hashed');
  if (r.whenAllDown !== undefined && !['all', 'empty'].includes(r.whenAllDown)) fail('"whenAllDown" must be all or empty');
  const text = JSON.stringify(r);
  if (text.includes(RULE_END)) fail(`a geo rule cannot contain "${RULE_END}"`);
  return r;
}

/** The health plane's check for an endpoint (null: not checked, always up unless drained). */
export function endpointSpec(e: GeoEndpoint): TargetSpec | null {
  const c = e.check;
  if (c === undefined || c.type === 'none') return null;
  const timing = {
    intervalMs: e.interval === undefined ? undefined : e.interval * 1000,
    timeoutMs: e.timeout === undefined ? undefined : e.timeout * 1000,
    rise: e.rise, fall: e.fall,
  };
  const address = canonical(e.address); // the same check as the compiled Lua's (ifportup prints addresses so)
  switch (c.type) {
    case 'tcp': return { check: { kind: 'tcp', address, port: c.port }, timing };
    case 'tls': return { check: { kind: 'tls', address, port: c.port, serverName: c.sni, verify: c.verify }, timing };
    case 'http': return { check: { kind: 'http', address, url: c.url, status: c.status, match: c.match, headers: c.headers, verify: c.verify }, timing };
    case 'heartbeat': return { check: { kind: 'heartbeat', name: e.name }, timing };
  }
}

const lstr = (s: string): string => `'${s.replace(/[\\'\n\r\0]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\0': '\\0' })[c]!)}'`;
const lnum = (n: number): string => (Number.isInteger(n) ? String(n) : String(n));

/**
 * PowerDNS check options of an endpoint. Its address is listed twice with selector 'all' and
 * backupSelector 'random': up gives two entries, down (or not checked yet) one — a test that means the
 * same on PowerDNS 4.x, which has no 'empty' selector, and on 5.1+, whose backup takes the first group.
 */
function luaOptions(e: GeoEndpoint, extra: string[]): string {
  const o = ["selector='all'", "backupSelector='random'", ...extra];
  if (e.timeout !== undefined) o.push(`timeout=${e.timeout}`);
  if (e.interval !== undefined) o.push(`interval=${e.interval}`);
  if (e.fall !== undefined) o.push(`minimumFailures=${e.fall}`);
  return `{${o.join(', ')}}`;
}

function luaCheck(e: GeoEndpoint): string {
  const c = e.check;
  const a = lstr(canonical(e.address));
  if (c === undefined || c.type === 'none' || c.type === 'heartbeat') return 'nil';
  if (c.type === 'tcp' || c.type === 'tls') return `function() return ifportup(${c.port}, {${a}, ${a}}, ${luaOptions(e, [])}) end`;
  const extra: string[] = [];
  if (c.status !== undefined) extra.push(`httpcode=${c.status}`);
  if (c.match !== undefined) extra.push(`stringmatch=${lstr(c.match)}`);
  if (c.headers !== undefined) {
    extra.push(`headers={${Object.keys(c.headers).sort().map((k) => `[${lstr(k)}]=${lstr(c.headers![k]!)}`).join(', ')}}`);
  }
  return `function() return ifurlup(${lstr(c.url)}, {${a}, ${a}}, ${luaOptions(e, extra)}) end`;
}

function canonical(a: string): string {
  return addressToText(addressFromText(a));
}

/** The rule evaluator in PowerDNS Lua (the same for every record; the endpoints table comes first). */
const LUA_BODY = [
  "local function up(e) return e.c == nil or #e.c() > 1 end",
  "local function ups(l) local o = {} for _, e in ipairs(l) do if up(e) then o[#o + 1] = e end end return o end",
  "local function addrs(l) local o = {} for _, e in ipairs(l) do o[#o + 1] = e.a end return o end",
  "local function named(l) local o = {} for _, n in ipairs(l) do for _, e in ipairs(E) do if e.n == n then o[#o + 1] = e end end end return o end",
  "local function give(l) if #l == 0 then return {} end if R.pick == 'random' then return pickrandom(addrs(l)) elseif R.pick == 'hashed' then return pickhashed(addrs(l)) end return addrs(l) end",
  "local function down() if R.whenAllDown == 'empty' then return {} end return addrs(E) end",
  "if R.rule == 'weighted' then local w = {} for _, e in ipairs(ups(E)) do if e.w > 0 then w[#w + 1] = {e.w, e.a} end end if #w == 0 then return down() end return pickwrandom(w) end",
  "if R.rule == 'failover' then local best = nil for _, e in ipairs(ups(E)) do if best == nil or e.p < best then best = e.p end end if best == nil then return down() end local o = {} for _, e in ipairs(ups(E)) do if e.p == best then o[#o + 1] = e end end return give(o) end",
  "if R.rule == 'map' then local cc, ct = countryCode():upper(), continentCode():upper() local tries = {} if R.countries[cc] then tries[#tries + 1] = R.countries[cc] end if R.continents[ct] then tries[#tries + 1] = R.continents[ct] end tries[#tries + 1] = R.default or {} for _, l in ipairs(tries) do local u = ups(#l > 0 and named(l) or E) if #u > 0 then return give(u) end end return down() end",
  "local u = ups(E) if #u == 0 then return down() end",
  "local lat, lon = latlon():match('(%S+) (%S+)') lat, lon = tonumber(lat), tonumber(lon)",
  "if lat == 0 and lon == 0 then return addrs(u) end",
  "local function km(a1, o1, a2, o2) local r = math.pi / 180 local x = math.sin((a2 - a1) * r / 2) ^ 2 + math.cos(a1 * r) * math.cos(a2 * r) * math.sin((o2 - o1) * r / 2) ^ 2 return 12742 * math.asin(math.min(1, math.sqrt(x))) end",
  "local best, bd = nil, nil",
  "for _, e in ipairs(u) do local el, eo = e.lat, e.lon if el == nil then el, eo = geoiplookup(e.a, 7):match('(%S+) (%S+)') el, eo = tonumber(el), tonumber(eo) end if el ~= nil then local d = km(lat, lon, el, eo) - e.b if bd == nil or d < bd then best, bd = e, d end end end",
  "if best == nil then return addrs(u) end return best.a",
].join(' ');

/**
 * The LUA record content (after its type) a rule compiles to: the rule's JSON in a comment (what
 * Geodesic reads), then a PowerDNS Lua script that answers the same, so the record can be exported to
 * PowerDNS or served by it as a secondary. Throws GeoError for a bad rule.
 */
export function compileRule(input: unknown): string {
  const r = validateRule(input);
  const json = JSON.stringify(r);
  const ep = r.endpoints.map((e) => {
    const f = [`n=${lstr(e.name)}`, `a=${lstr(canonical(e.address))}`, `w=${lnum(e.weight ?? 1)}`, `p=${lnum(e.priority ?? 0)}`, `b=${lnum(e.bias ?? 0)}`];
    if (e.lat !== undefined && e.lon !== undefined) f.push(`lat=${lnum(e.lat)}`, `lon=${lnum(e.lon)}`);
    f.push(`c=${luaCheck(e)}`);
    return `{${f.join(', ')}}`;
  });
  const table = (m: Record<string, string[]> | undefined): string =>
    `{${Object.keys(m ?? {}).sort().map((k) => `${k}={${m![k]!.map(lstr).join(', ')}}`).join(', ')}}`;
  const rule = [`rule=${lstr(r.rule)}`, `pick=${lstr(r.pick ?? 'all')}`, `whenAllDown=${lstr(r.whenAllDown ?? 'all')}`,
    `countries=${table(r.countries)}`, `continents=${table(r.continents)}`];
  if (r.default !== undefined) rule.push(`default={${r.default.map(lstr).join(', ')}}`);
  return `${RULE_MARK}${json}${RULE_END} local E = {${ep.join(', ')}} local R = {${rule.join(', ')}} ${LUA_BODY}`;
}

/** The rule of a LUA record's code when it is exactly what compileRule makes of it, else null. */
export function ruleOfCode(code: string): GeoRule | null {
  if (!code.startsWith(RULE_MARK)) return null;
  const end = code.indexOf(RULE_END, RULE_MARK.length);
  if (end < 0) return null;
  try {
    const rule = JSON.parse(code.slice(RULE_MARK.length, end)) as unknown;
    return compileRule(rule) === code ? validateRule(rule) : null;
  } catch {
    return null;
  }
}

/**
 * The type and code of LUA record content in presentation form (`A "code"`, or several quoted strings
 * as printed from the wire, with `\DDD` and `\X` escapes); null when it is not that.
 */
export function luaContentCode(content: string): { type: string; code: string } | null {
  const m = /^\s*([A-Za-z0-9]+)\s+/.exec(content);
  if (m === null) return null;
  let i = m[0].length;
  let code = '';
  let strings = 0;
  while (i < content.length) {
    if (/\s/.test(content[i]!)) { i++; continue; }
    if (content[i] !== '"') return null;
    i++;
    for (;;) {
      if (i >= content.length) return null;
      const c = content[i]!;
      if (c === '"') { i++; break; }
      if (c === '\\') {
        const d = /^\d{3}/.exec(content.slice(i + 1, i + 4));
        if (d !== null) { code += String.fromCharCode(Number(d[0])); i += 4; continue; }
        code += content[i + 1] ?? '';
        i += 2;
        continue;
      }
      code += c;
      i++;
    }
    strings++;
  }
  return strings === 0 ? null : { type: m[1]!.toUpperCase(), code: Buffer.from(code, 'latin1').toString('utf8') };
}

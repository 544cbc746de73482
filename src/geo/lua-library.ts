import { addressFromText, addressToText, networkFromText, networkHas, truncate } from './address.js';
import { GeoError } from './errors.js';
import type { Evaluation } from './evaluation.js';
import type { GeoRecord } from './geo-record.js';
import {
  atoi, canonicalAddress, checkOptions, nonEmpty, options, stringList, unitList, weightedList,
} from './lua-args.js';
import type { LuaCheck, LuaHost } from './lua-host.js';

export type { LuaHost };
import {
  createForward, createForward6, createReverse, createReverse6, magicCandidates, nameText, rawLabels,
} from './lua-names.js';
import {
  addressHash, closestSet, consistentPick, randomSample, unorderedMapOrder, weightedAt, weightSum,
} from './picks.js';
import type { Random } from './picks.js';
import { burtle } from './burtle.js';


export interface LibraryState {
  ev: Evaluation | null;
  host: LuaHost;
  random: Random;
}

type Fn = (...args: unknown[]) => unknown;

const fixed6 = (x: number): string => x.toFixed(6);

/** `{ {w, item}, ... }` in the order PowerDNS walks it (a std::unordered_map<int, ...>). */
function pdnsWeighted(t: unknown): Array<[number, string]> {
  const items = weightedList(t);
  return unorderedMapOrder(items.length).map((i) => items[i]!);
}

/** The JavaScript side of the LUA record library (PowerDNS 4.x names and semantics). */
export function makeLibrary(st: LibraryState): { fns: Record<string, Fn>; helpers: Record<string, Fn> } {
  const ev = (): Evaluation => {
    if (st.ev === null) throw new GeoError('GDNS_ERR_LUA_SCRIPT', 'LUA library called outside an evaluation');
    return st.ev;
  };
  const pickRandom = (items: string[]): string => {
    nonEmpty(items);
    const pick = items[st.random(items.length)]!;
    ev().random({ kind: 'one', items }, pick);
    return pick;
  };
  const position = (r: GeoRecord): [number, number] => [r.lat, r.lon];
  const pickclosest = (ips: string[]): string => {
    const e = ev();
    nonEmpty(ips, 'The IP list cannot be empty');
    const [lat, lon] = position(e.geoRecord());
    const items = ips.map((ip) => {
      const text = canonicalAddress(ip);
      const [clat, clon] = position(e.recordOf(addressFromText(text)));
      return { item: text, lat: clat, lon: clon };
    });
    const ties = closestSet(lat, lon, items);
    return ties.length === 1 ? ties[0]! : pickRandom(ties);
  };
  const hashOfWho = (): number => {
    const e = ev();
    e.readAddress();
    return addressHash(e.bestwho);
  };
  const pickWeightedHashed = (items: Array<[number, string]>): string => {
    nonEmpty(items);
    const sum = weightSum(items);
    if (sum === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', 'The sum of items cannot be zero');
    return weightedAt(items, hashOfWho() % sum);
  };
  const useSelector = (selector: string, candidates: string[]): string[] => {
    if (selector === 'all') return candidates;
    if (selector === 'empty') return [];
    if (selector === 'pickclosest') return [pickclosest(candidates)];
    if (selector === 'hashed') return [nonEmpty(candidates)[hashOfWho() % candidates.length]!];
    if (selector !== 'random') st.host.log(`Lua record called with unknown selector '${selector}'`, 'warning');
    return [pickRandom(candidates)];
  };
  /** > 0 up, 0 down, -1 not checked yet (only with failOnIncompleteCheck=true, as PowerDNS). */
  const isUp = (address: string, check: LuaCheck, answer = address): number => {
    const v = st.host.isUp?.(address, check, answer) ?? 1;
    return v < 0 ? (check.options.get('failOnIncompleteCheck') === 'true' ? -1 : 0) : v;
  };
  /**
   * PowerDNS genericIfUp: the first unit with an available address gives the answer (selector); when
   * none does, SERVFAIL if no check has completed (failOnIncompleteCheck), else backupSelector over the
   * first non-empty unit.
   */
  const ifUp = <T>(units: T[][], opts: Map<string, string>, check: (a: T) => number, what: string,
    addr: (a: T) => string): string[] => {
    let incomplete = true;
    for (const unit of units) {
      const available: string[] = [];
      for (const a of unit) {
        const v = check(a);
        if (v > 0) available.push(addr(a));
        if (v >= 0) incomplete = false;
      }
      if (available.length > 0) return useSelector(opts.get('selector') ?? 'random', available);
    }
    if (incomplete) throw new GeoError('GDNS_ERR_LUA_SCRIPT', `${what} health check has not completed yet`);
    const first = units.find((u) => u.length > 0) ?? [];
    return useSelector(opts.get('backupSelector') ?? 'random', first.map(addr));
  };
  const geoField = (r: GeoRecord, attr: number): string => {
    const v = [r.asn === null ? null : String(r.asn), r.city, r.continent, r.country, r.country, r.asnOrg, r.region,
      r.hasLocation ? `${fixed6(r.lat)} ${fixed6(r.lon)}` : null][attr];
    return v ?? 'unknown';
  };
  const compare = (want: unknown, have: string | null): boolean => {
    const h = (have ?? 'unknown').toLowerCase();
    return stringList(want).some((w) => w.toLowerCase() === h);
  };
  /** PowerDNS's geoip backend hands out codes in lower case ("gb", "eu"). */
  const code = (v: string | null): string => (v === null ? '--' : v.toLowerCase());

  const fns: Record<string, Fn> = {
    pickclosest: (ips) => pickclosest(stringList(ips)),
    pickrandom: (ips) => pickRandom(stringList(ips)),
    pickrandomsample: (n, ips) => {
      const items = nonEmpty(stringList(ips));
      const count = atoi(String(n));
      const pick = randomSample(count, items, st.random);
      ev().random({ kind: 'sample', n: count, items }, pick);
      return pick;
    },
    pickhashed: (ips) => {
      const items = nonEmpty(stringList(ips));
      return items[hashOfWho() % items.length];
    },
    pickwrandom: (ips) => {
      const items = nonEmpty(pdnsWeighted(ips));
      const sum = weightSum(items);
      if (sum === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', 'The sum of items cannot be zero');
      const pick = weightedAt(items, st.random(sum));
      ev().random({ kind: 'weighted', items }, pick);
      return pick;
    },
    pickwhashed: (ips) => pickWeightedHashed(pdnsWeighted(ips)),
    picknamehashed: (ips) => {
      const items = nonEmpty(pdnsWeighted(ips));
      const sum = weightSum(items);
      if (sum === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', 'The sum of items cannot be zero');
      return weightedAt(items, burtle(ev().inputs.qname, 0, true) % sum);
    },
    pickchashed: (ips) => consistentPick(nonEmpty(pdnsWeighted(ips)), hashOfWho()),
    pickselfweighted: (url, ips, opts) => {
      const c = checkOptions(opts);
      const items = stringList(ips).map(canonicalAddress)
        .map((a): [number, string] => [Math.max(0, isUp(a, { url: String(url), ...c })), a]);
      if (items.some(([w]) => w > 0)) return pickWeightedHashed(items);
      const sum = weightSum(items);
      if (sum === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', 'The sum of items cannot be zero');
      return weightedAt(items, st.random(sum));
    },
    all: (ips) => nonEmpty(stringList(ips), 'The IP list cannot be empty'),
    country: (v) => compare(v, ev().geoRecord().country),
    countryCode: () => code(ev().geoRecord().country),
    continent: (v) => compare(v, ev().geoRecord().continent),
    continentCode: () => code(ev().geoRecord().continent),
    region: (v) => compare(v, ev().geoRecord().region),
    regionCode: () => code(ev().geoRecord().region),
    asnum: (v) => {
      const asn = ev().geoRecord().asn;
      return compare(v, asn === null ? null : String(asn));
    },
    netmask: (masks) => stringList(masks).some((m) => ev().inNetwork(networkFromText(m))),
    view: (rules) => {
      for (const rule of Array.isArray(rules) ? rules : Object.values(rules as object)) {
        const [masks, dests] = Array.isArray(rule) ? rule : Object.values(rule as object);
        for (const m of stringList(masks)) {
          const net = networkFromText(m);
          if (ev().inNetwork(net)) {
            const d = stringList(dests);
            if (d.length === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', `The IP list cannot be empty (for netmask ${m})`);
            return pickRandom(d);
          }
        }
      }
      return '';
    },
    latlon: () => {
      const r = ev().geoRecord();
      return `${fixed6(r.lat)} ${fixed6(r.lon)}`;
    },
    latlonloc: () => {
      const r = ev().geoRecord();
      return locText(r.lat, r.lon); // 0 0 -0 S ... when unknown, as PowerDNS
    },
    closestMagic: () => pickclosest(magicCandidates(ev().inputs.qname)),
    latlonMagic: () => {
      const l = rawLabels(ev().inputs.qname);
      if (l.length < 4) return 'unknown';
      const r = ev().recordOf(addressFromText(`${l[3]}.${l[2]}.${l[1]}.${l[0]}`));
      return `${fixed6(r.lat)} ${fixed6(r.lon)}`;
    },
    geoiplookup: (address, attr) => geoField(ev().recordOf(addressFromText(String(address))), Number(attr)),
    createReverse: (format, exceptions) => createReverse(ev().inputs.qname, String(format), options(exceptions)),
    createReverse6: (format, exceptions) => createReverse6(ev().inputs.qname, String(format), options(exceptions)),
    createForward: () => createForward(ev().inputs.qname, ev().inputs.zone),
    createForward6: () => createForward6(ev().inputs.qname, ev().inputs.zone),
    ifportup: (port, ips, opts) => {
      const c = checkOptions(opts);
      const p = Math.min(Math.max(atoi(String(port)), 0), 65535);
      const units = unitList(ips).map((u) => u.map(canonicalAddress));
      return ifUp(units, c.options, (a) => isUp(a, { port: p, ...c }), 'if{url,port}up', (a) => a);
    },
    ifurlup: (url, ips, opts) => {
      const c = checkOptions(opts);
      const units = unitList(ips).map((u) => u.map(canonicalAddress));
      return ifUp(units, c.options, (a) => isUp(a, { url: String(url), ...c }), 'if{url,port}up', (a) => a);
    },
    ifurlextup: (ipurls, opts) => {
      const c = checkOptions(opts);
      const groups = (Array.isArray(ipurls) ? ipurls : Object.values(ipurls as object)).map((u) => options(u));
      // opts_t is a std::map: addresses in string order
      const units = groups.map((g) => [...g].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([ip, url]): [string, string] => [canonicalAddress(ip), url]));
      return ifUp(units, c.options, ([a, url]) => isUp('', { url, ...c }, a), 'ifexturlup', ([a]) => a);
    },
    dblookup: (name, qtype) => st.host.lookup(absolute(String(name)), Number(qtype)),
    pdnslog: (msg, level) => st.host.log(String(msg), level === undefined || level === null ? 'warning' : String(level)),
    pdnsrandom: (max) => {
      ev().reads.uncacheable = true;
      const n = max === undefined || max === null ? 0x100000000 : Number(max);
      return st.random(n);
    },
  };

  const addr = (k: unknown): Uint8Array => {
    const e = ev();
    if (k === 'localwho') {
      e.reads.uncacheable = true;
      return e.inputs.localwho ?? new Uint8Array(4);
    }
    e.readAddress();
    if (k === 'who') return e.inputs.who;
    return e.bestwho;
  };
  const helpers: Record<string, Fn> = {
    fns: () => fns,
    pdnslog: fns.pdnslog!,
    addrText: (k) => (k === 'ecswho' ? ecsText(ev()) : addressToText(addr(k))),
    addrTextPort: (k) => {
      const a = addressToText(addr(k));
      const port = k === 'who' ? ev().inputs.whoPort : 0;
      return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
    },
    addrFamily: (k) => (addr(k).length === 4 ? 4 : 6),
    addrBits: (k) => (k === 'ecswho' ? (ev().readAddress(), ev().inputs.ecs?.sourcePrefix ?? 0) : addr(k).length * 8),
    addrNetwork: (k) => {
      const e = ev();
      e.readAddress();
      const ecs = e.inputs.ecs;
      return k === 'ecswho' && ecs !== null ? addressToText(truncate(ecs.address, ecs.sourcePrefix)) : addressToText(addr(k));
    },
    addrMatch: (k, other) => {
      const a = addr(k);
      const net = networkFromText(String(other));
      return networkHas(net, a);
    },
    nameText: (k) => nameText(k === 'zone' ? ev().inputs.zone : ev().inputs.qname),
    nameLabels: (k) => rawLabels(k === 'zone' ? ev().inputs.zone : ev().inputs.qname),
    nameWireLength: (k) => (k === 'zone' ? ev().inputs.zone : ev().inputs.qname).length,
    namePartOf: (k, other) => {
      const mine = nameText(k === 'zone' ? ev().inputs.zone : ev().inputs.qname).toLowerCase();
      const parent = absolute(String(other)).toLowerCase();
      return parent === '.' || mine === parent || mine.endsWith(`.${parent}`);
    },
    absolute: (s) => absolute(String(s)),
    header: (f) => {
      const e = ev();
      e.reads.uncacheable = true;
      const fl = e.inputs.flags;
      const bits: Record<string, number> = {
        getID: e.inputs.id, getQR: (fl >> 15) & 1, getOPCODE: (fl >> 11) & 15, getAA: (fl >> 10) & 1, getTC: (fl >> 9) & 1,
        getRD: (fl >> 8) & 1, getRA: (fl >> 7) & 1, getAD: (fl >> 5) & 1, getCD: (fl >> 4) & 1, getRCODE: fl & 15,
      };
      const v = bits[String(f)] ?? 0;
      return String(f) === 'getID' || String(f) === 'getOPCODE' || String(f) === 'getRCODE' ? v : v === 1;
    },
    nmgMatch: (masks, address) => stringList(masks).some((m) => networkHas(networkFromText(m), addressFromText(String(address)))),
    filterForward: (address, masks, fallback) => {
      const a = String(address);
      const bytes = addressFromText(a);
      if (stringList(masks).some((m) => networkHas(networkFromText(m), bytes))) return [a];
      if (fallback !== undefined && fallback !== null) return String(fallback) === '' ? [] : [String(fallback)];
      return [bytes.length === 4 ? '0.0.0.0' : '::'];
    },
    newCA: (a) => canonicalAddress(String(a)),
    includeCodes: (name) => st.host.luaCodeAt(joinZone(String(name), nameText(ev().inputs.zone))),
  };
  return { fns, helpers };
}

function ecsText(e: Evaluation): string {
  e.readAddress();
  const ecs = e.inputs.ecs;
  return ecs === null ? '' : `${addressToText(ecs.address)}/${ecs.sourcePrefix}`;
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** include('config') in zone example.com. → config.example.com. (PowerDNS: DNSName(record) + zone). */
function joinZone(rel: string, zone: string): string {
  const r = rel.replace(/\.$/, '');
  return zone === '.' ? `${r}.` : `${r}.${zone}`;
}

/** RFC 1876 presentation as PowerDNS latlonloc prints it: whole degrees and minutes, seconds as an
 * ostream prints a double (6 significant digits; -0 for 0 in the southern/western branch). */
function locText(latIn: number, lonIn: number): string {
  const g6 = (x: number): string => (Object.is(x, -0) ? '-0' : String(Number(x.toPrecision(6))));
  const part = (v: number): string => {
    const deg = Math.trunc(v) | 0; // C int conversions: -0.0 becomes 0
    const min = Math.trunc((v - deg) * 60) | 0;
    const sec = ((v - deg) * 60 - min) * 60;
    return `${deg} ${min} ${g6(sec)}`;
  };
  const lat = latIn > 0 ? latIn : -latIn;
  const lon = lonIn > 0 ? lonIn : -lonIn;
  return `${part(lat)} ${latIn > 0 ? 'N' : 'S'} ${part(lon)} ${lonIn > 0 ? 'E' : 'W'} 0.00m 1.00m 10000.00m 10.00m`;
}

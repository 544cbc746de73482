import { addressFromText, addressToText } from './address.js';
import { GeoError } from './errors.js';

/** Lua tables arrive as JS arrays (sequences) or objects (other keys); this reads them as PowerDNS
 * reads its argument types. */

function values(t: unknown): unknown[] {
  if (Array.isArray(t)) return t;
  if (typeof t === 'object' && t !== null) {
    return Object.keys(t).sort((a, b) => Number(a) - Number(b)).map((k) => (t as Record<string, unknown>)[k]);
  }
  if (t === undefined || t === null) return [];
  return [t];
}

const text = (v: unknown): string => (typeof v === 'number' && Number.isInteger(v) ? String(v) : String(v));

/** iplist_t: `{'192.0.2.1', '192.0.2.2'}`. */
export function stringList(t: unknown): string[] {
  return values(t).map(text);
}

/** ipunitlist_t or iplist_t: `{{'a','b'},{'c'}}` or `{'a','b'}` (one unit). */
export function unitList(t: unknown): string[][] {
  const v = values(t);
  if (v.length > 0 && v.every((u) => typeof u === 'object' && u !== null)) return v.map(stringList);
  return [v.map(text)];
}

/** `{ {15, '1.2.3.4'}, {50, '5.4.3.2'} }`: weight (atoi) and item. */
export function weightedList(t: unknown): Array<[number, string]> {
  return values(t).map((e) => {
    const pair = values(e);
    return [atoi(text(pair[0])), text(pair[1] ?? '')];
  });
}

/** opts_t: `{ selector = 'pickclosest', timeout = 2 }`. */
export function options(t: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (typeof t === 'object' && t !== null && !Array.isArray(t)) {
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) m.set(k, text(v));
  }
  return m;
}

/** Health function options: the text options and the `headers` table (PowerDNS opts_t). */
export function checkOptions(t: unknown): { options: Map<string, string>; headers?: Record<string, string> } {
  const m = new Map<string, string>();
  let headers: Record<string, string> | undefined;
  if (typeof t === 'object' && t !== null && !Array.isArray(t)) {
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (k === 'headers' && typeof v === 'object' && v !== null) {
        headers = {};
        for (const [hk, hv] of Object.entries(v as Record<string, unknown>)) headers[hk] = text(hv);
      } else {
        m.set(k, text(v));
      }
    }
  }
  return { options: m, headers };
}

/** C atoi: leading integer, 0 when none. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]) | 0;
}

/** An address as PowerDNS ComboAddress prints it (IPv6 compressed); throws on anything else. */
export function canonicalAddress(s: string): string {
  return addressToText(addressFromText(s));
}

export function nonEmpty<T>(items: T[], what = 'The items list cannot be empty'): T[] {
  if (items.length === 0) throw new GeoError('GDNS_ERR_LUA_SCRIPT', what);
  return items;
}

/**
 * boost::format as PowerDNS uses it for createReverse: `%1%`-style positional references and
 * printf-style `%s`/`%d`/`%x`/`%02x` taken in order; too many or too few arguments are not errors.
 */
export function boostFormat(format: string, args: readonly string[]): string {
  let next = 0;
  return format.replace(/%(%|(\d+)%|[-+ 0#]*\d*(?:\.\d+)?[sdixXu])/g, (all, _body: string, pos: string | undefined) => {
    if (all === '%%') return '%';
    if (pos !== undefined) return args[Number(pos) - 1] ?? '';
    const arg = args[next++] ?? '';
    const spec = /%([-+ 0#]*)(\d*)(?:\.\d+)?([sdixXu])/.exec(all)!;
    let out = arg;
    const conv = spec[3]!;
    if (conv === 'x' || conv === 'X') {
      const n = Number(arg);
      if (!Number.isNaN(n)) out = n.toString(16);
      if (conv === 'X') out = out.toUpperCase();
    }
    const width = Number(spec[2] || 0);
    if (out.length < width) out = (spec[1]!.includes('0') ? '0' : ' ').repeat(width - out.length) + out;
    return out;
  });
}

/**
 * Normalizing API answers so PowerDNS's and Geodesic's can be compared, and a comparer that names each
 * difference by its JSON path. What is normalized away is only what may differ without a client noticing:
 * key order, the order of rrsets/records/comments/list entries, comment times, the server version, and the
 * body of an error (PowerDNS 4.7 answers 404/409/400 in text/plain; the status is compared, the words not).
 */
import type { ApiResponse } from './http.js';

export interface NormalizeOptions {
  /** JSON paths (`$.rrsets[*].ttl` style, `*` for any index or key) whose values are not compared. */
  ignore?: string[];
  /** Compare only the status code. */
  statusOnly?: boolean;
  /** For GETs with rrset_name/rrset_type: PowerDNS 4.7 adds every comment-only rrset of the zone and drops
   * disabled records there (its lookup path); keep only the rrsets the filter asks for, enabled records. */
  rrsetFilter?: { name?: string; type?: string };
  /** Serials made from the clock (SOA-EDIT-API EPOCH): `serial`, `edited_serial` and the SOA record's serial
   * field are compared as "a number" only. */
  clockSerial?: boolean;
}

/** A placeholder that stands for a value both sides had, whatever it was (kept readable in diffs). */
const SAME = (label: string): string => `<${label}>`;

/** The comparable form of one answer: `{status, body}`. */
export function normalize(res: ApiResponse, opts: NormalizeOptions = {}): { status: number; body: unknown } {
  if (opts.statusOnly) return { status: res.status, body: SAME('not compared') };
  if (res.status >= 400) return { status: res.status, body: SAME('error') };
  if (res.status === 204) return { status: 204, body: res.text === '' ? null : `<unexpected body: ${res.text.slice(0, 80)}>` };
  let body = res.body;
  if (typeof body === 'string') body = normalizeText(body);
  else body = normalizeJson(body, '$', opts);
  if (opts.rrsetFilter !== undefined) body = applyRrsetFilter(body, opts.rrsetFilter);
  return { status: res.status, body };
}

/** Zone file text (/export): lines sorted, runs of blanks as one tab, blank lines dropped. */
function normalizeText(text: string): string[] {
  return text.split('\n').map((l) => l.trim().split(/\s+/).join('\t')).filter((l) => l !== '').sort();
}

const byKey = (key: (v: Record<string, unknown>) => string) => (a: unknown, b: unknown): number => {
  const ka = isObject(a) ? key(a) : JSON.stringify(a);
  const kb = isObject(b) ? key(b) : JSON.stringify(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const s = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

/** Orders for arrays whose order PowerDNS does not promise, keyed by the array's property name. */
const ARRAY_ORDER: Record<string, (v: Record<string, unknown>) => string> = {
  rrsets: (v) => `${s(v['name'])}\u0000${s(v['type'])}`,
  records: (v) => s(v['content']),
  comments: (v) => `${s(v['content'])}\u0000${s(v['account'])}`,
};

/** Orders for top-level arrays, recognized by their entries. */
function topLevelOrder(arr: unknown[]): ((a: unknown, b: unknown) => number) | undefined {
  const first = arr.find(isObject);
  if (first === undefined) return undefined;
  if ('object_type' in first) {
    return byKey((v) => [v['object_type'], v['name'], v['type'], v['content']].map(s).join('\u0000'));
  }
  if ('kind' in first && 'metadata' in first) return byKey((v) => s(v['kind']));
  if ('nameserver' in first && 'ip' in first) return byKey((v) => `${s(v['ip'])}\u0000${s(v['nameserver'])}`);
  if ('name' in first) return byKey((v) => s(v['name']));
  return undefined;
}

function normalizeJson(v: unknown, path: string, opts: NormalizeOptions, parentKey = ''): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x, i) => normalizeJson(x, `${path}[${i}]`, opts, parentKey));
    const order = ARRAY_ORDER[parentKey] !== undefined ? byKey(ARRAY_ORDER[parentKey]!) : path === '$' ? topLevelOrder(items) : undefined;
    return order ? [...items].sort(order) : items;
  }
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const p = `${path}.${k}`;
    if (opts.ignore?.some((g) => pathMatches(g, p))) { out[k] = SAME('ignored'); continue; }
    let x = v[k];
    // Comment times are the clock of the write; both sides must give a number.
    if (k === 'modified_at' && typeof x === 'number') x = SAME('time');
    // The server's own version (octodns parses it as dotted numbers: check the form, not the value).
    if (k === 'version' && typeof x === 'string' && parentKey === '' && 'daemon_type' in v) x = /^\d+\.\d+\.\d+/.test(x) ? SAME('x.y.z') : x;
    // Counters and sizes the servers measure differently (statistics): the form is compared, not the value.
    if (k === 'value' && v['type'] === 'StatisticItem' && typeof x === 'string') x = /^\d+$/.test(x) ? SAME('number') : x;
    if (opts.clockSerial && (k === 'serial' || k === 'edited_serial') && typeof x === 'number') x = SAME('clock serial');
    if (opts.clockSerial && k === 'content' && typeof x === 'string' && isSoaContent(x)) x = x.replace(/^(\S+ \S+ )\d+/, `$1${SAME('clock serial')}`);
    out[k] = normalizeJson(x, p, opts, k);
  }
  return out;
}

function isSoaContent(x: string): boolean {
  return /^\S+ \S+ \d+ \d+ \d+ \d+ \d+$/.test(x);
}

function pathMatches(glob: string, path: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.$^+?()|{}\\]/g, '\\$&').replace(/\[\*\]/g, '\\[\\d+\\]').replace(/\*/g, '[^.\\[]+')}$`);
  return re.test(path);
}

function applyRrsetFilter(body: unknown, f: { name?: string; type?: string }): unknown {
  if (!isObject(body) || !Array.isArray(body['rrsets'])) return body;
  const rrsets = (body['rrsets'] as unknown[]).filter(isObject)
    .filter((r) => (f.name === undefined || r['name'] === f.name.toLowerCase()) && (f.type === undefined || r['type'] === f.type))
    .map((r): Record<string, unknown> => ({ ...r, records: Array.isArray(r['records']) ? r['records'].filter((x) => !(isObject(x) && x['disabled'] === true)) : r['records'] }))
    .filter((r) => (r['records'] as unknown[]).length > 0 || (r['comments'] as unknown[]).length > 0);
  return { ...body, rrsets };
}

/** Every difference between two normalized answers, one line each (`path: pdns X, geodesic Y`). */
export function differences(a: unknown, b: unknown, names: [string, string] = ['pdns', 'geodesic'], path = '$', out: string[] = []): string[] {
  if (out.length > 40) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${path}: ${a.length} entries from ${names[0]}, ${b.length} from ${names[1]}`);
      const keyOf = (x: unknown): string => JSON.stringify(x);
      const bs = new Set(b.map(keyOf));
      const as = new Set(a.map(keyOf));
      for (const x of a) if (!bs.has(keyOf(x))) out.push(`  only ${names[0]}: ${keyOf(x).slice(0, 300)}`);
      for (const x of b) if (!as.has(keyOf(x))) out.push(`  only ${names[1]}: ${keyOf(x).slice(0, 300)}`);
      return out;
    }
    a.forEach((x, i) => differences(x, b[i], names, `${path}[${i}]`, out));
    return out;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in b)) out.push(`${path}.${k}: only ${names[0]} has it (${JSON.stringify(a[k])?.slice(0, 200)})`);
      else if (!(k in a)) out.push(`${path}.${k}: only ${names[1]} has it (${JSON.stringify(b[k])?.slice(0, 200)})`);
      else differences(a[k], b[k], names, `${path}.${k}`, out);
    }
    return out;
  }
  if (a === b) return out;
  out.push(`${path}: ${names[0]} ${JSON.stringify(a)?.slice(0, 300)}, ${names[1]} ${JSON.stringify(b)?.slice(0, 300)}`);
  return out;
}

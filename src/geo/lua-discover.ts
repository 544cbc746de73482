import type { Want } from '../health/index.js';
import { canonicalAddress } from './lua-args.js';
import { luaCheckSpec } from './lua-health.js';
import type { LuaCheck } from './lua-health.js';

/** A Lua literal: string, number, boolean, nil, or a table (sequence part and keyed part). */
type Value = string | number | boolean | null | Table;
interface Table { seq: Value[]; keys: Map<string, Value> }

interface Token { t: 'name' | 'str' | 'num' | 'sym'; v: string }

const HEALTH_FUNCTIONS = new Set(['ifportup', 'ifurlup', 'ifurlextup', 'pickselfweighted']);

/**
 * The health checks a LUA record's code asks for, read from calls whose arguments are literals
 * (`ifportup(443, {'192.0.2.1'}, {timeout=1})`), so they can be probed as soon as the zone loads. Calls
 * with computed arguments are found at their first query instead (as PowerDNS does for every call).
 */
export function discoverChecks(code: string): Want[] {
  let tokens: Token[];
  try { tokens = tokenize(code.startsWith(';') ? code.slice(1) : code); } catch { return []; }
  const out: Want[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const tk = tokens[i]!;
    if (tk.t !== 'name' || !HEALTH_FUNCTIONS.has(tk.v) || tokens[i + 1]!.v !== '(') continue;
    if (i > 0 && (tokens[i - 1]!.v === '.' || tokens[i - 1]!.v === ':')) continue;
    const args = parseArgs(tokens, i + 2);
    if (args === null) continue;
    try { out.push(...wantsOf(tk.v, args)); } catch { /* not addresses: left to query time */ }
  }
  return out;
}

function wantsOf(fn: string, args: Value[]): Want[] {
  const opts = asCheck(args[fn === 'ifurlextup' ? 1 : 2] ?? null);
  const out: Want[] = [];
  if (fn === 'ifurlextup') {
    for (const g of seqOf(args[0] ?? null)) {
      if (!isTable(g)) continue;
      for (const [ip, url] of g.keys) {
        out.push({ spec: luaCheckSpec('', { ...opts, url: text(url) }), names: [canonicalAddress(ip)] });
      }
    }
    return out;
  }
  const addresses = seqOf(args[1] ?? null).flatMap((u) => (isTable(u) ? seqOf(u) : [u])).map((a) => canonicalAddress(text(a)));
  const check: LuaCheck = fn === 'ifportup'
    ? { ...opts, port: Math.min(Math.max(Math.trunc(Number(text(args[0] ?? 0))) || 0, 0), 65535) }
    : { ...opts, url: text(args[0] ?? '') };
  for (const a of addresses) out.push({ spec: luaCheckSpec(a, check), names: [a] });
  return out;
}

function asCheck(v: Value): LuaCheck {
  const options = new Map<string, string>();
  let headers: Record<string, string> | undefined;
  if (isTable(v)) {
    for (const [k, x] of v.keys) {
      if (k === 'headers' && isTable(x)) {
        headers = {};
        for (const [hk, hv] of x.keys) headers[hk] = text(hv);
      } else {
        options.set(k, text(x));
      }
    }
  }
  return { options, headers };
}

const isTable = (v: Value): v is Table => typeof v === 'object' && v !== null;
const seqOf = (v: Value): Value[] => (isTable(v) ? v.seq : v === null ? [] : [v]);
const text = (v: Value): string => (isTable(v) ? '' : v === null ? 'nil' : String(v));

/** Arguments from tokens[at] to the closing parenthesis, all literals; else null. */
function parseArgs(tokens: Token[], at: number): Value[] | null {
  const args: Value[] = [];
  let i = at;
  if (tokens[i]?.v === ')') return args;
  for (;;) {
    const r = parseValue(tokens, i);
    if (r === null) return null;
    args.push(r.v);
    i = r.next;
    const sep = tokens[i]?.v;
    if (sep === ')') return args;
    if (sep !== ',') return null;
    i++;
  }
}

function parseValue(tokens: Token[], i: number): { v: Value; next: number } | null {
  const tk = tokens[i];
  if (tk === undefined) return null;
  if (tk.t === 'str') return { v: tk.v, next: i + 1 };
  if (tk.t === 'num') return { v: Number(tk.v), next: i + 1 };
  if (tk.t === 'sym' && tk.v === '-' && tokens[i + 1]?.t === 'num') return { v: -Number(tokens[i + 1]!.v), next: i + 2 };
  if (tk.t === 'name' && (tk.v === 'true' || tk.v === 'false')) return { v: tk.v === 'true', next: i + 1 };
  if (tk.t === 'name' && tk.v === 'nil') return { v: null, next: i + 1 };
  if (tk.v !== '{' || tk.t !== 'sym') return null;
  const table: Table = { seq: [], keys: new Map() };
  let j = i + 1;
  for (;;) {
    if (tokens[j]?.v === '}') return { v: table, next: j + 1 };
    let key: string | null = null;
    if (tokens[j]?.t === 'name' && tokens[j + 1]?.v === '=') {
      key = tokens[j]!.v;
      j += 2;
    } else if (tokens[j]?.v === '[' && tokens[j]?.t === 'sym') {
      const k = parseValue(tokens, j + 1);
      if (k === null || isTable(k.v) || tokens[k.next]?.v !== ']' || tokens[k.next + 1]?.v !== '=') return null;
      key = text(k.v);
      j = k.next + 2;
    }
    const r = parseValue(tokens, j);
    if (r === null) return null;
    if (key === null) table.seq.push(r.v); else table.keys.set(key, r.v);
    j = r.next;
    const sep = tokens[j]?.v;
    if (sep === ',' || sep === ';') j++;
    else if (sep !== '}') return null;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '\n': '\n' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const longBracket = (at: number): { level: number; start: number } | null => {
    const m = /^\[(=*)\[/.exec(s.slice(at, at + 64));
    return m === null ? null : { level: m[1]!.length, start: at + m[0].length };
  };
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (s.startsWith('--', i)) {
      const lb = longBracket(i + 2);
      if (lb !== null) {
        const end = s.indexOf(`]${'='.repeat(lb.level)}]`, lb.start);
        if (end < 0) throw new Error('unfinished comment');
        i = end + lb.level + 2;
      } else {
        const nl = s.indexOf('\n', i);
        i = nl < 0 ? s.length : nl + 1;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      let v = '';
      let j = i + 1;
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\') {
          const e = s[j + 1] ?? '';
          if (/\d/.test(e)) {
            const m = /^\d{1,3}/.exec(s.slice(j + 1))!;
            v += String.fromCharCode(Number(m[0]));
            j += 1 + m[0].length;
            continue;
          }
          if (!(e in ESCAPES)) throw new Error('escape');
          v += ESCAPES[e];
          j += 2;
        } else {
          v += s[j];
          j++;
        }
      }
      if (j >= s.length) throw new Error('unfinished string');
      out.push({ t: 'str', v });
      i = j + 1;
      continue;
    }
    if (c === '[') {
      const lb = longBracket(i);
      if (lb !== null) {
        const close = `]${'='.repeat(lb.level)}]`;
        const end = s.indexOf(close, lb.start);
        if (end < 0) throw new Error('unfinished string');
        out.push({ t: 'str', v: s.slice(lb.start, end).replace(/^\r?\n/, '') });
        i = end + close.length;
        continue;
      }
    }
    const num = /^(0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(s.slice(i, i + 64));
    if (num !== null) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue; }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i, i + 256));
    if (name !== null) { out.push({ t: 'name', v: name[0] }); i += name[0].length; continue; }
    const sym = /^(\.\.\.|\.\.|==|~=|<=|>=|::|\/\/|<<|>>|.)/s.exec(s.slice(i, i + 3))!;
    out.push({ t: 'sym', v: sym[0] });
    i += sym[0].length;
  }
  return out;
}

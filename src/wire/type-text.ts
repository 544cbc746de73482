import { RRClass, RRType, Rcode, BADSIG } from './constants.js';
import { syntaxError } from './errors.js';

const typeNames = new Map<number, string>();
const typeNumbers = new Map<string, number>();
for (const [k, v] of Object.entries(RRType)) {
  typeNames.set(v, k);
  typeNumbers.set(k, v);
}
const classNames = new Map<number, string>();
const classNumbers = new Map<string, number>();
for (const [k, v] of Object.entries(RRClass)) {
  classNames.set(v, k);
  classNumbers.set(k, v);
}

function generic(s: string, prefix: string): number | undefined {
  const u = s.toUpperCase();
  if (!u.startsWith(prefix)) return undefined;
  const rest = u.slice(prefix.length);
  if (!/^\d{1,5}$/.test(rest) || Number(rest) > 65535) return undefined;
  return Number(rest);
}

function typeOrUndefined(s: string): number | undefined {
  return typeNumbers.get(s.toUpperCase()) ?? generic(s, 'TYPE');
}

function classOrUndefined(s: string): number | undefined {
  return classNumbers.get(s.toUpperCase()) ?? generic(s, 'CLASS');
}

/** 'A', 'aaaa', 'TYPE65534' -> number; WireError(SYNTAX) otherwise. */
export function typeFromText(s: string): number {
  const t = typeOrUndefined(s);
  if (t === undefined) throw syntaxError(`"${s}" is not a record type`);
  return t;
}

export function typeToText(t: number): string {
  return typeNames.get(t) ?? `TYPE${t}`;
}

export function isTypeText(s: string): boolean {
  return typeOrUndefined(s) !== undefined;
}

export function classFromText(s: string): number {
  const c = classOrUndefined(s);
  if (c === undefined) throw syntaxError(`"${s}" is not a record class`);
  return c;
}

export function classToText(c: number): string {
  return classNames.get(c) ?? `CLASS${c}`;
}

export function isClassText(s: string): boolean {
  return classOrUndefined(s) !== undefined;
}

const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));
rcodeNames.set(BADSIG, 'BADSIG');

/** TSIG error text: NOERROR, BADSIG, BADKEY, BADTIME... or the number. */
export function tsigErrorToText(e: number): string {
  return rcodeNames.get(e) ?? String(e);
}

export function tsigErrorFromText(s: string): number | undefined {
  const u = s.toUpperCase();
  if (u === 'BADSIG') return BADSIG;
  if (/^\d+$/.test(s) && Number(s) <= 65535) return Number(s);
  return (Rcode as Record<string, number>)[u];
}

/** Unsigned decimal number 0..max, or undefined. */
export function parseUint(s: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** TTL in seconds: '3600', '1h30m', '2w' (BIND units, case-insensitive); WireError(SYNTAX) otherwise. */
export function ttlFromText(s: string): number {
  const plain = parseUint(s, 0xffffffff);
  if (plain !== undefined) return plain;
  const re = /(\d+)([smhdw])/gy;
  const lowered = s.toLowerCase();
  let total = 0;
  let pos = 0;
  for (let m = re.exec(lowered); m; m = re.exec(lowered)) {
    total += Number(m[1]) * UNIT[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length || total > 0xffffffff) throw syntaxError(`"${s}" is not a TTL (seconds, or units like 1h30m)`);
  return total;
}

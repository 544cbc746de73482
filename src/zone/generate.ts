import { tokenize } from '../wire/index.js';
import type { ZoneToken } from './lexer.js';

/** Upper bound on the records one $GENERATE may produce (a typo must not eat the memory). */
export const GENERATE_MAX = 1_000_000;

export interface GenerateRange { start: number; stop: number; step: number }

/** `start-stop[/step]` as BIND reads it. Throws Error(reason). */
export function parseGenerateRange(s: string): GenerateRange {
  const m = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(s);
  if (!m) throw new Error(`$GENERATE range "${s}" is not start-stop[/step]`);
  const start = Number(m[1]), stop = Number(m[2]), step = m[3] === undefined ? 1 : Number(m[3]);
  if (start > 0x7fffffff || stop > 0x7fffffff) throw new Error(`$GENERATE range "${s}" is above 2147483647`);
  if (stop < start) throw new Error(`$GENERATE range "${s}": stop is below start`);
  if (step < 1) throw new Error(`$GENERATE step must be at least 1`);
  if ((stop - start) / step + 1 > GENERATE_MAX) throw new Error(`$GENERATE range "${s}" makes more than ${GENERATE_MAX} records`);
  return { start, stop, step };
}

/** BIND's nibble format (`n`/`N`): nibbles least significant first, dot-separated, padded to `width` chars. */
function nibbles(value: number, width: number, upper: boolean): string {
  const digits = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = '';
  let v = value;
  do {
    out += digits[v & 15];
    v = Math.floor(v / 16);
    if (width > 0) width--;
    if (width > 0 || v !== 0) {
      out += '.';
      if (width > 0) width--;
    }
  } while (v !== 0 || width > 0);
  return out;
}

function formatValue(value: number, width: number, base: string): string {
  if (value < 0) throw new Error(`$GENERATE value ${value} is negative`);
  let digits: string;
  switch (base) {
    case 'd': digits = value.toString(10); break;
    case 'o': digits = value.toString(8); break;
    case 'x': digits = value.toString(16); break;
    case 'X': digits = value.toString(16).toUpperCase(); break;
    case 'n': case 'N': return nibbles(value, width, base === 'N');
    default: throw new Error(`$GENERATE base "${base}" is not one of d, o, x, X, n, N`);
  }
  return digits.padStart(width, '0');
}

/**
 * Substitute the iterator into one $GENERATE template (raw token text): `$` is the value,
 * `${offset[,width[,base]]}` a modified value, `\$` and `$$` a literal dollar (kept escaped).
 */
export function expandTemplate(template: string, value: number): string {
  if (template.indexOf('$') < 0) return template;
  let out = '';
  const n = template.length;
  for (let i = 0; i < n; i++) {
    const c = template[i]!;
    if (c === '\\') { out += template.slice(i, i + 2); i++; continue; }
    if (c !== '$') { out += c; continue; }
    if (template[i + 1] === '$') { out += '\\$'; i++; continue; }
    if (template[i + 1] !== '{') { out += String(value); continue; }
    const close = template.indexOf('}', i);
    if (close < 0) throw new Error(`$GENERATE modifier in "${template}" has no closing '}'`);
    const m = /^(-?\d+)(?:,(\d+)(?:,([a-zA-Z]))?)?$/.exec(template.slice(i + 2, close));
    if (!m) throw new Error(`$GENERATE modifier "${template.slice(i, close + 1)}" is not \${offset[,width[,base]]}`);
    out += formatValue(value + Number(m[1]), m[2] === undefined ? 0 : Number(m[2]), m[3] ?? 'd');
    i = close;
  }
  return out;
}

/**
 * Tokens of the i-th generated line: lhs and rdata templates expanded, the rest unchanged. As in BIND,
 * a single quoted rhs is the rdata text itself (`"10 mail$"`), split into tokens after expansion;
 * several rhs tokens (a Geodesic extension) are expanded one by one.
 */
export function generateTokens(lhs: ZoneToken, middle: readonly ZoneToken[], rhs: readonly ZoneToken[],
  value: number): ZoneToken[] {
  const out: ZoneToken[] = [{ ...lhs, text: expandTemplate(lhs.text, value) }];
  for (const t of middle) out.push(t);
  if (rhs.length === 1 && rhs[0]!.quoted) {
    const r = rhs[0]!;
    for (const t of tokenize(expandTemplate(r.text, value))) out.push({ ...t, line: r.line, column: r.column });
    return out;
  }
  for (const t of rhs) out.push({ ...t, text: expandTemplate(t.text, value) });
  return out;
}

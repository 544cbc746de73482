import { badRdata, syntaxError } from '../errors.js';
import { type FieldKind, pushU32, readU32 } from './field.js';

const EQUATOR = 2 ** 31;
const ALT_BASE = 10000000; // cm: altitude is stored as cm above -100000 m

/** Precision byte (mantissa << 4 | exponent, in cm) from metres text like "10m" or "0.5". */
function precisionFromText(t: string, what: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?m?$/.exec(t);
  if (!m) throw syntaxError(`${what}: "${t}" is not a size in metres`);
  let cm = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  let exp = 0;
  while (cm >= 10) {
    cm = Math.floor(cm / 10);
    exp++;
  }
  if (exp > 9) throw syntaxError(`${what}: "${t}" is too large`);
  return (cm << 4) | exp;
}

function precisionToText(v: number): string {
  const mant = v >> 4;
  const exp = v & 15;
  if (exp >= 2) return `${mant * 10 ** (exp - 2)}m`;
  return `0.${String(mant * 10 ** exp).padStart(2, '0')}m`;
}

function checkPrecision(v: number, what: string): void {
  if (v >> 4 > 9 || (v & 15) > 9) throw badRdata(`${what}: bad size/precision octet`);
}

function coord(ctx: { tokens: readonly { text: string }[]; i: number }, hemis: string, maxDeg: number, what: string): number {
  const toks: string[] = [];
  for (let k = 0; k < 4; k++) {
    const t = ctx.tokens[ctx.i]?.text;
    if (t === undefined) break;
    ctx.i++;
    toks.push(t);
    if (hemis.includes(t.toUpperCase())) break;
  }
  const h = toks.pop()?.toUpperCase();
  if (!h || !hemis.includes(h) || toks.length === 0) throw syntaxError(`${what}: expected degrees [minutes [seconds]] ${hemis[0]}|${hemis[1]}`);
  const [d, m = '0', s = '0'] = toks;
  if (!/^\d+$/.test(d!) || !/^\d+$/.test(m) || !/^\d+(\.\d{1,3})?$/.test(s)) throw syntaxError(`${what}: "${toks.join(' ')}" is not degrees minutes seconds`);
  const deg = Number(d);
  const min = Number(m);
  const msec = Math.round(Number(s) * 1000);
  if (deg > maxDeg || min > 59 || msec > 59999) throw syntaxError(`${what}: "${toks.join(' ')}" out of range`);
  const total = ((deg * 60 + min) * 60) * 1000 + msec;
  if (total > maxDeg * 3600000) throw syntaxError(`${what}: "${toks.join(' ')}" out of range`);
  return h === hemis[0] ? EQUATOR + total : EQUATOR - total;
}

function coordText(v: number, hemis: string): string {
  let x = v - EQUATOR;
  const h = x < 0 ? hemis[1]! : hemis[0]!;
  x = Math.abs(x);
  const ms = x % 1000;
  x = Math.floor(x / 1000);
  return `${Math.floor(x / 3600)} ${Math.floor(x / 60) % 60} ${x % 60}.${String(ms).padStart(3, '0')} ${h}`;
}

/** The whole LOC rdata (RFC 1876), printed as dig prints it. */
export const loc: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    const lat = coord(ctx, 'NS', 90, `${what} latitude`);
    const lon = coord(ctx, 'EW', 180, `${what} longitude`);
    const at = ctx.tokens[ctx.i++]?.text;
    const am = at === undefined ? null : /^(-?)(\d+)(?:\.(\d{1,2}))?m?$/.exec(at);
    if (!am) throw syntaxError(`${what} altitude: "${at ?? ''}" is not metres`);
    const cm = (Number(am[2]) * 100 + Number((am[3] ?? '').padEnd(2, '0'))) * (am[1] ? -1 : 1);
    if (cm < -ALT_BASE || cm + ALT_BASE > 0xffffffff) throw syntaxError(`${what} altitude: "${at}" out of range`);
    const prec = ['1m', '10000m', '10m'].map((dflt, k) => {
      const t = ctx.tokens[ctx.i];
      if (!t) return precisionFromText(dflt, what);
      ctx.i++;
      return precisionFromText(t.text, `${what} ${['size', 'horizontal precision', 'vertical precision'][k]}`);
    });
    out.push(0, ...prec);
    pushU32(out, lat);
    pushU32(out, lon);
    pushU32(out, cm + ALT_BASE);
  },
  end(b, off, end, what) {
    if (end - off !== 16) throw badRdata(`${what}: LOC rdata must be 16 octets`);
    if (b[off] !== 0) throw badRdata(`${what}: unknown LOC version ${b[off]!}`);
    for (let k = 1; k <= 3; k++) checkPrecision(b[off + k]!, what);
    if (Math.abs(readU32(b, off + 4) - EQUATOR) > 90 * 3600000) throw badRdata(`${what}: latitude beyond 90 degrees`);
    if (Math.abs(readU32(b, off + 8) - EQUATOR) > 180 * 3600000) throw badRdata(`${what}: longitude beyond 180 degrees`);
    return end;
  },
  toText(b, off) {
    const alt = readU32(b, off + 12) - ALT_BASE;
    const sign = alt < 0 ? '-' : '';
    const a = Math.abs(alt);
    const altText = `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}m`;
    return [coordText(readU32(b, off + 4), 'NS'), coordText(readU32(b, off + 8), 'EW'), altText,
      precisionToText(b[off + 1]!), precisionToText(b[off + 2]!), precisionToText(b[off + 3]!)].join(' ');
  },
};

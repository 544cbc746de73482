import { syntaxError } from '../errors.js';

/** Dotted quad to 4 octets, one pass over the characters (zone loading parses millions of these):
 * exactly four decimal parts 0-255, no leading zeros. */
export function ipv4FromText(s: string, what: string): Uint8Array {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) break; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) break;
    } else if (c === 46 && digits > 0 && part < 4) {
      out[part++] = value;
      value = 0;
      digits = 0;
      if (i === s.length) return part === 4 ? out : fail(s, what);
    } else {
      break;
    }
  }
  return fail(s, what);
}

function fail(s: string, what: string): never {
  throw syntaxError(`${what}: "${s}" is not an IPv4 address`);
}

export function ipv4ToText(b: Uint8Array, off: number): string {
  return `${b[off]!}.${b[off + 1]!}.${b[off + 2]!}.${b[off + 3]!}`;
}

function groups(part: string, s: string, what: string): number[] {
  if (part === '') return [];
  return part.split(':').map((g) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw syntaxError(`${what}: "${s}" is not an IPv6 address`);
    return parseInt(g, 16);
  });
}

export function ipv6FromText(s: string, what: string): Uint8Array {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = ipv4FromText(text.slice(lastColon + 1), what);
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const dbl = text.indexOf('::');
  let words: number[];
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) throw syntaxError(`${what}: "${s}" is not an IPv6 address`);
    const head = groups(text.slice(0, dbl), s, what);
    const rest = groups(text.slice(dbl + 2), s, what);
    const fill = 8 - head.length - rest.length;
    if (fill < 1) throw syntaxError(`${what}: "${s}" is not an IPv6 address`);
    words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else words = groups(text, s, what);
  if (words.length !== 8) throw syntaxError(`${what}: "${s}" is not an IPv6 address`);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 255;
  });
  return out;
}

/** RFC 5952 text, as inet_ntop prints it (dotted tail for ::ffff:a.b.c.d and ::a.b.c.d). */
export function ipv6ToText(b: Uint8Array, off: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    const v4 = `${b[off + 12]!}.${b[off + 13]!}.${b[off + 14]!}.${b[off + 15]!}`;
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += w[i]!.toString(16);
  }
  return s;
}

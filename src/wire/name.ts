import { syntaxError, WireError } from './errors.js';

/**
 * A domain name: its UNCOMPRESSED wire form (length-prefixed labels ending with the root label 0).
 * Case is preserved; the helpers compare ASCII case-insensitively. Label length bytes are <= 63, below
 * 'A', so whole-array lowercasing never changes them.
 */
export type Name = Uint8Array;

export const ROOT: Name = new Uint8Array([0]);

const lower = (b: number): number => (b >= 65 && b <= 90 ? b | 0x20 : b);

/** Length of the uncompressed name at `off` (throws on pointers, bad labels, overruns). */
export function nameLength(buf: Uint8Array, off: number, end: number = buf.length): number {
  let p = off;
  for (;;) {
    if (p >= end) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'name runs past the end of its data');
    const l = buf[p]!;
    if (l === 0) break;
    if (l > 63) {
      if (l < 0x80) throw new WireError('GDNS_ERR_WIRE_LABEL_TOO_LONG', `label of length ${l} (over 63)`);
      throw new WireError('GDNS_ERR_WIRE_BAD_LABEL_TYPE', `unexpected label type 0x${l.toString(16)} in an uncompressed name`);
    }
    p += l + 1;
    if (p - off > 254) throw new WireError('GDNS_ERR_WIRE_NAME_TOO_LONG', 'name longer than 255 octets');
  }
  return p + 1 - off;
}

export function nameLabelCount(name: Name): number {
  let n = 0;
  for (let p = 0; name[p]! !== 0; p += name[p]! + 1) n++;
  return n;
}

/** Drops the first label (a subarray); the root's parent is the root. */
export function nameParent(name: Name): Name {
  const l = name[0]!;
  return l === 0 ? name : name.subarray(l + 1);
}

export function nameWildcard(parent: Name): Name {
  const out = new Uint8Array(parent.length + 2);
  out[0] = 1;
  out[1] = 42;
  out.set(parent, 2);
  return out;
}

/** Lower-cased copy, or the same array when it is already lower case. */
export function nameLower(name: Name): Name {
  let i = 0;
  while (i < name.length && !(name[i]! >= 65 && name[i]! <= 90)) i++;
  if (i === name.length) return name;
  // A copy even when `name` is a Node Buffer, whose slice() is a view: never lower-case the caller's bytes.
  const out = Uint8Array.prototype.slice.call(name);
  for (; i < out.length; i++) out[i] = lower(out[i]!);
  return out;
}

/** Lower-cased wire bytes as a latin1 string, usable as a Map key. */
export function nameKey(name: Name): string {
  return String.fromCharCode.apply(null, nameLower(name) as unknown as number[]);
}

export function nameEqual(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && lower(a[i]!) !== lower(b[i]!)) return false;
  return true;
}

export function nameIsBelowOrAt(name: Name, ancestor: Name): boolean {
  const diff = name.length - ancestor.length;
  if (diff < 0) return false;
  let p = 0;
  while (p < diff) p += name[p]! + 1;
  if (p !== diff) return false;
  for (let i = 0; i < ancestor.length; i++) {
    const x = name[diff + i]!;
    const y = ancestor[i]!;
    if (x !== y && lower(x) !== lower(y)) return false;
  }
  return true;
}

function labelOffsets(name: Name): number[] {
  const offs: number[] = [];
  for (let p = 0; name[p]! !== 0; p += name[p]! + 1) offs.push(p);
  return offs;
}

/** RFC 4034 §6.1 canonical order: labels compared right to left as lower-cased octet strings. */
export function nameCompareCanonical(a: Name, b: Name): number {
  const la = labelOffsets(a);
  const lb = labelOffsets(b);
  for (let i = la.length - 1, j = lb.length - 1; i >= 0 && j >= 0; i--, j--) {
    const pa = la[i]!;
    const pb = lb[j]!;
    const na = a[pa]!;
    const nb = b[pb]!;
    const n = Math.min(na, nb);
    for (let k = 1; k <= n; k++) {
      const d = lower(a[pa + k]!) - lower(b[pb + k]!);
      if (d !== 0) return d;
    }
    if (na !== nb) return na - nb;
  }
  return la.length - lb.length;
}

// ---- presentation

/** Appends the UTF-8 bytes of code point `c` (non-ASCII text in names and strings). */
export function pushUtf8(out: number[], c: number): void {
  if (c < 0x80) out.push(c);
  else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
  else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
}

/**
 * Reads one escape at text[i] === '\\'; pushes the byte and returns the index after the escape.
 * `\DDD` is a decimal octet, `\X` is X itself.
 */
export function readEscape(text: string, i: number, out: number[], what: string): number {
  const c = text.charCodeAt(i + 1);
  if (Number.isNaN(c)) throw syntaxError(`${what}: "${text}" ends with a lone backslash`);
  if (c >= 48 && c <= 57) {
    const d = text.slice(i + 1, i + 4);
    if (!/^\d{3}$/.test(d) || Number(d) > 255) throw syntaxError(`${what}: bad escape "\\${d}" in "${text}" (\\DDD needs three digits 000-255)`);
    out.push(Number(d));
    return i + 4;
  }
  const cp = text.codePointAt(i + 1)!;
  pushUtf8(out, cp);
  return i + 1 + (cp > 0xffff ? 2 : 1);
}

/**
 * Parses a name in presentation format. A name ending in an unescaped '.' is absolute; others are
 * relative to `origin` ('@' is the origin itself).
 */
export function nameFromText(text: string, origin?: Name): Name {
  if (text === '@') {
    if (!origin) throw syntaxError('name "@" needs an origin');
    return origin;
  }
  if (text === '.') return ROOT;
  if (text.length === 0) throw syntaxError('empty name');
  const bytes: number[] = [0];
  let labelStart = 0;
  let absolute = false;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (bytes.length - labelStart === 1) throw syntaxError(`name "${text}": empty label`);
      closeLabel(bytes, labelStart, text);
      labelStart = bytes.length;
      bytes.push(0);
      i++;
      if (i === text.length) absolute = true;
      continue;
    }
    if (c === 92) i = readEscape(text, i, bytes, `name "${text}"`);
    else {
      const cp = text.codePointAt(i)!;
      pushUtf8(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  if (!absolute) {
    if (bytes.length - labelStart === 1) throw syntaxError(`name "${text}": empty label`);
    closeLabel(bytes, labelStart, text);
    if (!origin) throw syntaxError(`name "${text}" is relative and there is no origin`);
    for (let i = 0; i < origin.length; i++) bytes.push(origin[i]!);
  }
  if (bytes.length > 255) throw syntaxError(`name "${text}" is longer than 255 octets`);
  return Uint8Array.from(bytes);
}

function closeLabel(bytes: number[], labelStart: number, text: string): void {
  const len = bytes.length - labelStart - 1;
  if (len > 63) throw syntaxError(`name "${text}": label longer than 63 octets`);
  bytes[labelStart] = len;
  if (bytes.length > 255) throw syntaxError(`name "${text}" is longer than 255 octets`);
}

const NAME_SPECIAL = new Set([0x22, 0x28, 0x29, 0x2e, 0x3b, 0x5c, 0x40, 0x24]);

/** Absolute text with a trailing dot, escaped as dig prints it. */
export function nameToText(name: Name): string {
  if (name[0] === 0) return '.';
  let s = '';
  for (let p = 0; name[p]! !== 0;) {
    const l = name[p]!;
    for (let k = p + 1; k <= p + l; k++) {
      const b = name[k]!;
      if (NAME_SPECIAL.has(b)) s += '\\' + String.fromCharCode(b);
      else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
      else s += '\\' + String(b).padStart(3, '0');
    }
    s += '.';
    p += l + 1;
  }
  return s;
}

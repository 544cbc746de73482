import { badRdata, syntaxError } from '../errors.js';
import { base64Decode, base64Encode } from '../encoding.js';
import { textBytes } from '../token.js';
import { parseUint } from '../type-text.js';
import { ipv4FromText, ipv4ToText, ipv6FromText, ipv6ToText } from './ip.js';
import { type FieldKind, pushU16, pushBytes, readU16 } from './field.js';

const KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

export function svcKeyToText(k: number): string {
  return KEYS[k] ?? `key${k}`;
}

function svcKeyFromText(s: string, what: string): number {
  const i = KEYS.indexOf(s.toLowerCase());
  if (i >= 0) return i;
  const m = /^key(\d{1,5})$/i.exec(s);
  if (m && Number(m[1]) <= 65535) return Number(m[1]);
  throw syntaxError(`${what}: "${s}" is not a SvcParamKey`);
}

/**
 * RFC 9460 value-list: the raw text is first a character-string (\DDD, \X), then items split at commas,
 * where "\," is a literal comma and "\\" a backslash (so a zone file says alpn="a\\,b" for "a,b").
 */
function valueList(raw: string, what: string): number[][] {
  const bytes = textBytes(raw, what);
  const items: number[][] = [[]];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const d = bytes.slice(i + 1, i + 4);
    if (c === 0x5c && d.length === 3 && d.every((x) => x >= 0x30 && x <= 0x39)) {
      items.at(-1)!.push(Number(String.fromCharCode(...d)) & 255);
      i += 3;
    } else if (c === 0x5c && i + 1 < bytes.length) items.at(-1)!.push(bytes[++i]!);
    else if (c === 0x2c) items.push([]);
    else items.at(-1)!.push(c);
  }
  return items;
}

function encodeValue(key: number, raw: string | null, what: string): number[] {
  const w = `${what} ${svcKeyToText(key)}`;
  const out: number[] = [];
  const needValue = (): string => {
    if (raw === null || raw === '') throw syntaxError(`${w}: needs a value`);
    return raw;
  };
  switch (key) {
    case 0:
      for (const k of needValue().split(',')) pushU16(out, svcKeyFromText(k, w));
      return out;
    case 1:
      for (const item of valueList(needValue(), w)) {
        if (item.length === 0 || item.length > 255) throw syntaxError(`${w}: alpn ids are 1-255 octets`);
        out.push(item.length, ...item);
      }
      return out;
    case 2: case 8:
      if (raw !== null && raw !== '') throw syntaxError(`${w}: takes no value`);
      return out;
    case 3: {
      const v = parseUint(needValue(), 65535);
      if (v === undefined) throw syntaxError(`${w}: "${raw}" is not a port 0-65535`);
      pushU16(out, v);
      return out;
    }
    case 4:
      for (const a of needValue().split(',')) pushBytes(out, ipv4FromText(a, w));
      return out;
    case 6:
      for (const a of needValue().split(',')) pushBytes(out, ipv6FromText(a, w));
      return out;
    case 5:
      pushBytes(out, base64Decode(needValue(), w));
      return out;
    default:
      return raw === null ? out : textBytes(raw, w);
  }
}

function checkValue(key: number, b: Uint8Array, off: number, end: number, what: string): void {
  const len = end - off;
  const bad = (why: string): never => { throw badRdata(`${what} ${svcKeyToText(key)}: ${why}`); };
  switch (key) {
    case 0:
      if (len === 0 || len % 2) bad('bad length');
      if (readU16(b, off) === 0) bad('lists itself'); // RFC 9460 §8 (and the text form could not be read back)
      for (let p = off + 2; p < end; p += 2) if (readU16(b, p) <= readU16(b, p - 2)) bad('keys not in increasing order');
      return;
    case 1:
      if (len === 0) bad('empty');
      for (let p = off; p < end; p += 1 + b[p]!) if (b[p] === 0 || p + 1 + b[p]! > end) bad('bad alpn id');
      return;
    case 2: case 8: if (len !== 0) bad('must be empty'); return;
    case 3: if (len !== 2) bad('bad length'); return;
    case 4: if (len === 0 || len % 4) bad('bad length'); return;
    case 6: if (len === 0 || len % 16) bad('bad length'); return;
    default: return;
  }
}

/** Octets as character-string text; in a value-list item (alpn) commas and backslashes get the extra escape. */
function quoted(b: Uint8Array, off: number, end: number, item: boolean): string {
  let s = '';
  for (let i = off; i < end; i++) {
    const c = b[i]!;
    if (item && c === 0x2c) s += '\\\\,';
    else if (item && c === 0x5c) s += '\\\\\\\\';
    else if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + String(c).padStart(3, '0');
  }
  return s;
}

function valueText(key: number, b: Uint8Array, off: number, end: number): string {
  const list: string[] = [];
  switch (key) {
    case 0:
      for (let p = off; p < end; p += 2) list.push(svcKeyToText(readU16(b, p)));
      return list.join(',');
    case 1:
      for (let p = off; p < end; p += 1 + b[p]!) list.push(quoted(b, p + 1, p + 1 + b[p]!, true));
      return `"${list.join(',')}"`;
    case 3: return String(readU16(b, off));
    case 4:
      for (let p = off; p < end; p += 4) list.push(ipv4ToText(b, p));
      return list.join(',');
    case 6:
      for (let p = off; p < end; p += 16) list.push(ipv6ToText(b, p));
      return list.join(',');
    case 5: return base64Encode(b, off, end);
    default: return `"${quoted(b, off, end, false)}"`;
  }
}

/** SvcParams (RFC 9460) to the end of SVCB/HTTPS rdata. */
export const svcParams: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    const params = new Map<number, number[]>();
    while (ctx.i < ctx.tokens.length) {
      const t = ctx.tokens[ctx.i++]!;
      const eq = t.quoted ? -1 : t.text.indexOf('=');
      const keyText = eq < 0 ? t.text : t.text.slice(0, eq);
      let raw: string | null = eq < 0 ? null : t.text.slice(eq + 1);
      if (raw === '' && ctx.tokens[ctx.i]?.quoted) raw = ctx.tokens[ctx.i++]!.text;
      else if (raw !== null && raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
      const key = svcKeyFromText(keyText, what);
      if (params.has(key)) throw syntaxError(`${what}: ${keyText} given twice`);
      const v = encodeValue(key, raw, what);
      if (key === 0) {
        const keys = [];
        for (let p = 0; p < v.length; p += 2) keys.push((v[p]! << 8) | v[p + 1]!);
        keys.sort((a, b) => a - b);
        if (keys.includes(0) || new Set(keys).size !== keys.length) throw syntaxError(`${what}: mandatory lists itself or a key twice`);
        v.length = 0;
        for (const k of keys) pushU16(v, k);
      }
      params.set(key, v);
    }
    for (const [k, v] of [...params].sort((a, b) => a[0] - b[0])) {
      if (v.length > 65535) throw syntaxError(`${what}: value too long`);
      pushU16(out, k);
      pushU16(out, v.length);
      pushBytes(out, v);
    }
  },
  end(b, off, end, what) {
    let last = -1;
    for (let p = off; p < end;) {
      if (p + 4 > end) throw badRdata(`${what}: truncated SvcParam`);
      const key = readU16(b, p);
      const len = readU16(b, p + 2);
      if (key <= last) throw badRdata(`${what}: SvcParamKeys not in increasing order`);
      if (p + 4 + len > end) throw badRdata(`${what}: truncated SvcParam value`);
      checkValue(key, b, p + 4, p + 4 + len, what);
      last = key;
      p += 4 + len;
    }
    return end;
  },
  toText(b, off, end) {
    const parts: string[] = [];
    for (let p = off; p < end;) {
      const key = readU16(b, p);
      const len = readU16(b, p + 2);
      const vEnd = p + 4 + len;
      const k = svcKeyToText(key);
      parts.push(len === 0 && key !== 1 ? k : `${k}=${valueText(key, b, p + 4, vEnd)}`);
      p = vEnd;
    }
    return parts.join(' ');
  },
};

import { badRdata, syntaxError } from '../errors.js';
import { hexEncode } from '../encoding.js';
import { parseUint } from '../type-text.js';
import { ipv4FromText, ipv4ToText, ipv6FromText, ipv6ToText } from './ip.js';
import { type FieldKind, need, pushBytes, pushU16, readU16 } from './field.js';

/** Address octets and prefix bits of the families APL has a text form for (RFC 3123 §4.1, §4.2). */
const FAMILY: Readonly<Record<number, { octets: number; bits: number }>> = { 1: { octets: 4, bits: 32 }, 2: { octets: 16, bits: 128 } };

/**
 * APL items to the end of the rdata (RFC 3123): `[!]family:address/prefix`, zero or more. On the wire
 * each item is family (16 bits), prefix, N bit and AFDLENGTH, then the address without its trailing zero
 * octets (§4: they carry nothing; written trimmed, and refused when present, as BIND does). Bits past
 * the prefix are kept as written. Families other than 1 and 2 are valid on the wire but have no text
 * form: rdata holding one is printed as `\# len hex` (as BIND prints it).
 */
export const aplItems: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    for (; ctx.i < ctx.tokens.length; ctx.i++) {
      const t = ctx.tokens[ctx.i]!.text;
      const m = /^(!?)(\d{1,5}):([^/]+)\/(\d{1,3})$/.exec(t);
      if (!m) throw syntaxError(`${what}: "${t}" is not [!]family:address/prefix`);
      const family = Number(m[2]);
      const f = FAMILY[family];
      if (!f) throw syntaxError(`${what}: "${t}": family must be 1 (IPv4) or 2 (IPv6)`);
      const prefix = parseUint(m[4]!, f.bits);
      if (prefix === undefined) throw syntaxError(`${what}: "${t}": prefix must be 0-${f.bits}`);
      const addr = family === 1 ? ipv4FromText(m[3]!, what) : ipv6FromText(m[3]!, what);
      let len = addr.length;
      while (len > 0 && addr[len - 1] === 0) len--;
      pushU16(out, family);
      out.push(prefix, (m[1] ? 0x80 : 0) | len);
      pushBytes(out, addr.subarray(0, len));
    }
  },
  end(b, off, end, what) {
    let p = off;
    while (p < end) {
      need(b, p, 4, end, what);
      const f = FAMILY[readU16(b, p)];
      const len = b[p + 3]! & 0x7f;
      if (f && (b[p + 2]! > f.bits || len > f.octets)) throw badRdata(`${what}: prefix or address too long for the family`);
      p = need(b, p + 4, len, end, what);
      if (len > 0 && b[p - 1] === 0) throw badRdata(`${what}: address ends in a zero octet (RFC 3123 §4)`);
    }
    return p;
  },
  toText(b, off, end) {
    const items: string[] = [];
    for (let p = off; p < end;) {
      const family = readU16(b, p);
      const f = FAMILY[family];
      if (!f) return `\\# ${end - off} ${hexEncode(b, off, end)}`;
      const len = b[p + 3]! & 0x7f;
      const addr = new Uint8Array(f.octets);
      addr.set(b.subarray(p + 4, p + 4 + len));
      const text = family === 1 ? ipv4ToText(addr, 0) : ipv6ToText(addr, 0);
      items.push(`${b[p + 3]! & 0x80 ? '!' : ''}${family}:${text}/${b[p + 2]!}`);
      p += 4 + len;
    }
    return items.join(' ');
  },
};

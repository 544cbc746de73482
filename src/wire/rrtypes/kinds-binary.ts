import { syntaxError, badRdata } from '../errors.js';
import { base32hexDecode, base32hexEncode, base64Decode, base64Encode, hexDecode, hexEncode } from '../encoding.js';
import { parseUint, tsigErrorFromText, tsigErrorToText } from '../type-text.js';
import { type FieldKind, nextToken, restTokens, need, pushU16, pushU32, pushBytes, readU16, readU32 } from './field.js';

/** Base64 to the end of the rdata; the text may be split over several tokens. */
export const b64: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    pushBytes(out, base64Decode(restTokens(ctx, what).map((t) => t.text).join(''), what));
  },
  // A signature or key is never empty (its text form could not be read back).
  end: (_b, off, end, what) => { if (off >= end) throw badRdata(`${what}: empty`); return end; },
  toText: (b, off, end) => base64Encode(b, off, end),
};

/** Hexadecimal to the end of the rdata (digests); may be split over tokens; printed upper case. */
export const hex: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    pushBytes(out, hexDecode(restTokens(ctx, what).map((t) => t.text).join(''), what));
  },
  // A digest is never empty (its text form could not be read back).
  end: (_b, off, end, what) => { if (off >= end) throw badRdata(`${what}: empty`); return end; },
  toText: (b, off, end) => hexEncode(b, off, end),
};

/** A length octet and hex octets; '-' is empty (NSEC3 salt). */
export const hexLen: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    const b = t.text === '-' ? new Uint8Array(0) : hexDecode(t.text, what);
    if (b.length > 255) throw syntaxError(`${what}: longer than 255 octets`);
    out.push(b.length);
    pushBytes(out, b);
  },
  end(b, off, end, what) {
    need(b, off, 1, end, what);
    return need(b, off + 1, b[off]!, end, what);
  },
  toText: (b, off, end) => (end === off + 1 ? '-' : hexEncode(b, off + 1, end)),
};

/** A length octet and octets written in base32hex (NSEC3 next hashed owner). */
export const b32Len: FieldKind = {
  fromText(ctx, what, out) {
    const b = base32hexDecode(nextToken(ctx, what).text, what);
    if (b.length === 0 || b.length > 255) throw syntaxError(`${what}: must be 1-255 octets`);
    out.push(b.length);
    pushBytes(out, b);
  },
  end(b, off, end, what) {
    need(b, off, 1, end, what);
    if (b[off] === 0) throw badRdata(`${what}: empty hash`);
    return need(b, off + 1, b[off]!, end, what);
  },
  toText: (b, off, end) => base32hexEncode(b, off + 1, end),
};

/** A 16-bit length and octets, written as "len base64" (TSIG MAC and other data). */
export const b64Len16: FieldKind = {
  fromText(ctx, what, out) {
    const lt = nextToken(ctx, what);
    const len = parseUint(lt.text, 65535);
    if (len === undefined) throw syntaxError(`${what}: "${lt.text}" is not a length 0-65535`);
    const b = len === 0 ? new Uint8Array(0) : base64Decode(nextToken(ctx, what).text, what);
    if (b.length !== len) throw syntaxError(`${what}: length ${len} but ${b.length} octets`);
    pushU16(out, len);
    pushBytes(out, b);
  },
  end(b, off, end, what) {
    need(b, off, 2, end, what);
    return need(b, off + 2, readU16(b, off), end, what);
  },
  toText(b, off, end) {
    const n = readU16(b, off);
    return n === 0 ? '0' : `${n} ${base64Encode(b, off + 2, end)}`;
  },
};

/** TSIG error: rcode mnemonic or number, 16 bits. */
export const tsigError: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    const v = tsigErrorFromText(t.text);
    if (v === undefined) throw syntaxError(`${what}: "${t.text}" is not an rcode`);
    pushU16(out, v);
  },
  end: (b, off, end, what) => need(b, off, 2, end, what),
  toText: (b, off) => tsigErrorToText(readU16(b, off)),
};

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** RRSIG time: YYYYMMDDHHmmSS (UTC) or seconds; 32 bits with serial wrap-around. */
export const sigTime: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what).text;
    let v: number;
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t);
    if (m) {
      const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
      const ms = Date.UTC(y, mo - 1, d, h, mi, s);
      const back = new Date(ms);
      if (mo < 1 || mo > 12 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw syntaxError(`${what}: "${t}" is not a valid date`);
      v = (ms / 1000) % 2 ** 32;
      if (v < 0) v += 2 ** 32;
    } else {
      const n = parseUint(t, 0xffffffff);
      if (n === undefined) throw syntaxError(`${what}: "${t}" is not YYYYMMDDHHmmSS or a number of seconds`);
      v = n;
    }
    pushU32(out, v);
  },
  end: (b, off, end, what) => need(b, off, 4, end, what),
  toText(b, off) {
    const d = new Date(readU32(b, off) * 1000);
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
  },
};

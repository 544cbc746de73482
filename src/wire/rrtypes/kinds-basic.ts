import { syntaxError, badRdata } from '../errors.js';
import { nameFromText, nameLength, nameToText } from '../name.js';
import { textBytes, quoteBytes } from '../token.js';
import { parseUint, ttlFromText, typeFromText, typeToText } from '../type-text.js';
import { ipv4FromText, ipv4ToText, ipv6FromText, ipv6ToText } from './ip.js';
import { type FieldKind, nextToken, restTokens, need, pushU16, pushU32, readU16, readU32, pushBytes } from './field.js';

function uint(bytes: 1 | 2 | 4, max: number): FieldKind {
  return {
    fromText(ctx, what, out) {
      const t = nextToken(ctx, what);
      const v = parseUint(t.text, max);
      if (v === undefined) throw syntaxError(`${what}: "${t.text}" is not a number 0-${max}`);
      if (bytes === 1) out.push(v);
      else if (bytes === 2) pushU16(out, v);
      else pushU32(out, v);
    },
    end: (b, off, end, what) => need(b, off, bytes, end, what),
    toText: (b, off) => String(bytes === 1 ? b[off]! : bytes === 2 ? readU16(b, off) : readU32(b, off)),
  };
}

export const u8 = uint(1, 255);
export const u16 = uint(2, 65535);
export const u32 = uint(4, 0xffffffff);

/** u32 written as a TTL (SOA timers): units accepted, printed as a number. */
export const ttl32: FieldKind = {
  ...u32,
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    try {
      pushU32(out, ttlFromText(t.text));
    } catch {
      throw syntaxError(`${what}: "${t.text}" is not a number of seconds (or 1h30m style)`);
    }
  },
};

/** u48 (TSIG time signed). */
export const u48: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    const v = /^\d{1,15}$/.test(t.text) ? Number(t.text) : -1;
    if (v < 0 || v > 0xffffffffffff) throw syntaxError(`${what}: "${t.text}" is not a 48-bit number`);
    pushU16(out, Math.floor(v / 2 ** 32));
    pushU32(out, v % 2 ** 32);
  },
  end: (b, off, end, what) => need(b, off, 6, end, what),
  toText: (b, off) => String(readU16(b, off) * 2 ** 32 + readU32(b, off + 2)),
};

/** DNSSEC algorithm mnemonics: IANA's, and the spellings BIND (NSEC3DSA) and dnspython (DSANSEC3SHA1, ECC) print. */
export const ALGS: Readonly<Record<string, number>> = {
  RSAMD5: 1, DH: 2, DSA: 3, ECC: 4, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, NSEC3DSA: 6, DSANSEC3SHA1: 6,
  'RSASHA1-NSEC3-SHA1': 7, NSEC3RSASHA1: 7, RSASHA1NSEC3SHA1: 7, RSASHA256: 8, RSASHA512: 10,
  'ECC-GOST': 12, ECCGOST: 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16,
  INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

/** DNSSEC algorithm: a number or its mnemonic; printed as a number (as dig does). */
export const alg: FieldKind = {
  ...u8,
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    const v = parseUint(t.text, 255) ?? ALGS[t.text.toUpperCase()];
    if (v === undefined) throw syntaxError(`${what}: "${t.text}" is not an algorithm number 0-255 or mnemonic`);
    out.push(v);
  },
};

export const rrtype: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    try {
      pushU16(out, typeFromText(t.text));
    } catch {
      throw syntaxError(`${what}: "${t.text}" is not a record type`);
    }
  },
  end: (b, off, end, what) => need(b, off, 2, end, what),
  toText: (b, off) => typeToText(readU16(b, off)),
};

export const ipv4: FieldKind = {
  fromText(ctx, what, out) {
    pushBytes(out, ipv4FromText(nextToken(ctx, what).text, what));
  },
  end: (b, off, end, what) => need(b, off, 4, end, what),
  toText: (b, off) => ipv4ToText(b, off),
};

export const ipv6: FieldKind = {
  fromText(ctx, what, out) {
    pushBytes(out, ipv6FromText(nextToken(ctx, what).text, what));
  },
  end: (b, off, end, what) => need(b, off, 16, end, what),
  toText: (b, off) => ipv6ToText(b, off),
};

function nameKind(mode: 'compress' | 'plain'): FieldKind {
  return {
    name: mode,
    fromText(ctx, what, out) {
      const t = nextToken(ctx, what);
      let n;
      try {
        n = nameFromText(t.text, ctx.origin.length > 0 ? ctx.origin : undefined);
      } catch (e) {
        throw syntaxError(`${what}: ${(e as Error).message}`);
      }
      pushBytes(out, n);
    },
    end(b, off, end, what) {
      try {
        return off + nameLength(b, off, end);
      } catch (e) {
        throw badRdata(`${what}: ${(e as Error).message}`);
      }
    },
    toText: (b, off, end) => nameToText(b.subarray(off, end)),
  };
}

/** A domain name that may be compressed on output (RFC 3597 §4: NS, CNAME, SOA, PTR, MX...). */
export const cname = nameKind('compress');
/** A domain name never compressed on output. */
export const name = nameKind('plain');

function strBytes(text: string, what: string): number[] {
  const b = textBytes(text, what);
  if (b.length > 255) throw syntaxError(`${what}: string longer than 255 octets`);
  return b;
}

/** One <character-string>: a length octet and up to 255 octets. */
export const str: FieldKind = {
  fromText(ctx, what, out) {
    const b = strBytes(nextToken(ctx, what).text, what);
    out.push(b.length);
    pushBytes(out, b);
  },
  end(b, off, end, what) {
    need(b, off, 1, end, what);
    return need(b, off + 1, b[off]!, end, what);
  },
  toText: (b, off, end) => quoteBytes(b, off + 1, end),
};

/** One or more character-strings to the end; strings over 255 octets are split. */
export const strs: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    for (const t of restTokens(ctx, what)) {
      const b = textBytes(t.text, what);
      if (b.length === 0) out.push(0);
      for (let i = 0; i < b.length; i += 255) {
        const chunk = b.slice(i, i + 255);
        out.push(chunk.length);
        pushBytes(out, chunk);
      }
    }
  },
  end(b, off, end, what) {
    if (off >= end) throw badRdata(`${what}: no character-string`);
    let p = off;
    while (p < end) p = str.end(b, p, end, what);
    return p;
  },
  toText(b, off, end) {
    const parts: string[] = [];
    for (let p = off; p < end; p += b[p]! + 1) parts.push(quoteBytes(b, p + 1, p + 1 + b[p]!));
    return parts.join(' ');
  },
};

/** The CAA tag: a length octet and letters/digits, printed unquoted. */
export const caaTag: FieldKind = {
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    if (!/^[A-Za-z0-9]{1,255}$/.test(t.text)) throw syntaxError(`${what}: "${t.text}" is not a tag of letters and digits`);
    out.push(t.text.length);
    pushBytes(out, textBytes(t.text, what));
  },
  end(b, off, end, what) {
    const e = str.end(b, off, end, what);
    if (b[off] === 0) throw badRdata(`${what}: empty tag`);
    for (let i = off + 1; i < e; i++) {
      const c = b[i]! | 0x20;
      if (!((c >= 0x61 && c <= 0x7a) || (b[i]! >= 0x30 && b[i]! <= 0x39))) throw badRdata(`${what}: tag is not letters and digits`);
    }
    return e;
  },
  toText: (b, off, end) => String.fromCharCode(...b.subarray(off + 1, end)),
};

/** Octets to the end of the rdata written as one quoted string (CAA value, URI target). */
export const restString: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    const t = nextToken(ctx, what);
    pushBytes(out, textBytes(t.text, what));
  },
  end: (_b, _off, end) => end,
  toText: (b, off, end) => quoteBytes(b, off, end),
};

import { syntaxError } from './errors.js';

const HEX = '0123456789ABCDEF';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function hexEncode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

export function hexDecode(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw syntaxError(`${what}: "${text}" is not hexadecimal with an even number of digits`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function base64Encode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  if (i + 1 === end) {
    const n = b[i]! << 16;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (i + 2 === end) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return s;
}

export function base64Decode(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw syntaxError(`${what}: "${text.length > 40 ? text.slice(0, 40) + '...' : text}" is not base64`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const ch = text[i + k]!;
      n = (n << 6) | (ch === '=' ? 0 : B64.indexOf(ch));
    }
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** RFC 4648 base32hex without padding, upper case (as dig prints NSEC3 hashes). */
export function base32hexEncode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    acc = (acc << 8) | b[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      s += B32HEX[(acc >> bits) & 31]!;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) s += B32HEX[(acc << (5 - bits)) & 31]!;
  return s;
}

export function base32hexDecode(text: string, what: string): Uint8Array {
  const t = text.toUpperCase().replace(/=+$/, '');
  if (!/^[0-9A-V]*$/.test(t) || [1, 3, 6].includes(t.length % 8)) throw syntaxError(`${what}: "${text}" is not base32hex`);
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of t) {
    acc = (acc << 5) | B32HEX.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
    acc &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

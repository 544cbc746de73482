import { isIPv4, isIPv6 } from 'node:net';
import { GeoError } from './errors.js';

/** An address as 4 or 16 bytes; IPv4-mapped IPv6 (::ffff:a.b.c.d) is read as IPv4. */
export function addressFromText(text: string): Uint8Array {
  const s = text.trim();
  if (isIPv4(s)) return Uint8Array.from(s.split('.').map(Number));
  if (!isIPv6(s)) throw new GeoError('GDNS_ERR_GEO_ADDRESS', `"${text}" is not an IP address`);
  const out = v6Bytes(s);
  return isMappedV4(out) ? out.slice(12) : out;
}

/** The address, or null when the text is not one. */
export function tryAddress(text: string): Uint8Array | null {
  const s = text.trim();
  return isIPv4(s) || isIPv6(s) ? addressFromText(s) : null;
}

function v6Bytes(s: string): Uint8Array {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const w = parseInt(words[i]!, 16);
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 255;
  }
  return out;
}

function isMappedV4(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Text form: dotted quad, or RFC 5952 IPv6. */
export function addressToText(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]!}.${b[1]!}.${b[2]!}.${b[3]!}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

/** A network: address bytes (bits past the prefix zero) and prefix length. */
export interface Network {
  readonly address: Uint8Array;
  readonly prefix: number;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function networkFromText(text: string): Network {
  const [addr = '', bits] = text.trim().split('/');
  const address = addressFromText(addr);
  const max = address.length * 8;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? '0') || prefix > max) {
    throw new GeoError('GDNS_ERR_GEO_ADDRESS', `"${text}" is not a network`);
  }
  return { address: truncate(address, prefix), prefix };
}

export function networkToText(n: Network): string {
  return `${addressToText(n.address)}/${n.prefix}`;
}

/** A copy of the address with the bits past `prefix` cleared. */
export function truncate(address: Uint8Array, prefix: number): Uint8Array {
  const out = address.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = prefix - i * 8;
    if (keep >= 8) continue;
    out[i] = keep <= 0 ? 0 : out[i]! & (0xff << (8 - keep));
  }
  return out;
}

/** Leading bits `a` and `b` have in common (same family). */
export function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return a.length * 8;
}

/** The network holds the address (families must match). */
export function networkHas(n: Network, address: Uint8Array): boolean {
  return n.address.length === address.length && commonPrefix(n.address, address) >= n.prefix;
}

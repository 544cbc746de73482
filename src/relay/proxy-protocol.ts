/**
 * PROXY protocol v1 (text) and v2 (binary) headers: encoding towards upstreams and decoding of an
 * inbound header from a trusted source. Pure; addresses are strings as Node reports them.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are written as IPv4 (sniproxy#334).
 */
import { isIPv4, isIPv6 } from 'node:net';

export type ProxyVersion = 'v1' | 'v2';

export interface ProxyAddresses {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destAddress: string;
  readonly destPort: number;
}

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const PP2_TYPE_AUTHORITY = 0x02;

const unmap = (a: string): string => (a.startsWith('::ffff:') && isIPv4(a.slice(7)) ? a.slice(7) : a);

/**
 * Encodes a header; `authority` (the SNI) is sent as a PP2_TYPE_AUTHORITY TLV in v2. `udp` writes
 * the DGRAM transport (v2 only: v1 has no UDP form).
 */
export function encodeProxyHeader(version: ProxyVersion, a: ProxyAddresses, authority?: string, udp = false): Buffer {
  let src = unmap(a.sourceAddress);
  let dst = unmap(a.destAddress);
  const v4 = isIPv4(src) && isIPv4(dst);
  if (!v4) {
    // Mixed families: express both as IPv6 so the header stays well-formed.
    if (isIPv4(src)) src = `::ffff:${src}`;
    if (isIPv4(dst)) dst = `::ffff:${dst}`;
  }
  if (version === 'v1') {
    if (!isIPv6(src) && !v4) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
    return Buffer.from(`PROXY ${v4 ? 'TCP4' : 'TCP6'} ${src} ${dst} ${a.sourcePort} ${a.destPort}\r\n`, 'latin1');
  }
  const addrLen = v4 ? 12 : 36;
  const tlv = authority ? Buffer.from(authority, 'latin1') : undefined;
  const tlvLen = tlv ? 3 + tlv.length : 0;
  const out = Buffer.alloc(16 + addrLen + tlvLen);
  V2_SIGNATURE.copy(out, 0);
  out[12] = 0x21; // version 2, PROXY command
  out[13] = (v4 ? 0x10 : 0x20) | (udp ? 0x02 : 0x01); // AF_INET/AF_INET6, STREAM/DGRAM
  out.writeUInt16BE(addrLen + tlvLen, 14);
  let off = 16;
  off = writeAddr(out, off, src, v4);
  off = writeAddr(out, off, dst, v4);
  out.writeUInt16BE(a.sourcePort, off);
  out.writeUInt16BE(a.destPort, off + 2);
  off += 4;
  if (tlv) {
    out[off] = PP2_TYPE_AUTHORITY;
    out.writeUInt16BE(tlv.length, off + 1);
    tlv.copy(out, off + 3);
  }
  return out;
}

function writeAddr(out: Buffer, off: number, addr: string, v4: boolean): number {
  if (v4) {
    for (const part of addr.split('.')) out[off++] = Number(part);
    return off;
  }
  const groups = expandIPv6(addr);
  for (const g of groups) {
    out.writeUInt16BE(g, off);
    off += 2;
  }
  return off;
}

/** Expands an IPv6 string (with :: and an optional dotted IPv4 tail) to eight 16-bit groups. */
export function expandIPv6(addr: string): number[] {
  let s = addr;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (isIPv4(last)) {
    const p = last.split('.').map(Number);
    tail.push(((p[0] ?? 0) << 8) | (p[1] ?? 0), ((p[2] ?? 0) << 8) | (p[3] ?? 0));
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head = '', rest] = s.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? 8 - h.length - r.length : 0;
  const all = [...h, ...Array<string>(fill).fill('0'), ...r].map((x) => parseInt(x, 16) || 0);
  if (tail.length) all.splice(6, 2, ...tail);
  return all.slice(0, 8);
}

/** An inbound header's outcome: `need-more`, `invalid`, or the addresses (undefined for LOCAL/UNKNOWN). */
export type ProxyParse =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'header'; readonly length: number; readonly addresses: ProxyAddresses | undefined };

const NEED = { kind: 'need-more' } as const;
const bad = (reason: string): ProxyParse => ({ kind: 'invalid', reason });

/** Parses an inbound PROXY v1 or v2 header at the start of `buf`. */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return NEED;
  if (buf[0] === 0x0d) return parseV2(buf);
  if (buf[0] === 0x50) return parseV1(buf);
  return bad('no PROXY signature');
}

function parseV1(buf: Buffer): ProxyParse {
  const prefix = 'PROXY ';
  const n = Math.min(buf.length, prefix.length);
  if (buf.toString('latin1', 0, n) !== prefix.slice(0, n)) return bad('no PROXY signature');
  const end = buf.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return buf.length >= 107 ? bad('v1 line too long') : NEED;
  if (end + 2 > 107) return bad('v1 line too long');
  const f = buf.toString('latin1', 0, end).split(' ');
  if (f[1] === 'UNKNOWN') return { kind: 'header', length: end + 2, addresses: undefined };
  if (f.length !== 6 || (f[1] !== 'TCP4' && f[1] !== 'TCP6')) return bad('v1 fields');
  const [, fam, src = '', dst = '', sp = '', dp = ''] = f;
  const okAddr = fam === 'TCP4' ? isIPv4(src) && isIPv4(dst) : isIPv6(src) && isIPv6(dst);
  const sourcePort = portOf(sp);
  const destPort = portOf(dp);
  if (!okAddr || sourcePort < 0 || destPort < 0) return bad('v1 addresses');
  return { kind: 'header', length: end + 2, addresses: { sourceAddress: src, sourcePort, destAddress: dst, destPort } };
}

function portOf(s: string): number {
  if (!/^\d{1,5}$/.test(s)) return -1;
  const n = Number(s);
  return n <= 65535 ? n : -1;
}

function parseV2(buf: Buffer): ProxyParse {
  const n = Math.min(buf.length, 12);
  if (!buf.subarray(0, n).equals(V2_SIGNATURE.subarray(0, n))) return bad('no PROXY signature');
  if (buf.length < 16) return NEED;
  const verCmd = buf[12] ?? 0;
  if (verCmd >> 4 !== 2) return bad('v2 version');
  const len = buf.readUInt16BE(14);
  if (buf.length < 16 + len) return NEED;
  const total = 16 + len;
  if ((verCmd & 0x0f) === 0) return { kind: 'header', length: total, addresses: undefined }; // LOCAL
  if ((verCmd & 0x0f) !== 1) return bad('v2 command');
  const fam = buf[13] ?? 0;
  if (fam === 0x11 || fam === 0x12) {
    if (len < 12) return bad('v2 length');
    const ip = (o: number): string => `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`;
    return { kind: 'header', length: total, addresses: { sourceAddress: ip(16), destAddress: ip(20), sourcePort: buf.readUInt16BE(24), destPort: buf.readUInt16BE(26) } };
  }
  if (fam === 0x21 || fam === 0x22) {
    if (len < 36) return bad('v2 length');
    const ip = (o: number): string => {
      const g: string[] = [];
      for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(o + 2 * i).toString(16));
      return g.join(':');
    };
    return { kind: 'header', length: total, addresses: { sourceAddress: ip(16), destAddress: ip(32), sourcePort: buf.readUInt16BE(48), destPort: buf.readUInt16BE(50) } };
  }
  return { kind: 'header', length: total, addresses: undefined }; // UNSPEC / unix: keep the peer
}

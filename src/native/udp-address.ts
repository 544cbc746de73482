/** Reading and writing the per-packet source address record of a UdpBatch (ADDR_BYTES layout). */
import { isIPv4 } from 'node:net';
import { ADDR_BYTES } from './udp-batch.js';
import type { UdpBatch } from './udp-batch.js';

/** Source port of packet i. */
export function peerPort(batch: UdpBatch, i: number): number {
  return recordPort(batch.addr, i * ADDR_BYTES);
}

/** Source address of packet i as text ('192.0.2.1', '2001:db8::1'); allocates, so not for the hot path. */
export function peerAddress(batch: UdpBatch, i: number): string {
  return recordAddress(batch.addr, i * ADDR_BYTES);
}

/** Port of the ADDR_BYTES record at `o`. */
export function recordPort(a: Uint8Array, o = 0): number {
  return ((a[o + 2] ?? 0) << 8) | (a[o + 3] ?? 0);
}

/** Address of the ADDR_BYTES record at `o` as text. */
export function recordAddress(a: Uint8Array, o = 0): string {
  if (a[o] === 4) return `${a[o + 4]}.${a[o + 5]}.${a[o + 6]}.${a[o + 7]}`;
  let mapped = a[o + 14] === 0xff && a[o + 15] === 0xff; // ::ffff:192.0.2.1, as node:dgram writes it
  for (let k = 4; mapped && k < 14; k++) mapped = a[o + k] === 0;
  if (mapped) return `::ffff:${a[o + 16]}.${a[o + 17]}.${a[o + 18]}.${a[o + 19]}`;
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) groups.push((((a[o + 4 + 2 * g] ?? 0) << 8) | (a[o + 5 + 2 * g] ?? 0)).toString(16));
  return compressV6(groups);
}

function compressV6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Writes the record of packet i from a dgram rinfo (fallback path). */
export function writePeer(out: Uint8Array, i: number, address: string, port: number): void {
  const o = i * ADDR_BYTES;
  out.fill(0, o, o + ADDR_BYTES);
  out[o + 2] = port >> 8;
  out[o + 3] = port & 0xff;
  if (isIPv4(address)) {
    out[o] = 4;
    writeV4(out, o + 4, address);
    return;
  }
  out[o] = 6;
  writeV6(out, o + 4, address);
}

function writeV4(out: Uint8Array, at: number, text: string): void {
  let part = 0;
  let value = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 46) { out[at + part++] = value; value = 0; } else value = value * 10 + (c - 48);
  }
  out[at + part] = value;
}

function writeV6(out: Uint8Array, at: number, text: string): void {
  const zone = text.indexOf('%');
  let addr = zone >= 0 ? text.slice(0, zone) : text;
  if (addr.includes('.')) { // embedded IPv4 (::ffff:192.0.2.1): rewrite the tail as two hex groups
    const cut = addr.lastIndexOf(':') + 1;
    const v4 = new Uint8Array(4);
    writeV4(v4, 0, addr.slice(cut));
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    addr = `${addr.slice(0, cut)}${hi}:${lo}`;
  }
  const hex = (part: string): number[] => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const gap = addr.indexOf('::');
  const left = hex(gap >= 0 ? addr.slice(0, gap) : addr);
  const right = gap >= 0 ? hex(addr.slice(gap + 2)) : [];
  const groups = [...left, ...new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
  for (let g = 0; g < 8; g++) {
    const v = groups[g] ?? 0;
    out[at + 2 * g] = v >> 8;
    out[at + 2 * g + 1] = v & 0xff;
  }
}

/** A fresh ADDR_BYTES record for sendTo ('192.0.2.1' or an IPv6 address, and a port). */
export function addressRecord(address: string, port: number): Uint8Array {
  const out = new Uint8Array(ADDR_BYTES);
  writePeer(out, 0, address, port);
  return out;
}

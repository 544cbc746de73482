import { isIP } from 'node:net';
import { XfrError } from './errors.js';

/** A DNS server to talk to: an IP address and a port. */
export interface Peer { host: string; port: number }

/** `192.0.2.1`, `192.0.2.1:5300`, `2001:db8::1`, `[2001:db8::1]:5300` (port 53 when none). */
export function parsePeer(text: string, defaultPort = 53): Peer {
  const t = text.trim();
  let host = t;
  let port = defaultPort;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else if ((t.match(/:/g) ?? []).length === 1) {
    const i = t.indexOf(':');
    host = t.slice(0, i);
    port = Number(t.slice(i + 1));
  }
  if (isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new XfrError('GDNS_ERR_XFR_CONFIG', `"${text}" is not IP[:PORT] (e.g. 192.0.2.1, 192.0.2.1:5300, [2001:db8::1]:5300)`);
  }
  return { host, port };
}

export function peerText(p: Peer): string {
  return p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
}

/** Text form of a 4- or 16-byte address (what node:net and BlockList take). */
export function addressText(a: Uint8Array): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  const text = parts.join(':');
  // IPv4-mapped addresses compare as IPv4.
  if (text.startsWith('0:0:0:0:0:ffff:')) return `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  return text;
}

/**
 * Normalised text of an address, so that equal addresses compare equal: IPv4-mapped IPv6 as IPv4, IPv6 as
 * eight lower-case groups without leading zeros ('::1' and '0:0:0:0:0:0:0:1' alike, as addressText writes).
 */
export function normalAddress(text: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (m) return m[1]!;
  if (!text.includes(':')) return text;
  let t = text.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (v4) t = `${t.slice(0, v4.index)}${((Number(v4[1]) << 8) | Number(v4[2])).toString(16)}:${((Number(v4[3]) << 8) | Number(v4[4])).toString(16)}`;
  const [head = '', tail] = t.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const out = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  return out.startsWith('0:0:0:0:0:ffff:') ? addressText(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    ...groups.slice(6).flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 255]; })])) : out;
}

import type { Name } from '../wire/index.js';
import { addressFromText, addressToText, tryAddress } from './address.js';
import { boostFormat } from './lua-args.js';

const decoder = new TextDecoder('latin1');

/** The labels of a wire-form name, left to right, as raw text (PowerDNS getRawLabels). */
export function rawLabels(name: Name): string[] {
  const out: string[] = [];
  for (let o = 0; name[o]! !== 0; o += name[o]! + 1) out.push(decoder.decode(name.subarray(o + 1, o + 1 + name[o]!)));
  return out;
}

/** Presentation text with the trailing dot ("." for the root). */
export function nameText(name: Name): string {
  const labels = rawLabels(name);
  return labels.length === 0 ? '.' : `${labels.join('.')}.`;
}

/** createReverse: 4.3.2.1.in-addr.arpa formatted; `exceptions` maps addresses to fixed answers. */
export function createReverse(qname: Name, format: string, exceptions: Map<string, string>): string {
  const l = rawLabels(qname);
  if (l.length < 4) return 'unknown';
  const req = tryAddress(`${l[3]}.${l[2]}.${l[1]}.${l[0]}`);
  if (req !== null) {
    for (const [addr, answer] of exceptions) {
      const a = tryAddress(addr);
      if (a !== null && addressToText(a) === addressToText(req)) return answer;
    }
  }
  const hex = [3, 2, 1, 0].map((i) => (Number.parseInt(l[i]!, 10) & 255).toString(16).padStart(2, '0')).join('');
  return boostFormat(format, [l[3]!, l[2]!, l[1]!, l[0]!, `${l[3]}-${l[2]}-${l[1]}-${l[0]}`, hex]);
}

/** createReverse6: the 32 nibble labels of an ip6.arpa name formatted. */
export function createReverse6(qname: Name, format: string, exceptions: Map<string, string>): string {
  const l = rawLabels(qname);
  if (l.length < 32) return 'unknown';
  const quads: string[] = [];
  for (let chunk = 0; chunk < 8; chunk++) {
    let q = '';
    for (let i = 0; i < 4; i++) q += l[31 - chunk * 4 - i]![0] ?? '';
    quads.push(q);
  }
  const ip6 = tryAddress(quads.join(':'));
  if (ip6 === null) return 'unknown';
  const text = addressToText(ip6);
  for (const [addr, answer] of exceptions) {
    const a = tryAddress(addr);
    if (a !== null && addressToText(a) === text) return answer;
  }
  let dashed = text.replaceAll(':', '-');
  if (dashed.endsWith('-')) dashed += '0';
  if (dashed.startsWith('-') || dashed.slice(2, 4) === '--') dashed = `0${dashed}`;
  const args: string[] = [];
  for (let b = 31; b >= 0; b--) args.push(l[b]!);
  args.push(dashed, ...quads);
  return boostFormat(format, args);
}

/** Labels of qname relative to the zone (PowerDNS 4.7 makeRelative(zone)). */
function relativeLabels(qname: Name, zone: Name): string[] {
  const q = rawLabels(qname);
  return q.slice(0, q.length - rawLabels(zone).length);
}

/** createForward as PowerDNS 4.7: 1.2.3.4.zone (the first four labels), 1-2-3-4.zone or
 * ip-1-2-3-4.zone (the last four dash parts of the first label), ip01020304.zone (two characters
 * and eight hex digits); else 0.0.0.0. */
export function createForward(qname: Name, zone: Name): string {
  const zero = '0.0.0.0';
  const parts = relativeLabels(qname, zone);
  if (parts.length >= 4) {
    const a = tryAddress(parts.slice(0, 4).join('.'));
    return a === null ? zero : addressToText(a);
  }
  if (parts.length === 0) return zero;
  const first = parts[0]!;
  const ip = first.split('-').filter((p) => p !== '');
  if (ip.length >= 4) {
    const octets = ip.slice(-4);
    for (const o of octets) {
      const m = /^\s*[+-]?\d+/.exec(o);
      if (m === null) return zero;
      const v = Number(m[0]);
      if (v < 0 || v > 255) return zero;
    }
    return octets.join('.');
  }
  if (first.length === 10) {
    const hex = first.slice(2);
    if (/^[0-9a-fA-F]{8}$/.test(hex)) return [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  return zero;
}

/** createForward6 as PowerDNS 4.7: eight labels of hex groups, or one label with dashes for colons
 * (relative to the zone); else ::. A label that is no address is an error. */
export function createForward6(qname: Name, zone: Name): string {
  const parts = relativeLabels(qname, zone);
  if (parts.length === 8) return addressToText(addressFromText(parts.join(':')));
  if (parts.length === 1) return addressToText(addressFromText(parts[0]!.replaceAll('-', ':')));
  return '::';
}

/** closestMagic's candidates: leading labels like 192-0-2-1, up to the first that is no address. */
export function magicCandidates(qname: Name): string[] {
  const out: string[] = [];
  for (const label of rawLabels(qname)) {
    const a = tryAddress(label.replaceAll('-', '.'));
    if (a === null) break;
    out.push(addressToText(a));
  }
  return out;
}

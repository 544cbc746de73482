import { Flag, WireError, decodeMessage, encodeMessage, nameFromText, rdataFromText, rdataToText, readQuery, tokenize, typeFromText } from '../index.js';
import type { Message, Rr } from '../index.js';
import { RDATA_CASES, PDNS_CASES } from './rdata-cases.js';

/** Small deterministic PRNG (mulberry32) so fuzz runs are reproducible from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const origin = nameFromText('example.com.');

/** Seed messages: every type of the issue, with compression, EDNS options and a TSIG-looking tail. */
export function corpus(): Uint8Array[] {
  const all = [...RDATA_CASES, ...PDNS_CASES];
  const rrs: Rr[] = all.map(([t, text], i) => ({
    name: nameFromText(`n${i % 5}.example.com.`), type: typeFromText(t), class: 1, ttl: i,
    rdata: rdataFromText(typeFromText(t), tokenize(text), origin),
  }));
  const base = (answers: Rr[]): Message => ({
    id: 1, flags: Flag.QR | Flag.AA, opcode: 0, rcode: 0, questions: [{ name: nameFromText('n1.example.com.'), type: 1, class: 1 }],
    answers, authority: [], additional: [],
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: true, flags: 0x8000, options: [{ code: 8, data: Uint8Array.of(0, 1, 24, 0, 192, 0, 2) }, { code: 10, data: new Uint8Array(8) }] },
    tsig: null,
  });
  const out: Uint8Array[] = [];
  for (let i = 0; i < rrs.length; i += 8) out.push(encodeMessage(base(rrs.slice(i, i + 8))));
  out.push(encodeMessage(base(rrs)));
  return out;
}

export function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = Array.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rnd() * b.length);
    switch (Math.floor(rnd() * 7)) {
      case 0: b[pos] = b[pos]! ^ (1 << Math.floor(rnd() * 8)); break;
      case 1: b[pos] = Math.floor(rnd() * 256); break;
      case 2: b.splice(pos, 1); break;
      case 3: b.splice(pos, 0, Math.floor(rnd() * 256)); break;
      case 4: b.length = pos; break;
      case 5: b.splice(pos, 2, 0xc0 | Math.floor(rnd() * 4), Math.floor(rnd() * 256)); break;
      default: b[pos] = [0, 63, 64, 0xc0, 255][Math.floor(rnd() * 5)]!; break;
    }
  }
  return Uint8Array.from(b);
}

/** LOC sizes 0 x 10^e (e > 0) are legal on the wire but print as "0m", which reads back as 0 x 10^0. */
const lossyText = (rr: Rr): boolean => rr.type === 29 && [1, 2, 3].some((k) => (rr.rdata[k]! >> 4) === 0 && (rr.rdata[k]! & 15) !== 0);

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One fuzz case: the decoder and readQuery either throw WireError or succeed; a decoded message
 * re-encodes to bytes that decode to the same message (decode -> encode -> decode is stable), and the
 * text of every decoded rdata parses back to the same wire. Returns a failure description or null.
 */
export function checkOne(buf: Uint8Array): string | null {
  try {
    readQuery(buf, buf.length);
  } catch (e) {
    if (!(e instanceof WireError)) return `readQuery threw ${String(e)}`;
  }
  let m: Message;
  try {
    m = decodeMessage(buf);
  } catch (e) {
    return e instanceof WireError ? null : `decodeMessage threw ${(e as Error).stack ?? String(e)}`;
  }
  let again: Uint8Array;
  try {
    again = encodeMessage(m);
  } catch (e) {
    return `encodeMessage of a decoded message threw ${String(e)}`;
  }
  const m2 = decodeMessage(again);
  if (!same(encodeMessage(m2), again)) return 'decode -> encode -> decode is not stable';
  for (const rr of [...m2.answers, ...m2.authority, ...m2.additional]) {
    if ((rr.rdata.length === 0 && (rr.class === 254 || rr.class === 255)) || lossyText(rr)) continue;
    const text = rdataToText(rr.type, rr.rdata);
    try {
      if (!same(rdataFromText(rr.type, tokenize(text), origin), rr.rdata)) return `type ${rr.type}: text "${text}" parses to other rdata`;
    } catch (e) {
      return `type ${rr.type}: text "${text}" does not parse: ${String(e)}`;
    }
  }
  return null;
}

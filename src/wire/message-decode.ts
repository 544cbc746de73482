import { RRClass, RRType } from './constants.js';
import { badRdata, truncated, WireError } from './errors.js';
import { NAME_COMPRESSED, expandName, readName, scanName } from './name-read.js';
import type { Edns, Message, Question, Rr } from './message-types.js';
import { readOpt } from './edns.js';
import { descriptorOf, hasNames } from './rrtypes/descriptors.js';
import { fieldOffsets } from './rdata.js';

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/** Rdata at buf[off, off+rdlen) with compressed names expanded; validated for its type. */
export function decodeRdata(buf: Uint8Array, off: number, rdlen: number, type: number, msgLen: number): Uint8Array {
  const end = off + rdlen;
  const d = descriptorOf(type);
  if (!d || !hasNames(d)) {
    const rdata = buf.slice(off, end);
    if (d) fieldOffsets(d, rdata);
    return rdata;
  }
  const parts: Uint8Array[] = [];
  let p = off;
  for (const f of d.fields) {
    const what = `${d.name} ${f.label}`;
    if (f.kind.name) {
      let r: number;
      try {
        r = scanName(buf, p, msgLen);
      } catch (e) {
        throw badRdata(`${what}: ${(e as Error).message}`);
      }
      const next = r & ~NAME_COMPRESSED;
      if (next > end) throw badRdata(`${what}: name runs past the rdata`);
      parts.push(r & NAME_COMPRESSED ? expandName(buf, p) : buf.subarray(p, next));
      p = next;
    } else {
      const next = f.kind.end(buf, p, end, what);
      parts.push(buf.subarray(p, next));
      p = next;
    }
  }
  if (p !== end) throw badRdata(`${d.name}: ${end - p} octets after the last field`);
  let size = 0;
  for (const x of parts) size += x.length;
  const out = new Uint8Array(size);
  size = 0;
  for (const x of parts) {
    out.set(x, size);
    size += x.length;
  }
  return out;
}

interface Cursor { p: number }

function readRrNoOpt(buf: Uint8Array, c: Cursor, len: number): Rr {
  const rr = readRr(buf, c, len);
  if (rr.type === RRType.OPT) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'OPT record outside the additional section');
  return rr;
}

function readRr(buf: Uint8Array, c: Cursor, len: number): Rr {
  const { name, next } = readName(buf, c.p, len);
  if (next + 10 > len) throw truncated('resource record');
  const type = u16(buf, next);
  const klass = u16(buf, next + 2);
  const ttl = ((buf[next + 4]! << 24) | (buf[next + 5]! << 16) | (buf[next + 6]! << 8) | buf[next + 7]!) >>> 0;
  const rdlen = u16(buf, next + 8);
  const off = next + 10;
  if (off + rdlen > len) throw truncated('rdata');
  c.p = off + rdlen;
  const empty = rdlen === 0 && (klass === RRClass.ANY || klass === RRClass.NONE);
  const rdata = empty || type === RRType.OPT ? buf.slice(off, off + rdlen) : decodeRdata(buf, off, rdlen, type, len);
  return { name: Uint8Array.prototype.slice.call(name), type, class: klass, ttl, rdata };
}

/** Decodes and fully validates a message. OPT and TSIG are taken out of the additional section. */
export function decodeMessage(buf: Uint8Array): Message {
  const len = buf.length;
  if (len < 12) throw truncated('header');
  const flags = u16(buf, 2);
  const counts = [u16(buf, 4), u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  const c: Cursor = { p: 12 };
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = readName(buf, c.p, len);
    if (next + 4 > len) throw truncated('question');
    questions.push({ name: Uint8Array.prototype.slice.call(name), type: u16(buf, next), class: u16(buf, next + 2) });
    c.p = next + 4;
  }
  const answers: Rr[] = [];
  const authority: Rr[] = [];
  const additional: Rr[] = [];
  for (let i = 0; i < counts[1]; i++) answers.push(readRrNoOpt(buf, c, len));
  for (let i = 0; i < counts[2]; i++) authority.push(readRrNoOpt(buf, c, len));
  let edns: Edns | null = null;
  let tsig: Rr | null = null;
  for (let i = 0; i < counts[3]; i++) {
    const start = c.p;
    const rr = readRr(buf, c, len);
    if (rr.type === RRType.OPT) {
      if (edns) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'more than one OPT record');
      if (buf[start] !== 0) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'OPT record not owned by the root');
      const e = readOpt(buf, start + 3, c.p);
      e.options = e.options.map((o) => ({ code: o.code, data: Uint8Array.prototype.slice.call(o.data) }));
      edns = e;
    } else if (rr.type === RRType.TSIG) {
      if (i !== counts[3] - 1) throw new WireError('GDNS_ERR_WIRE_BAD_TSIG', 'TSIG is not the last record');
      tsig = rr;
    } else additional.push(rr);
  }
  if (c.p !== len) throw new WireError('GDNS_ERR_WIRE_TRAILING_DATA', `${len - c.p} octets after the last record`);
  return {
    id: u16(buf, 0), flags, opcode: (flags >> 11) & 15, rcode: ((edns?.extRcode ?? 0) << 4) | (flags & 15),
    questions, answers, authority, additional, edns, tsig,
  };
}

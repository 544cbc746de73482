import { EdnsOptionCode, RRType } from './constants.js';
import { truncated, WireError } from './errors.js';
import type { Name } from './name.js';
import { ROOT } from './name.js';
import { NAME_COMPRESSED, scanName } from './name-read.js';
import type { ClientSubnet, Cookie, Edns } from './message-types.js';
import { decodeClientSubnet, decodeCookie, readOpt } from './edns.js';

/** What the answer path needs from a query, read without decoding the whole message. */
export interface Query {
  id: number;
  flags: number;
  opcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  /** Subarray of the query buffer (the first question is never compressed). ROOT when qdcount is 0. */
  qname: Name;
  qtype: number;
  qclass: number;
  /** Offset just after the first question (12 when there is none). */
  questionEnd: number;
  edns: Edns | null;
  ecs: ClientSubnet | null;
  cookie: Cookie | null;
  /** Offset of the TSIG RR (last in additional), -1 if none. */
  tsigOffset: number;
}

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

function nameEnd(buf: Uint8Array, off: number, len: number): number {
  return scanName(buf, off, len) & ~NAME_COMPRESSED;
}

/**
 * Reads header, questions and the OPT/TSIG records of the query in buf[0, len). Throws WireError on
 * malformed input (bad names, truncated sections, two OPTs, OPT not owned by the root, bad ECS or
 * cookie, TSIG not last). Octets after the last record are ignored. `into` is filled and returned.
 */
export function readQuery(buf: Uint8Array, len: number, into?: Query): Query {
  if (len < 12) throw truncated('header');
  const q = into ?? ({} as Query);
  q.id = u16(buf, 0);
  q.flags = u16(buf, 2);
  q.opcode = (q.flags >> 11) & 15;
  q.qdcount = u16(buf, 4);
  q.ancount = u16(buf, 6);
  q.nscount = u16(buf, 8);
  q.arcount = u16(buf, 10);
  q.qname = ROOT;
  q.qtype = 0;
  q.qclass = 0;
  q.edns = null;
  q.ecs = null;
  q.cookie = null;
  q.tsigOffset = -1;
  let p = 12;
  for (let i = 0; i < q.qdcount; i++) {
    const start = p;
    const r = scanName(buf, p, len);
    p = r & ~NAME_COMPRESSED;
    if (p + 4 > len) throw truncated('question');
    if (i === 0) {
      if (r & NAME_COMPRESSED) throw new WireError('GDNS_ERR_WIRE_FORWARD_POINTER', 'the first question name is compressed');
      q.qname = buf.subarray(start, p);
      q.qtype = u16(buf, p);
      q.qclass = u16(buf, p + 2);
    }
    p += 4;
  }
  q.questionEnd = q.qdcount > 0 ? 12 + q.qname.length + 4 : 12;
  const before = q.ancount + q.nscount;
  const total = before + q.arcount;
  for (let i = 0; i < total; i++) {
    const start = p;
    p = nameEnd(buf, p, len);
    if (p + 10 > len) throw truncated('resource record');
    const type = u16(buf, p);
    const rdEnd = p + 10 + u16(buf, p + 8);
    if (rdEnd > len) throw truncated('rdata');
    if (type === RRType.OPT) {
      if (i < before) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'OPT record outside the additional section');
      readOptInto(q, buf, start, p, rdEnd);
    }
    else if (type === RRType.TSIG) {
      if (i !== total - 1) throw new WireError('GDNS_ERR_WIRE_BAD_TSIG', 'TSIG is not the last record');
      q.tsigOffset = start;
    }
    p = rdEnd;
  }
  // Octets after the last record are ignored, as NSD and Knot ignore them (decodeMessage is strict).
  return q;
}

function readOptInto(q: Query, buf: Uint8Array, start: number, p: number, rdEnd: number): void {
  if (q.edns !== null) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'more than one OPT record');
  if (p !== start + 1) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'OPT record not owned by the root');
  const edns = readOpt(buf, p + 2, rdEnd);
  q.edns = edns;
  for (const o of edns.options) {
    if (o.code === EdnsOptionCode.CLIENT_SUBNET) {
      if (q.ecs !== null) throw new WireError('GDNS_ERR_WIRE_BAD_ECS', 'more than one Client Subnet option');
      q.ecs = decodeClientSubnet(o.data);
    } else if (o.code === EdnsOptionCode.COOKIE) {
      if (q.cookie !== null) throw new WireError('GDNS_ERR_WIRE_BAD_COOKIE', 'more than one COOKIE option');
      q.cookie = decodeCookie(o.data);
    }
  }
}

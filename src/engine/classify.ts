import { Flag, Opcode, RRClass, RRType, Rcode } from '../wire/index.js';
import type { QueryContext } from './context.js';

/** What the guard stage decided about a parsed query. */
export const Verdict = {
  /** Go on to the zone and the lookup. */
  Answer: 0,
  /** Answer now with ctx.rcode and no records (errors, BADVERS). */
  Reply: 1,
  /** Hand the message to a registered handler (NOTIFY, UPDATE, zone transfers over TCP). */
  Handoff: 2,
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface ClassifyOptions {
  /** Largest UDP response sent, whatever the client offers (default 1232, RFC 9715 / DNS flag day 2020). */
  maxUdpSize: number;
  /** Opcodes a handler was registered for (NOTIFY, UPDATE). */
  handledOpcodes: ReadonlySet<number>;
  /** A transfer handler was registered (AXFR/IXFR over TCP). */
  transfers: boolean;
}

/** Guard clauses in the order NSD's query_process and RFC 6891 give them. The header was readable and
 * QR is clear (packets with QR set never get here). */
export function classify(ctx: QueryContext, opts: ClassifyOptions): Verdict {
  const q = ctx.query;
  const edns = q.edns;
  const udp = ctx.client.transport === 'udp';
  if (edns !== null) {
    ctx.edns = true;
    ctx.dnssecOk = edns.do;
    ctx.maxSize = udp ? Math.min(Math.max(edns.udpSize, 512), opts.maxUdpSize) : 65535;
    if (edns.version > 0) {
      ctx.rcode = Rcode.BADVERS;
      return Verdict.Reply;
    }
  } else {
    ctx.maxSize = udp ? 512 : 65535;
  }
  if (q.opcode !== Opcode.QUERY) {
    if (opts.handledOpcodes.has(q.opcode)) return Verdict.Handoff;
    ctx.rcode = q.opcode === Opcode.NOTIFY || q.opcode === Opcode.UPDATE ? Rcode.REFUSED : Rcode.NOTIMP;
    return Verdict.Reply;
  }
  // An IXFR query carries the client's SOA in the authority section (RFC 1995 §3).
  if (q.qdcount !== 1 || q.ancount !== 0 || (q.nscount !== 0 && q.qtype !== RRType.IXFR)) {
    ctx.rcode = Rcode.FORMERR;
    return Verdict.Reply;
  }
  if (q.qtype === RRType.AXFR || q.qtype === RRType.IXFR) {
    if (udp && q.qtype === RRType.AXFR) {
      ctx.rcode = Rcode.NOTIMP;
      return Verdict.Reply;
    }
    if (!udp) {
      if (opts.transfers) return Verdict.Handoff;
      ctx.rcode = Rcode.REFUSED;
      return Verdict.Reply;
    }
  }
  if (q.qtype === RRType.OPT || q.qtype === RRType.TSIG || q.qtype === 249 /* TKEY */) {
    ctx.rcode = Rcode.FORMERR;
    return Verdict.Reply;
  }
  if (q.qclass !== RRClass.IN) {
    ctx.rcode = Rcode.REFUSED;
    return Verdict.Reply;
  }
  return Verdict.Answer;
}

/** The flags word of a response: QR, the query's opcode and RD copied, AA and TC as decided. CD is not
 * copied (RFC 4035 §3.1.6: it concerns resolvers). */
export function responseFlags(ctx: QueryContext): number {
  return Flag.QR | (ctx.query.flags & (0x7800 | Flag.RD)) | (ctx.aa ? Flag.AA : 0) |
    (ctx.tc ? Flag.TC : 0) | (ctx.rcode & 0xf);
}

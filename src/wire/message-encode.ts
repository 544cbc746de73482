import type { Message, Rr } from './message-types.js';
import { nameEqual } from './name.js';
import { Flag } from './constants.js';
import { MessageWriter } from './writer.js';

function optSize(msg: Message): number {
  if (!msg.edns) return 0;
  let n = 11;
  for (const o of msg.edns.options) n += 4 + o.data.length;
  return n;
}

const sameRrset = (a: Rr, b: Rr): boolean => a.type === b.type && a.class === b.class && nameEqual(a.name, b.name);

/**
 * Encodes a message (names compressed unless compress is false). When it would exceed maxSize, whole
 * RRsets are dropped from the end: additional ones first (no TC, RFC 2181 §9); if answer or authority
 * data must go, everything after it goes too and TC is set. OPT and TSIG are always written.
 */
export function encodeMessage(msg: Message, opts: { maxSize?: number; compress?: boolean } = {}): Uint8Array {
  const w = new MessageWriter(65535);
  w.compress = opts.compress ?? true;
  w.reset(opts.maxSize ?? 65535);
  const rcode = msg.rcode;
  let flags = (msg.flags & ~0x780f) | ((msg.opcode & 15) << 11) | (rcode & 15);
  w.header(msg.id, flags);
  w.reserve(optSize(msg) + (msg.tsig ? msg.tsig.name.length + 10 + msg.tsig.rdata.length : 0));
  for (const q of msg.questions) w.question(q.name, q.type, q.class);
  let truncatedData = false;
  const sections = [msg.answers, msg.authority, msg.additional] as const;
  for (let s = 0; s < 3 && !truncatedData; s++) {
    w.section((s + 1) as 1 | 2 | 3);
    const rrs = sections[s]!;
    for (let i = 0; i < rrs.length;) {
      let j = i + 1;
      while (j < rrs.length && sameRrset(rrs[i]!, rrs[j]!)) j++;
      const m = w.mark();
      let ok = true;
      for (let k = i; k < j && ok; k++) ok = w.rr(rrs[k]!.name, rrs[k]!.type, rrs[k]!.class, rrs[k]!.ttl, rrs[k]!.rdata);
      if (!ok) {
        w.rollback(m);
        if (s < 2) truncatedData = true;
        break;
      }
      i = j;
    }
  }
  if (truncatedData) {
    flags |= Flag.TC;
    w.setFlags(flags);
  }
  if (msg.edns) {
    const e = msg.edns;
    w.opt({ udpSize: e.udpSize, extRcode: rcode >> 4, version: e.version, do: e.do, flags: e.flags, options: e.options });
  }
  if (msg.tsig) w.rrReserved(msg.tsig.name, msg.tsig.type, msg.tsig.class, msg.tsig.ttl, msg.tsig.rdata);
  return w.finish().slice();
}

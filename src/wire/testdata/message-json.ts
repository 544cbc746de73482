import type { Message, Rr } from '../index.js';
import { nameToText } from '../index.js';
import { hex } from './oracle.js';

/** The JSON shape the dnspython oracle gives for a decoded message, for field-by-field comparison. */
export function messageJson(m: Message): object {
  const rr = (r: Rr): object => ({ name: nameToText(r.name), type: r.type, class: r.class, ttl: r.ttl, rdata: hex(r.rdata) });
  return {
    id: m.id, flags: m.flags, opcode: m.opcode, rcode: m.rcode,
    questions: m.questions.map((q) => ({ name: nameToText(q.name), type: q.type, class: q.class })),
    answers: m.answers.map(rr), authority: m.authority.map(rr), additional: m.additional.map(rr),
    edns: m.edns && {
      udpSize: m.edns.udpSize, version: m.edns.version, do: m.edns.do, flags: m.edns.flags,
      options: m.edns.options.map((o) => ({ code: o.code, data: hex(o.data) })),
    },
  };
}

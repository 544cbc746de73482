import type { MessageWriter } from '../wire/index.js';
import type { QueryContext, Section } from './context.js';
import { responseFlags } from './classify.js';
import { EcsOption } from './ecs-option.js';

/** Size of the OPT record we add: root owner, type, class, TTL, RDLENGTH (no options). */
const OPT_SIZE = 11;

/** The ECS option of the response being assembled (synchronous: one response at a time). */
const ecsOption = new EcsOption();

/** The EDNS buffer size we announce (RFC 9715). */
export const ANNOUNCED_UDP_SIZE = 1232;

/**
 * Writes the response into `w`. RRsets are written whole or not at all; an answer or authority RRset that
 * does not fit, or required glue, sets TC (RFC 2181 §9, RFC 9471); other additional data is left out.
 */
export function assemble(ctx: QueryContext, w: MessageWriter, withQuestion: boolean): Uint8Array {
  const q = ctx.query;
  const options = ecsOption.of(ctx);
  w.reset(ctx.maxSize);
  w.header(q.id, 0);
  if (withQuestion) w.question(q.qname, q.qtype, q.qclass);
  if (ctx.edns) w.reserve(OPT_SIZE + (options === undefined ? 0 : 4 + options[0]!.data.length));
  if (writeSection(w, 1, ctx.answer, ctx.answer.length) && writeSection(w, 2, ctx.authority, ctx.authority.length)) {
    if (!writeSection(w, 3, ctx.additional, ctx.requiredGlue)) ctx.tc = true;
  } else {
    ctx.tc = true;
  }
  w.setFlags(responseFlags(ctx));
  if (ctx.edns) {
    w.opt({ udpSize: ANNOUNCED_UDP_SIZE, extRcode: ctx.rcode >> 4, version: 0, do: ctx.dnssecOk, options });
  }
  return w.finish();
}

/** Writes a section; returns false when one of its first `required` entries did not fit. */
function writeSection(w: MessageWriter, n: 1 | 2 | 3, section: Section, required: number): boolean {
  w.section(n);
  for (let i = 0; i < section.length; i++) {
    const e = section[i]!;
    const mark = w.mark();
    let ok = true;
    for (const rdata of e.set.rdata) {
      if (!w.rr(e.owner, e.set.type, 1, e.set.ttl, rdata)) { ok = false; break; }
    }
    if (ok && e.sigs !== undefined) {
      for (const rdata of e.sigs.rdata) {
        if (!w.rr(e.owner, e.sigs.type, 1, e.set.ttl, rdata)) { ok = false; break; }
      }
    }
    if (!ok) {
      w.rollback(mark);
      return i >= required;
    }
  }
  return true;
}

import { RRType, Rcode, nameEqual, nameLabelCount, nameParent } from '../wire/index.js';
import type { Zone } from '../zone/index.js';
import type { QueryContext } from './context.js';
import { classify, Verdict } from './classify.js';
import type { ClassifyOptions } from './classify.js';
import { resolve } from './resolve.js';
import type { ServeOptions } from './resolve.js';

export interface PipelineOptions {
  classify: ClassifyOptions;
  serve: ServeOptions;
  /** Origin keys of zones that must not be answered from (an expired secondary): SERVFAIL. */
  unavailable: ReadonlySet<string>;
}

/**
 * The fixed order of the stages a query passes (CoreDNS plugin.cfg, Knot's query stages). Every stage is
 * synchronous; a stage that decides the outcome stops the run.
 *
 *   classify   guard clauses: EDNS version, opcode, QDCOUNT, meta types, class
 *   zone       the longest matching zone served here, else REFUSED without AA
 *   resolve    RFC 1034 lookup with wildcards, CNAME/DNAME chains, referrals and DNSSEC proofs
 */
export function runPipeline(ctx: QueryContext, opts: PipelineOptions): Verdict {
  const verdict = classify(ctx, opts.classify);
  if (verdict !== Verdict.Answer) return verdict;
  const zone = findZone(ctx);
  if (zone === undefined) {
    ctx.rcode = Rcode.REFUSED;
    return Verdict.Reply;
  }
  if (opts.unavailable.size > 0 && opts.unavailable.has(zone.originKey)) {
    ctx.rcode = Rcode.SERVFAIL;
    return Verdict.Reply;
  }
  ctx.zone = zone;
  ctx.aa = true;
  if (ctx.query.qtype === RRType.IXFR && nameEqual(ctx.query.qname, zone.origin)) {
    // Over UDP (TCP transfers go to the transfer handler): the current SOA tells the client to use TCP
    // (RFC 1995 §4), as Knot answers.
    ctx.answer.push({ owner: zone.origin, set: zone.soa, sigs: undefined });
    return Verdict.Answer;
  }
  resolve(ctx, opts.serve);
  return Verdict.Answer;
}

/** The longest matching zone; for DS at the apex of a zone whose parent is hosted too, the parent (the
 * DS lives on the parent's side of the cut, RFC 4035 §3.1.4.1). */
function findZone(ctx: QueryContext): Zone | undefined {
  const q = ctx.query;
  const zone = ctx.zones.find(q.qname);
  if (zone === undefined || q.qtype !== RRType.DS || nameLabelCount(q.qname) === 0 || !nameEqual(zone.origin, q.qname)) {
    return zone;
  }
  return ctx.zones.find(nameParent(q.qname)) ?? zone;
}

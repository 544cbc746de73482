import { nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { ClientSubnet } from '../wire/index.js';
import type { QueryEvent } from '../engine/index.js';

/** What the query log and the metrics read from one `gdns:query:done` event. */
export interface QueryRecord {
  time: string;
  client: string;
  proto: 'udp' | 'tcp';
  /** The EDNS Client Subnet the query carried, `address/source-prefix`, or null. */
  ecs: string | null;
  name: string;
  type: string;
  rcode: string;
  /** The zone that answered, or null (REFUSED: not served here). */
  zone: string | null;
  /** Answer section as `TYPE rdata` strings (at most MAX_ANSWERS, then `+N more`). */
  answer: string[];
  /** The geo stage chose the answer (it depends on the client), with the ECS scope it applied. */
  geo: { tailored: boolean; scope: number } | null;
  /** Milliseconds from the query's arrival in the engine to its answer, when the engine measured it. */
  latencyMs: number | null;
  size: number;
  error?: string;
}

const MAX_ANSWERS = 8;

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function rcodeText(rcode: number): string {
  return RCODES[rcode] ?? `RCODE${rcode}`;
}

export function addressText(a: Uint8Array): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  // Longest run of zero groups becomes '::' (RFC 5952).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function ecsText(ecs: ClientSubnet | null): string | null {
  return ecs === null ? null : `${addressText(ecs.address)}/${ecs.sourcePrefix}`;
}

/** Elapsed time of the query (`elapsedNs`, set by the engine), in milliseconds to the microsecond. */
export function eventLatencyMs(event: QueryEvent): number | null {
  const ns = (event as QueryEvent & { elapsedNs?: number }).elapsedNs;
  return typeof ns === 'number' ? Math.round(ns / 1e3) / 1e3 : null;
}

/**
 * Turns published queries into plain records (names and types as text). Keeps the answer summary of each
 * RRset object it met (zone RRsets are made once and kept) and the time text of the current millisecond.
 */
export class QueryRecorder {
  private readonly summaries = new WeakMap<object, string[]>();
  private lastMs = 0;
  private lastIso = '';

  private isoNow(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) { this.lastMs = ms; this.lastIso = new Date(ms).toISOString(); }
    return this.lastIso;
  }

  private summary(set: { type: number; rdata: readonly Uint8Array[] }): string[] {
    let s = this.summaries.get(set);
    if (s === undefined) {
      s = set.rdata.slice(0, MAX_ANSWERS).map((rd) => `${typeToText(set.type)} ${safeRdata(set.type, rd)}`);
      this.summaries.set(set, s);
    }
    return s;
  }

  record(event: QueryEvent, now?: Date): QueryRecord {
    const ctx = event.ctx;
    const q = ctx.query;
    let answer: string[] = [];
    let total = 0;
    for (const e of ctx.answer) {
      const s = this.summary(e.set);
      answer = answer.length === 0 ? s : answer.concat(s);
      total += e.set.rdata.length;
    }
    if (total > MAX_ANSWERS) answer = [...answer.slice(0, MAX_ANSWERS), `+${total - MAX_ANSWERS} more`];
    const tailored = !ctx.cacheable && ctx.zone !== undefined && ctx.rcode === 0;
    const rec: QueryRecord = {
      time: now !== undefined ? now.toISOString() : this.isoNow(),
      client: addressText(ctx.client.address),
      proto: ctx.client.transport,
      ecs: ecsText(q.ecs),
      name: q.qdcount > 0 ? nameToText(q.qname) : '',
      type: typeToText(q.qtype),
      rcode: rcodeText(ctx.rcode),
      zone: ctx.zone !== undefined ? nameToText(ctx.zone.origin) : null,
      answer,
      geo: tailored || ctx.ecsScope > 0 ? { tailored, scope: ctx.ecsScope } : null,
      latencyMs: eventLatencyMs(event),
      size: event.size,
    };
    if (event.error !== undefined) rec.error = event.error instanceof Error ? event.error.message : String(event.error);
    return rec;
  }
}

function safeRdata(type: number, rdata: Uint8Array): string {
  try {
    return rdataToText(type, rdata);
  } catch {
    return `\\# ${rdata.length}`;
  }
}

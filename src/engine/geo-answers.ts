import type { Query } from '../wire/index.js';
import { questionHash } from './answer-cache.js';
import type { AnswerOrigin } from './answer-cache.js';

/** An encoded response and what it was made from (shown to watchers when it is repeated). */
export interface EncodedAnswer {
  bytes: Uint8Array;
  made: AnswerOrigin;
}

/** Encoded responses of one cached geo value, per response variant, one per alternative pick. */
export type EncodedAnswers = Map<number, Array<EncodedAnswer | undefined>>;

interface Question {
  next: Question | null;
  readonly qname: Uint8Array; // lower-cased
  readonly qtype: number;
  readonly variant: number;
  /** The LUA RRset and the record type that answer it. */
  readonly record: object;
  readonly type: number;
}

/**
 * Which questions are answered by one LUA RRset alone (no chain, no other sections), so that their
 * encoded responses can be reused: a hit is the stored bytes with ID, RD, the question's case and the
 * ECS option's address and scope copied in.
 */
export class GeoQuestions {
  private readonly table = new Map<number, Question>();
  private count = 0;

  constructor(private readonly capacity = 100_000) {}

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  find(req: Uint8Array, q: Query, variant: number): Question | undefined {
    const qlen = q.qname.length;
    for (let e = this.table.get(questionHash(req, 12, qlen, q.qtype, variant)) ?? null; e !== null; e = e.next) {
      if (e.qtype === q.qtype && e.variant === variant && sameName(e.qname, req, 12, qlen)) return e;
    }
    return undefined;
  }

  add(req: Uint8Array, q: Query, variant: number, record: object, type: number): void {
    if (this.find(req, q, variant) !== undefined) return;
    if (this.count >= this.capacity) this.clear();
    const qlen = q.qname.length;
    const hash = questionHash(req, 12, qlen, q.qtype, variant);
    const qname = new Uint8Array(qlen);
    for (let i = 0; i < qlen; i++) qname[i] = lower(req[12 + i]!);
    this.table.set(hash, { next: this.table.get(hash) ?? null, qname, qtype: q.qtype, variant, record, type });
    this.count++;
  }
}

/** The variant of an encoded geo answer: the engine's response variant and the ECS family and source
 * prefix (they size the ECS option). */
export function geoVariant(variant: number, q: Query): number {
  const ecs = q.ecs;
  return variant * 512 + (ecs === null ? 0 : 1 + (ecs.family === 2 ? 256 : 0) + ecs.sourcePrefix);
}

/**
 * Copies a stored response into out[at...] and patches it for this query: ID, RD, the question name's
 * case, and the ECS option (the last bytes of the message) address and scope. Returns the length or 0.
 */
export function patchInto(b: Uint8Array, req: Uint8Array, q: Query, scope: number, out: Uint8Array, at: number,
  room: number): number {
  const n = b.length;
  if (n > room) return 0;
  out.set(b, at);
  out[at] = req[0]!;
  out[at + 1] = req[1]!;
  out[at + 2] = (b[2]! & ~0x01) | (req[2]! & 0x01);
  const qlen = q.qname.length;
  for (let i = 0; i < qlen; i++) out[at + 12 + i] = req[12 + i]!;
  const ecs = q.ecs;
  if (ecs !== null) {
    const alen = (ecs.sourcePrefix + 7) >> 3;
    const end = at + n;
    out[end - alen - 1] = scope;
    for (let i = 0; i < alen; i++) out[end - alen + i] = ecs.address[i]!;
  }
  return n;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function sameName(lowered: Uint8Array, req: Uint8Array, off: number, len: number): boolean {
  if (lowered.length !== len) return false;
  for (let i = 0; i < len; i++) if (lowered[i] !== lower(req[off + i]!)) return false;
  return true;
}

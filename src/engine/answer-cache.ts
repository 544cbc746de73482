import type { QueryContext } from './context.js';

/**
 * Encoded answers kept for reuse, keyed on what changes them: the question (name case-folded, type), the
 * transport, EDNS presence, DO and the size limit. A hit is the stored bytes with the query's ID, RD
 * bit and the case of its question name copied in (0x20), so a cached answer costs one copy.
 *
 * Filled and cleared only by the engine; cleared whole when the zone set changes. Each entry keeps what
 * the answer was made from (`made`: zone, rcode, answer RRsets) so a repeated answer can still be shown to
 * the query log and per-query metrics without running the pipeline again.
 */

/** What a cached answer was made from (the part of a QueryContext that watchers read). */
export interface AnswerOrigin {
  readonly zone: QueryContext['zone'];
  readonly rcode: number;
  readonly answer: QueryContext['answer'];
}
interface Entry {
  readonly hash: number;
  readonly qname: Uint8Array; // lower-cased
  readonly qtype: number;
  readonly variant: number;
  readonly bytes: Uint8Array;
  readonly rrlToken: number;
  readonly made: AnswerOrigin;
  next: Entry | null;
}

export class AnswerCache {
  private readonly table = new Map<number, Entry>();
  private count = 0;
  /** RRL token of the last hit (see Engine.rrlToken). */
  lastToken = 0;
  /** What the last hit was made from. */
  lastMade: AnswerOrigin | null = null;

  constructor(private readonly capacity: number) {}

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  /** Finds an answer for the question at `qoff` in `req` and writes it, patched, into out[at ...] if it
   * fits in `room`. Returns the length written, or 0 on a miss. */
  lookup(req: Uint8Array, qoff: number, qlen: number, qtype: number, variant: number, out: Uint8Array, at: number,
    room: number): number {
    const hash = questionHash(req, qoff, qlen, qtype, variant);
    for (let e: Entry | null = this.table.get(hash) ?? null; e !== null; e = e.next) {
      if (e.qtype !== qtype || e.variant !== variant || !sameName(e.qname, req, qoff, qlen)) continue;
      const b = e.bytes;
      if (b.length > room) return 0;
      out.set(b, at);
      out[at] = req[0]!;
      out[at + 1] = req[1]!;
      // RD (0x01 of byte 2) comes from the query.
      out[at + 2] = (b[2]! & ~0x01) | (req[2]! & 0x01);
      // The question name as the client wrote it (0x20).
      for (let i = 0; i < qlen; i++) out[at + 12 + i] = req[qoff + i]!;
      this.lastToken = e.rrlToken;
      this.lastMade = e.made;
      return b.length;
    }
    return 0;
  }

  store(req: Uint8Array, qoff: number, qlen: number, qtype: number, variant: number, response: Uint8Array,
    rrlToken: number, made: AnswerOrigin): void {
    if (this.count >= this.capacity) this.clear();
    const hash = questionHash(req, qoff, qlen, qtype, variant);
    const qname = new Uint8Array(qlen);
    for (let i = 0; i < qlen; i++) qname[i] = lower(req[qoff + i]!);
    const entry: Entry = { hash, qname, qtype, variant, bytes: response.slice(), rrlToken, made, next: this.table.get(hash) ?? null };
    this.table.set(hash, entry);
    this.count++;
  }
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function sameName(lowered: Uint8Array, req: Uint8Array, off: number, len: number): boolean {
  if (lowered.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = req[off + i]!;
    if (lowered[i] !== (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)) return false;
  }
  return true;
}

/** A multiplicative hash over the case-folded question name (four octets a step), the type and the
 * variant; kept within small-integer range so Map keys stay unboxed. */
export function questionHash(req: Uint8Array, off: number, len: number, qtype: number, variant: number): number {
  let h = 0x811c9dc5 ^ len;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const w = (req[off + i]! | (req[off + i + 1]! << 8) | (req[off + i + 2]! << 16) | (req[off + i + 3]! << 24)) | 0x20202020;
    h = Math.imul(h ^ w, 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < len; i++) h = Math.imul(h ^ (req[off + i]! | 0x20), 0x01000193);
  h = Math.imul(h ^ qtype, 0x01000193);
  h = Math.imul(h ^ variant, 0x01000193);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

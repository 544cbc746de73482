import { nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { QueryEvent } from '../engine/index.js';
import { addressText, eventLatencyMs, rcodeText } from './query-record.js';
import type { QueryRecord } from './query-record.js';

/**
 * The query log's records travel from the answering thread to the log's worker thread as compact
 * binary (a few dozen bytes: the raw name, addresses and answer rdata), so the answering thread only
 * copies bytes; the worker turns them into JSON lines. Layout of one record (big-endian):
 *   u16 length of the rest | u8 flags (1 tcp, 2 has ECS, 4 has zone, 8 error, 16 tailored, 32 geo,
 *   64 no question)
 *   f64 time (ms) | f64 latency (ms, NaN: unknown) | u16 size | u16 qtype | u8 rcode | u8 ECS scope
 *   u8 n + client address | [u8 source prefix, u8 n + ECS address] | u8 n + qname | [u8 n + zone origin]
 *   u16 answer records in all | u8 records copied (≤ MAX), each: u16 type, u16 n + rdata | [u16 n + error text]
 */
export const MAX_ANSWERS = 8;
const FLAG_TCP = 1, FLAG_ECS = 2, FLAG_ZONE = 4, FLAG_ERROR = 8, FLAG_TAILORED = 16, FLAG_GEO = 32, FLAG_NO_QUESTION = 64;

export class RecordWriter {
  buf: Uint8Array;
  view: DataView;
  off = 0;

  constructor(buffer: ArrayBuffer) {
    this.buf = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** Appends the record of `event`; false (nothing written) when it does not fit. */
  put(event: QueryEvent): boolean {
    const ctx = event.ctx;
    const q = ctx.query;
    const b = this.buf;
    const v = this.view;
    const start = this.off;
    let o = start + 2;
    // Worst case before the answers: header 25, client 17, ECS 18, names 2 × 256, counts 3.
    if (o + 600 > b.length) return false;
    const tailored = !ctx.cacheable && ctx.zone !== undefined && ctx.rcode === 0;
    const flags = (ctx.client.transport === 'tcp' ? FLAG_TCP : 0) | (q.ecs !== null ? FLAG_ECS : 0) |
      (ctx.zone !== undefined ? FLAG_ZONE : 0) | (event.error !== undefined ? FLAG_ERROR : 0) |
      (tailored ? FLAG_TAILORED : 0) | (tailored || ctx.ecsScope > 0 ? FLAG_GEO : 0) | (q.qdcount === 0 ? FLAG_NO_QUESTION : 0);
    b[o++] = flags;
    v.setFloat64(o, Date.now()); o += 8;
    v.setFloat64(o, eventLatencyMs(event) ?? NaN); o += 8;
    v.setUint16(o, Math.min(event.size, 65535)); o += 2;
    v.setUint16(o, q.qtype); o += 2;
    b[o++] = ctx.rcode & 255;
    b[o++] = ctx.ecsScope;
    o = bytes8(b, o, ctx.client.address);
    if (q.ecs !== null) { b[o++] = q.ecs.sourcePrefix; o = bytes8(b, o, q.ecs.address); }
    o = bytes8(b, o, q.qdcount > 0 ? q.qname : EMPTY);
    if (ctx.zone !== undefined) o = bytes8(b, o, ctx.zone.origin);
    let total = 0;
    for (const e of ctx.answer) total += e.set.rdata.length;
    v.setUint16(o, Math.min(total, 65535)); o += 2;
    const countAt = o++;
    let copied = 0;
    for (const e of ctx.answer) {
      for (const rd of e.set.rdata) {
        if (copied === MAX_ANSWERS) break;
        if (o + 4 + rd.length + 260 > b.length) break; // keep room for the error text
        v.setUint16(o, e.set.type); v.setUint16(o + 2, rd.length); o += 4;
        b.set(rd, o); o += rd.length;
        copied++;
      }
    }
    b[countAt] = copied;
    if (event.error !== undefined) {
      const text = (event.error instanceof Error ? event.error.message : String(event.error)).slice(0, 200);
      const n = ENCODER.encodeInto(text, b.subarray(o + 2, o + 2 + 800)).written;
      if (o + 2 + n > b.length) return false;
      v.setUint16(o, n); o += 2 + n;
    }
    v.setUint16(start, o - start - 2);
    this.off = o;
    return true;
  }
}

const EMPTY = new Uint8Array(1);
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

function bytes8(b: Uint8Array, o: number, src: Uint8Array): number {
  b[o] = src.length;
  b.set(src, o + 1);
  return o + 1 + src.length;
}

function safeRdata(type: number, rdata: Uint8Array): string {
  try {
    return rdataToText(type, rdata);
  } catch {
    return `\\# ${rdata.length}`;
  }
}

/** Texts the reader has made before (answers and zone names repeat): bounded, emptied when full. */
class TextCache {
  private readonly map = new Map<string, string>();
  get(key: string, make: () => string): string {
    let t = this.map.get(key);
    if (t === undefined) {
      if (this.map.size >= 50_000) this.map.clear();
      this.map.set(key, t = make());
    }
    return t;
  }
}

const latin1 = (b: Uint8Array): string => String.fromCharCode.apply(null, b as unknown as number[]);

/**
 * Reads binary records back (the worker, one reader per log). Keeps the texts of answers, zone names
 * and the current millisecond, which repeat from query to query.
 */
export class RecordReader {
  private readonly texts = new TextCache();
  private lastMs = NaN;
  private lastIso = '';

  /**
   * The JSON lines of every record in buf[0, len) — the same text as JSON.stringify of each record (same
   * keys, same order), made straight from the bytes with the repeating parts (answers, zone and query
   * names, clients, types) cached as JSON text: the worker's cost per query.
   */
  lines(buf: Uint8Array, len: number): string {
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let out = '';
    let o = 0;
    while (o + 2 <= len) {
      const end = o + 2 + v.getUint16(o);
      out += this.line(buf, v, o + 2, end);
      o = end;
    }
    return out;
  }

  /** The middle of a line (client to geo) by the record's bytes other than time, latency and size: an
   * authoritative server sees the same resolvers ask the same questions, so most lines reuse it. */
  private readonly middles = new Map<string, string>();

  private json(key: string, make: () => string): string {
    return this.texts.get(key, () => JSON.stringify(make()));
  }

  private line(buf: Uint8Array, v: DataView, start: number, end: number): string {
    let o = start;
    const flags = buf[o++]!;
    const time = v.getFloat64(o); o += 8;
    const latency = v.getFloat64(o); o += 8;
    const size = v.getUint16(o); o += 2;
    const tail = `{"time":"${this.iso(time)}",`;
    const last = `"latencyMs":${Number.isNaN(latency) ? 'null' : JSON.stringify(latency)},"size":${size}`;
    if ((flags & FLAG_ERROR) === 0 && end - o <= 600) {
      const key = `${flags},${latin1(buf.subarray(o, end))}`;
      let middle = this.middles.get(key);
      if (middle === undefined) {
        if (this.middles.size >= 20_000) this.middles.clear();
        this.middles.set(key, middle = this.middle(buf, v, o, flags).text);
      }
      return `${tail}${middle}${last}}\n`;
    }
    const m = this.middle(buf, v, o, flags);
    return `${tail}${m.text}${last}${m.error}}\n`;
  }

  /** "client":... through "geo":..., (with the trailing comma), and the error member if any. */
  private middle(buf: Uint8Array, v: DataView, o: number, flags: number): { text: string; error: string } {
    const qtype = v.getUint16(o); o += 2;
    const rcode = buf[o++]!;
    const scope = buf[o++]!;
    let n = buf[o]!;
    const addr = buf.subarray(o + 1, o + 1 + n); o += 1 + n;
    const client = this.json(`c${latin1(addr)}`, () => addressText(addr));
    let ecs = 'null';
    if ((flags & FLAG_ECS) !== 0) {
      const prefix = buf[o++]!;
      n = buf[o]!;
      ecs = JSON.stringify(`${addressText(buf.subarray(o + 1, o + 1 + n))}/${prefix}`); o += 1 + n;
    }
    n = buf[o]!;
    const qname = buf.subarray(o + 1, o + 1 + n); o += 1 + n;
    const name = (flags & FLAG_NO_QUESTION) === 0 ? this.json(`n${latin1(qname)}`, () => nameToText(qname)) : '""';
    let zone = 'null';
    if ((flags & FLAG_ZONE) !== 0) {
      n = buf[o]!;
      const origin = buf.subarray(o + 1, o + 1 + n); o += 1 + n;
      zone = this.json(`Z${latin1(origin)}`, () => nameToText(origin));
    }
    const total = v.getUint16(o); o += 2;
    const copied = buf[o++]!;
    let answer = '';
    for (let i = 0; i < copied; i++) {
      const type = v.getUint16(o); const len = v.getUint16(o + 2); o += 4;
      const rd = buf.subarray(o, o + len);
      const text = (): string => `${typeToText(type)} ${safeRdata(type, rd)}`;
      answer += `${i === 0 ? '' : ','}${len <= 512 ? this.json(`a${type}:${latin1(rd)}`, text) : JSON.stringify(text())}`;
      o += len;
    }
    if (total > copied && total > MAX_ANSWERS) answer += `${copied === 0 ? '' : ','}"+${total - MAX_ANSWERS} more"`;
    const tailored = (flags & FLAG_TAILORED) !== 0;
    const geo = (flags & FLAG_GEO) !== 0 ? `{"tailored":${tailored},"scope":${scope}}` : 'null';
    let error = '';
    if ((flags & FLAG_ERROR) !== 0) { n = v.getUint16(o); error = `,"error":${JSON.stringify(DECODER.decode(buf.subarray(o + 2, o + 2 + n)))}`; }
    return {
      text: `"client":${client},"proto":"${(flags & FLAG_TCP) !== 0 ? 'tcp' : 'udp'}","ecs":${ecs},` +
        `"name":${name},"type":${this.json(`t${qtype}`, () => typeToText(qtype))},"rcode":"${rcodeText(rcode)}","zone":${zone},` +
        `"answer":[${answer}],"geo":${geo},`,
      error,
    };
  }

  /** Calls `each` with every record in buf[0, len): the lines the log writes, read back. */
  read(buf: Uint8Array, len: number, each: (r: QueryRecord) => void): void {
    for (const line of this.lines(buf, len).split('\n')) if (line !== '') each(JSON.parse(line) as QueryRecord);
  }

  private iso(ms: number): string {
    if (ms !== this.lastMs) { this.lastMs = ms; this.lastIso = new Date(ms).toISOString(); }
    return this.lastIso;
  }
}

import { nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { QueryEvent } from '../engine/index.js';
import { addressText, eventLatencyMs, rcodeText } from './query-record.js';

/** Answer records shown per line; more are summed up as "+N more". */
export const MAX_ANSWERS = 8;

const ENCODER = new TextEncoder();
const bytes = (s: string): Uint8Array => ENCODER.encode(s);

/** `"proto":"udp","ecs":` and the TCP twin; with `null,"name":"` when the query had no ECS. */
const PROTO = [bytes('"proto":"udp","ecs":'), bytes('"proto":"tcp","ecs":')] as const;
const PROTO_NO_ECS = [bytes('"proto":"udp","ecs":null,"name":"'), bytes('"proto":"tcp","ecs":null,"name":"')] as const;
const AFTER_ECS = bytes('","name":"');

/** Where a line writer keeps the Tail of a repeated answer: on its answer list (cheaper than a WeakMap
 * on the answering thread's path). */
const TAIL = Symbol('query log tail');
type WithTail = { [TAIL]?: Tail };

/** What follows the name of a repeated answer up to the geo member's value (`","type":...,"geo":`),
 * kept per answer origin, for the question type it was made for. */
interface Tail {
  /** The writer that made it (two logs may watch one engine). */
  writer: LineWriter;
  qtype: number;
  text: Uint8Array;
}

/** The geo member's value and what follows it up to the latency, by geoKey. */
const GEO: Uint8Array[] = [bytes('null,"latencyMs":')];
for (let tailored = 0; tailored < 2; tailored++) {
  for (let scope = 0; scope <= 255; scope++) GEO.push(bytes(`{"tailored":${tailored === 1},"scope":${scope}},"latencyMs":`));
}

/** Where the geo member of a line is in GEO: 0 for null, else by tailored and scope. */
function geoKey(ctx: QueryEvent['ctx']): number {
  const tailored = !ctx.cacheable && ctx.zone !== undefined && ctx.rcode === 0;
  return tailored || ctx.ecsScope > 0 ? 1 + (tailored ? 256 : 0) + (ctx.ecsScope & 255) : 0;
}

/**
 * Writes the query log's JSON lines as UTF-8 straight into a byte batch on the answering thread (the
 * worker only writes batches out). A line is the same text as JSON.stringify of the record QueryRecorder
 * makes (same keys, same order). Cheap for what repeats: the time text changes once a millisecond, the
 * client and ECS subnet are written digit by digit (IPv6 ones kept per address), and for an answer repeated from
 * a cache, static or geo (its answer list is the same object each time), the text after the name is kept
 * with it, so such a line is a few copies and digits. Anything else (an answer made for this query,
 * errors) is put together from texts kept per zone, RRset and type.
 */
export class LineWriter {
  buf: Uint8Array;
  off = 0;
  private lastMs = NaN;
  /** `{"time":"<ISO time>","client":` of lastMs. */
  private head: Uint8Array = new Uint8Array(0);
  private readonly clients6 = new Map<string, Uint8Array>();
  private readonly subnets6 = new Map<string, Uint8Array>();
  private readonly summaries = new WeakMap<object, string[]>();
  private readonly zones = new WeakMap<object, string>();

  constructor(buffer: ArrayBuffer) {
    this.buf = new Uint8Array(buffer);
  }

  /** Starts again on an empty buffer (the last one went to the worker). */
  reset(buffer: ArrayBuffer): void {
    this.buf = new Uint8Array(buffer);
    this.off = 0;
  }

  /** Appends the line of `event`; false (nothing written) when it does not fit. */
  put(event: QueryEvent): boolean {
    const ctx = event.ctx;
    const q = ctx.query;
    const time = event.time ?? Date.now();
    if (time !== this.lastMs) {
      this.lastMs = time;
      this.head = bytes(`{"time":"${new Date(time).toISOString()}","client":`);
    }
    const address = ctx.client.address;
    const tcp = ctx.client.transport === 'tcp' ? 1 : 0;
    const b = this.buf;
    let o = this.off;
    // Head 47, client ≤ 49, name ≤ 1020 (escaped), digits ≤ 40: checked again below for the rest.
    if (o + 1200 > b.length) return false;
    o = copy(b, o, this.head);
    if (address.length === 4) {
      b[o++] = 0x22; o = ipv4(b, o, address); b[o++] = 0x22; b[o++] = 0x2c; // "a.b.c.d",
    } else {
      o = copy(b, o, this.client6(address));
    }
    // An answer repeated from a cache (static or geo), with a name that needs no escaping: copies.
    const tail = event.repeated === true && event.error === undefined ? (ctx.answer as WithTail)[TAIL] : undefined;
    let p = -1;
    if (tail !== undefined && tail.writer === this && tail.qtype === q.qtype && o + 200 + q.qname.length + tail.text.length <= b.length) {
      const ecs = q.ecs;
      if (ecs === null) {
        p = copy(b, o, PROTO_NO_ECS[tcp]);
      } else if (ecs.address.length === 4) {
        p = copy(b, o, PROTO[tcp]);
        b[p++] = 0x22; p = ipv4(b, p, ecs.address); b[p++] = 0x2f; p = digits(b, p, ecs.sourcePrefix);
        p = copy(b, p, AFTER_ECS); // ","name":"
      } else {
        p = copy(b, copy(b, o, PROTO[tcp]), this.subnet6(ecs.address, ecs.sourcePrefix));
      }
      p = plainName(b, p, q.qname);
    }
    if (p >= 0 && tail !== undefined) {
      o = copy(b, p, tail.text);
    } else {
      const text = bytes(this.middle(event, tcp));
      if (o + text.length + 400 > b.length) return false;
      o = copy(b, o, text);
    }
    o = copy(b, o, GEO[geoKey(ctx)]!);
    const ms = eventLatencyMs(event);
    if (ms === null) { b[o++] = 0x6e; b[o++] = 0x75; b[o++] = 0x6c; b[o++] = 0x6c; } else o = milliseconds(b, o, ms);
    // ,"size":
    b[o++] = 0x2c; b[o++] = 0x22; b[o++] = 0x73; b[o++] = 0x69; b[o++] = 0x7a; b[o++] = 0x65; b[o++] = 0x22; b[o++] = 0x3a;
    o = digits(b, o, event.size);
    if (event.error !== undefined) {
      const e = event.error instanceof Error ? event.error.message : String(event.error);
      const text = bytes(`,"error":${JSON.stringify(e.slice(0, 200))}`);
      if (o + text.length + 2 > b.length) return false;
      o = copy(b, o, text);
    }
    b[o++] = 0x7d; b[o++] = 0x0a; // }\n
    this.off = o;
    return true;
  }

  /** `"2001:db8::1",` for an IPv6 address, kept per address (bounded; IPv4 is written digit by digit). */
  private client6(a: Uint8Array): Uint8Array {
    const k = addressText(a);
    let t = this.clients6.get(k);
    if (t === undefined) {
      if (this.clients6.size >= 50_000) this.clients6.clear();
      this.clients6.set(k, t = bytes(`${JSON.stringify(k)},`));
    }
    return t;
  }

  /** `"2001:db8::/48","name":"` for an IPv6 ECS option, kept per subnet (bounded). */
  private subnet6(a: Uint8Array, prefix: number): Uint8Array {
    const k = `${addressText(a)}/${prefix}`;
    let t = this.subnets6.get(k);
    if (t === undefined) {
      if (this.subnets6.size >= 50_000) this.subnets6.clear();
      this.subnets6.set(k, t = bytes(`${JSON.stringify(k)},"name":"`));
    }
    return t;
  }

  /** The line from "proto" to "geo": (the way for any event); keeps the part after the name for an
   * answer repeated from a cache. */
  private middle(event: QueryEvent, tcp: number): string {
    const ctx = event.ctx;
    const q = ctx.query;
    const ecs = q.ecs === null ? 'null' : JSON.stringify(`${addressText(q.ecs.address)}/${q.ecs.sourcePrefix}`);
    const name = q.qdcount > 0 ? JSON.stringify(nameToText(q.qname)) : '""';
    let zone = 'null';
    if (ctx.zone !== undefined) {
      zone = this.zones.get(ctx.zone) ?? '';
      if (zone === '') this.zones.set(ctx.zone, zone = JSON.stringify(nameToText(ctx.zone.origin)));
    }
    let answer = '';
    let total = 0;
    for (const e of ctx.answer) {
      const n = e.set.rdata.length;
      if (total < MAX_ANSWERS && n > 0) answer += `${answer === '' ? '' : ','}${this.summary(e.set, MAX_ANSWERS - total)}`;
      total += n;
    }
    if (total > MAX_ANSWERS) answer += `${answer === '' ? '' : ','}"+${total - MAX_ANSWERS} more"`;
    const tail = `,"type":${JSON.stringify(typeToText(q.qtype))},"rcode":"${rcodeText(ctx.rcode)}","zone":${zone},` +
      `"answer":[${answer}],"geo":`;
    if (event.repeated === true && event.error === undefined && q.qdcount > 0) {
      // Kept with the answer list (the same object each time the answer is repeated from a cache).
      (ctx.answer as WithTail)[TAIL] = { writer: this, qtype: q.qtype, text: bytes(`"${tail}`) };
    }
    return `"proto":"${tcp === 1 ? 'tcp' : 'udp'}","ecs":${ecs},"name":${name}${tail}`;
  }

  /** The first `max` records of an RRset as JSON strings `"TYPE rdata"` joined by commas. */
  private summary(set: { type: number; rdata: readonly Uint8Array[] }, max: number): string {
    let s = this.summaries.get(set);
    if (s === undefined) {
      const type = typeToText(set.type);
      s = set.rdata.slice(0, MAX_ANSWERS).map((rd) => JSON.stringify(`${type} ${safeRdata(set.type, rd)}`));
      this.summaries.set(set, s);
    }
    return (s.length > max ? s.slice(0, max) : s).join(',');
  }
}

function safeRdata(type: number, rdata: Uint8Array): string {
  try {
    return rdataToText(type, rdata);
  } catch {
    return `\\# ${rdata.length}`;
  }
}

/** Copies src to b[o...] and returns the offset after it: a loop for the short texts of a line, where
 * TypedArray#set costs more than the copy. */
function copy(b: Uint8Array, o: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 16) { b.set(src, o); return o + n; }
  for (let i = 0; i < n; i++) b[o + i] = src[i]!;
  return o + n;
}

/** True for octets a name shows as they are, in presentation form and in JSON alike. */
function plain(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a;
}

/** Writes a wire name as its text (labels and dots) when every octet is plain; returns the new offset, or
 * -1 (the caller takes the general way) when one needs escaping. */
function plainName(b: Uint8Array, o: number, name: Uint8Array): number {
  if (name[0] === 0) { b[o] = 0x2e; return o + 1; }
  for (let p = 0; name[p]! !== 0;) {
    const l = name[p]!;
    for (let k = p + 1; k <= p + l; k++) {
      const c = name[k]!;
      if (!plain(c)) return -1;
      b[o++] = c;
    }
    b[o++] = 0x2e;
    p += l + 1;
  }
  return o;
}

/** Writes an IPv4 address in dotted decimal; returns the new offset. */
function ipv4(b: Uint8Array, o: number, a: Uint8Array): number {
  o = digits(b, o, a[0]!); b[o++] = 0x2e;
  o = digits(b, o, a[1]!); b[o++] = 0x2e;
  o = digits(b, o, a[2]!); b[o++] = 0x2e;
  return digits(b, o, a[3]!);
}

/** Writes the decimal digits of a non-negative integer; returns the new offset. */
function digits(out: Uint8Array, p: number, n: number): number {
  if (n < 10) { out[p] = 0x30 + n; return p + 1; }
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  for (let i = p + len - 1; i >= p; i--) { out[i] = 0x30 + (n % 10); n = Math.floor(n / 10); }
  return p + len;
}

/** Writes milliseconds given to the microsecond as JSON.stringify would (no trailing zeros). */
function milliseconds(out: Uint8Array, p: number, ms: number): number {
  const us = Math.round(ms * 1000);
  if (!(us >= 0 && us < 1e15)) return p + ENCODER.encodeInto(JSON.stringify(ms), out.subarray(p, p + 32)).written;
  p = digits(out, p, Math.floor(us / 1000));
  let frac = us % 1000;
  if (frac === 0) return p;
  out[p++] = 0x2e;
  out[p++] = 0x30 + Math.floor(frac / 100);
  frac %= 100;
  if (frac === 0) return p;
  out[p++] = 0x30 + Math.floor(frac / 10);
  frac %= 10;
  if (frac !== 0) out[p++] = 0x30 + frac;
  return p;
}

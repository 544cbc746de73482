import { WireError } from './errors.js';
import type { Name } from './name.js';
import { nameLength } from './name.js';
import type { EdnsOption } from './message-types.js';
import { CompressionTable } from './compression.js';

const MARK_FIELDS = 5;

/** Options of MessageWriter.opt(). `flags` is the whole 16-bit EDNS flags field (DO is OR-ed in). */
export interface OptWrite {
  udpSize: number;
  extRcode: number;
  version: number;
  do: boolean;
  flags?: number;
  options?: readonly EdnsOption[];
}

/**
 * Writes one DNS message at a time into a buffer allocated once: name compression (a table cleared by
 * reset), a size limit with room reserved for OPT/TSIG, and rollback to a mark so whole RRsets can be
 * dropped. Call order: reset, header, question*, (section, rr*)*, opt?, finish.
 */
export class MessageWriter {
  readonly buffer: Uint8Array;
  /** Compress names (owner names, and names in rdata where RFC 3597 §4 allows it). */
  compress = true;
  private len = 12;
  private maxSize = 512;
  private reserved = 0;
  private current = 1;
  private readonly counts = new Int32Array(4);
  private readonly table: CompressionTable;
  private marks = new Int32Array(64 * MARK_FIELDS);
  private nmarks = 0;

  constructor(capacity = 65535) {
    if (capacity < 12 || capacity > 65535) throw new RangeError('MessageWriter capacity must be 12-65535');
    this.buffer = new Uint8Array(capacity);
    this.table = new CompressionTable(this.buffer);
  }

  get length(): number {
    return this.len;
  }

  /** Starts a new message of at most maxSize octets (capped by the capacity). */
  reset(maxSize: number): void {
    this.maxSize = Math.max(12, Math.min(maxSize, this.buffer.length));
    this.len = 12;
    this.reserved = 0;
    this.current = 1;
    const c = this.counts;
    c[0] = c[1] = c[2] = c[3] = 0;
    this.table.clear();
    this.nmarks = 0;
    const b = this.buffer;
    for (let i = 0; i < 12; i++) b[i] = 0;
  }

  header(id: number, flags: number): void {
    const b = this.buffer;
    b[0] = (id >> 8) & 255;
    b[1] = id & 255;
    b[2] = (flags >> 8) & 255;
    b[3] = flags & 255;
  }

  setFlags(flags: number): void {
    this.buffer[2] = (flags >> 8) & 255;
    this.buffer[3] = flags & 255;
  }

  /** Writes a question; the name is written as given (case kept). Throws NO_SPACE if it does not fit. */
  question(name: Name, type: number, klass: number): void {
    const limit = this.maxSize - this.reserved;
    let pos = this.table.writeName(name, this.len, limit, this.compress);
    if (pos < 0 || pos + 4 > limit) throw new WireError('GDNS_ERR_WIRE_NO_SPACE', 'question does not fit the message');
    pos = this.u16(pos, type);
    this.len = this.u16(pos, klass);
    this.counts[0]!++;
  }

  /** 1 answer, 2 authority, 3 additional: where the next rr() goes. Sections are written in order. */
  section(s: 1 | 2 | 3): void {
    this.current = s;
  }

  /** Keeps `bytes` at the end of the message for OPT/TSIG: rr() will not use them. */
  reserve(bytes: number): void {
    this.reserved += bytes;
  }

  mark(): number {
    if ((this.nmarks + 1) * MARK_FIELDS > this.marks.length) {
      const bigger = new Int32Array(this.marks.length * 2);
      bigger.set(this.marks);
      this.marks = bigger;
    }
    const m = this.nmarks++;
    const o = m * MARK_FIELDS;
    this.marks[o] = this.len;
    this.marks[o + 1] = this.counts[1]!;
    this.marks[o + 2] = this.counts[2]!;
    this.marks[o + 3] = this.counts[3]!;
    this.marks[o + 4] = this.table.size;
    return m;
  }

  /** Restores the position, counts and compression table of mark(); later marks become invalid. */
  rollback(mark: number): void {
    if (mark < 0 || mark >= this.nmarks) throw new RangeError(`no mark ${mark}`);
    const o = mark * MARK_FIELDS;
    this.len = this.marks[o]!;
    this.counts[1] = this.marks[o + 1]!;
    this.counts[2] = this.marks[o + 2]!;
    this.counts[3] = this.marks[o + 3]!;
    this.table.truncate(this.marks[o + 4]!);
    this.nmarks = mark;
  }

  /** Appends a record to the current section; false (nothing written) when it would not fit. */
  rr(name: Name, type: number, klass: number, ttl: number, rdata: Uint8Array): boolean {
    return this.write(name, type, klass, ttl, rdata, this.maxSize - this.reserved, this.compress);
  }

  /**
   * Appends a record (TSIG) to the additional section in the reserved room, names uncompressed; the
   * room it used is no longer reserved. Throws NO_SPACE when it does not fit maxSize.
   */
  rrReserved(name: Name, type: number, klass: number, ttl: number, rdata: Uint8Array): void {
    const start = this.len;
    this.current = 3;
    if (!this.write(name, type, klass, ttl, rdata, this.maxSize, false)) {
      throw new WireError('GDNS_ERR_WIRE_NO_SPACE', `type ${type} record does not fit the message`);
    }
    this.reserved = Math.max(0, this.reserved - (this.len - start));
  }

  /** Writes an OPT RR now (call it last; it uses the reserved room). */
  opt(edns: OptWrite): void {
    const start = this.len;
    let size = 11;
    for (const o of edns.options ?? []) size += 4 + o.data.length;
    if (start + size > this.maxSize) throw new WireError('GDNS_ERR_WIRE_NO_SPACE', 'OPT record does not fit the message');
    const b = this.buffer;
    b[start] = 0;
    let pos = this.u16(start + 1, 41);
    pos = this.u16(pos, edns.udpSize);
    b[pos] = edns.extRcode & 255;
    b[pos + 1] = edns.version & 255;
    pos = this.u16(pos + 2, ((edns.flags ?? 0) & 0x7fff) | (edns.do ? 0x8000 : 0) | ((edns.flags ?? 0) & 0x8000));
    pos = this.u16(pos, size - 11);
    for (const o of edns.options ?? []) {
      pos = this.u16(this.u16(pos, o.code), o.data.length);
      b.set(o.data, pos);
      pos += o.data.length;
    }
    this.len = pos;
    this.counts[3]!++;
    this.reserved = Math.max(0, this.reserved - size);
  }

  /** Writes the section counts into the header; the message is the returned subarray. */
  finish(): Uint8Array {
    const b = this.buffer;
    const c = this.counts;
    for (let i = 0; i < 4; i++) {
      b[4 + 2 * i] = c[i]! >> 8;
      b[5 + 2 * i] = c[i]! & 255;
    }
    return b.subarray(0, this.len);
  }

  private u16(pos: number, v: number): number {
    this.buffer[pos] = (v >> 8) & 255;
    this.buffer[pos + 1] = v & 255;
    return pos + 2;
  }

  private write(name: Name, type: number, klass: number, ttl: number, rdata: Uint8Array, limit: number, compress: boolean): boolean {
    const start = this.len;
    const tableSize = this.table.size;
    let pos = this.table.writeName(name, start, limit, compress);
    if (pos >= 0 && pos + 10 <= limit) {
      pos = this.u16(this.u16(pos, type), klass);
      pos = this.u16(this.u16(pos, ttl >>> 16), ttl & 0xffff);
      const rdStart = pos + 2;
      pos = compress ? this.writeRdata(type, rdata, rdStart, limit) : this.copy(rdata, 0, rdata.length, rdStart, limit);
      if (pos >= 0) {
        this.u16(rdStart - 2, pos - rdStart);
        this.len = pos;
        this.counts[this.current]!++;
        return true;
      }
    }
    this.table.truncate(tableSize);
    return false;
  }

  private copy(src: Uint8Array, from: number, to: number, pos: number, limit: number): number {
    if (pos + (to - from) > limit) return -1;
    if (to - from > 32) this.buffer.set(src.subarray(from, to), pos);
    else for (let i = from; i < to; i++) this.buffer[pos + i - from] = src[i]!;
    return pos + (to - from);
  }

  /** Rdata with compressible names (RFC 3597 §4: NS, CNAME, PTR, MX, SOA) compressed; others copied. */
  private writeRdata(type: number, rdata: Uint8Array, pos: number, limit: number): number {
    if (rdata.length === 0) return pos; // UPDATE deletions (class ANY/NONE) carry no rdata
    switch (type) {
      case 2: case 5: case 12: {
        const n = nameLength(rdata, 0);
        pos = this.table.writeName(rdata.subarray(0, n), pos, limit, true);
        return pos < 0 ? -1 : this.copy(rdata, n, rdata.length, pos, limit);
      }
      case 15: {
        if (pos + 2 > limit) return -1;
        pos = this.copy(rdata, 0, 2, pos, limit);
        const n = nameLength(rdata, 2);
        pos = this.table.writeName(rdata.subarray(2, 2 + n), pos, limit, true);
        return pos < 0 ? -1 : this.copy(rdata, 2 + n, rdata.length, pos, limit);
      }
      case 6: {
        const n1 = nameLength(rdata, 0);
        const n2 = nameLength(rdata, n1);
        pos = this.table.writeName(rdata.subarray(0, n1), pos, limit, true);
        if (pos >= 0) pos = this.table.writeName(rdata.subarray(n1, n1 + n2), pos, limit, true);
        return pos < 0 ? -1 : this.copy(rdata, n1 + n2, rdata.length, pos, limit);
      }
      default:
        return this.copy(rdata, 0, rdata.length, pos, limit);
    }
  }
}

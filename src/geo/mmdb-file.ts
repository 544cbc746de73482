import { readFileSync } from 'node:fs';
import { Reader } from 'maxmind';
import type { Response } from 'maxmind';
import { GeoError } from './errors.js';
import { normalizeRecord } from './geo-record.js';
import type { GeoRecord } from './geo-record.js';

/** Distinct records decoded when a file is opened (a broken data section fails the open). */
const SAMPLED = 4096;

/** The decoding half of mmdb-lib's Reader (a private method, stable across its 2.x-3.x releases). */
interface Decoding { resolveDataPointer(pointer: number): unknown }

/**
 * One MaxMind DB file. A lookup walks the search tree to the record's pointer (no decoding), so the
 * pointer can key caches; `record(pointer)` decodes a record once and keeps it.
 */
export class MmdbFile {
  readonly path: string;
  readonly databaseType: string;
  readonly ipVersion: number;
  readonly buildEpoch: Date;
  /** Prefix length of the network the last `lookup` ended in. */
  prefix = 0;
  private readonly db: Buffer;
  private readonly nodeCount: number;
  private readonly recordSize: number;
  private readonly nodeBytes: number;
  private readonly ipv4Start: number;
  private readonly ipv4Depth: number;
  private readonly reader: Decoding;
  private readonly records = new Map<number, GeoRecord>();

  /** Reads and checks the whole file; throws GeoError (GDNS_ERR_GEO_DB_OPEN / _BROKEN). */
  constructor(path: string, bytes?: Buffer) {
    this.path = path;
    let db: Buffer;
    try {
      db = bytes ?? readFileSync(path);
    } catch (err) {
      throw new GeoError('GDNS_ERR_GEO_DB_OPEN', `GeoIP database ${path}: ${(err as Error).message}`, { cause: err });
    }
    let reader: Reader<Response>;
    try {
      reader = new Reader<Response>(db);
    } catch (err) {
      throw broken(path, (err as Error).message, err);
    }
    const m = reader.metadata;
    this.db = db;
    this.databaseType = m.databaseType;
    this.ipVersion = m.ipVersion;
    this.buildEpoch = m.buildEpoch;
    this.nodeCount = m.nodeCount;
    this.recordSize = m.recordSize;
    this.nodeBytes = m.nodeByteSize;
    this.reader = reader as unknown as Decoding;
    if (![24, 28, 32].includes(m.recordSize)) throw broken(path, `record size ${m.recordSize}`);
    if (m.searchTreeSize + 16 > db.length) throw broken(path, `node count ${m.nodeCount} does not fit the file`);
    let node = 0;
    let depth = 0;
    if (m.ipVersion === 6) {
      for (; depth < 96 && node < this.nodeCount; depth++) node = this.child(node, 0);
    }
    this.ipv4Start = node;
    this.ipv4Depth = depth;
    this.check();
  }

  /** Every record of the tree points to a node, "no data", or inside the data section; and a few
   * records decode. A truncated or corrupt file fails here, not on a query. */
  private check(): void {
    const n = this.nodeCount;
    const dataSize = this.db.length - (n * this.nodeBytes + 16);
    let sampled = 0;
    const seen = new Set<number>();
    for (let node = 0; node < n; node++) {
      for (let bit = 0; bit < 2; bit++) {
        const r = this.child(node, bit);
        if (r <= n) continue;
        if (r - n - 16 >= dataSize) throw broken(this.path, `search tree points past the data section (node ${node})`);
        if (sampled < SAMPLED && !seen.has(r)) {
          sampled++;
          seen.add(r);
          try {
            this.record(r);
          } catch (err) {
            throw broken(this.path, (err as Error).message, err);
          }
        }
      }
    }
    this.records.clear();
  }

  private child(node: number, bit: number): number {
    const db = this.db;
    const off = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24: {
        const o = off + bit * 3;
        return (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!;
      }
      case 28:
        if (bit === 0) return (((db[off + 3]! & 0xf0) << 20) | (db[off]! << 16) | (db[off + 1]! << 8) | db[off + 2]!) >>> 0;
        return (((db[off + 3]! & 0x0f) << 24) | (db[off + 4]! << 16) | (db[off + 5]! << 8) | db[off + 6]!) >>> 0;
      default:
        return db.readUInt32BE(off + bit * 4);
    }
  }

  /**
   * The record pointer for the address (4 or 16 bytes), 0 when the database has no data for it; sets
   * `prefix` to the length of the network that decided (for IPv4, counted in IPv4 bits).
   */
  lookup(address: Uint8Array): number {
    const n = this.nodeCount;
    const bits = address.length * 8;
    if (bits === 128 && this.ipVersion === 4) {
      this.prefix = 0;
      return 0;
    }
    const db = this.db;
    let node = bits === 32 ? this.ipv4Start : 0;
    let depth = 0;
    // One loop per record size: the hot path of every geo answer.
    if (this.recordSize === 24) {
      while (depth < bits && node < n) {
        const o = node * 6 + ((address[depth >> 3]! >> (7 - (depth & 7))) & 1) * 3;
        node = (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!;
        depth++;
      }
    } else if (this.recordSize === 28) {
      while (depth < bits && node < n) {
        const off = node * 7;
        node = ((address[depth >> 3]! >> (7 - (depth & 7))) & 1) === 0
          ? (((db[off + 3]! & 0xf0) << 20) | (db[off]! << 16) | (db[off + 1]! << 8) | db[off + 2]!) >>> 0
          : (((db[off + 3]! & 0x0f) << 24) | (db[off + 4]! << 16) | (db[off + 5]! << 8) | db[off + 6]!) >>> 0;
        depth++;
      }
    } else {
      while (depth < bits && node < n) {
        const o = node * 8 + ((address[depth >> 3]! >> (7 - (depth & 7))) & 1) * 4;
        node = ((db[o]! << 24) | (db[o + 1]! << 16) | (db[o + 2]! << 8) | db[o + 3]!) >>> 0;
        depth++;
      }
    }
    this.prefix = depth;
    return node > n ? node : 0;
  }

  /** The decoded record at a pointer from `lookup` (decoded once, then kept). */
  record(pointer: number): GeoRecord {
    let r = this.records.get(pointer);
    if (r === undefined) {
      r = normalizeRecord(this.reader.resolveDataPointer(pointer));
      this.records.set(pointer, r);
    }
    return r;
  }

  /** The record for an address, null when the database has none. */
  find(address: Uint8Array): GeoRecord | null {
    const p = this.lookup(address);
    return p === 0 ? null : this.record(p);
  }

  /** Depth at which IPv4 addresses start in an IPv6 tree (96), 0 for an IPv4 tree. */
  get ipv4Offset(): number {
    return this.ipv4Depth;
  }
}

function broken(path: string, why: string, cause?: unknown): GeoError {
  return new GeoError('GDNS_ERR_GEO_DB_BROKEN', `GeoIP database ${path} is broken: ${why}`, { cause });
}

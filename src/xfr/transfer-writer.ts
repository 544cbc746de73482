import { Flag, RRType } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Zone } from '../zone/index.js';

/** One record to send: owner, type, TTL, uncompressed rdata. */
export type Rec = [Name, number, number, Uint8Array];

export interface TransferQuestion { id: number; qname: Name; qtype: number; qclass: number }

/** Messages are filled up to this size (RFC 5936 allows 65535; 16 KiB keeps writes and TSIG work even). */
const MESSAGE_SIZE = 16_384;

/** Records sharing owner, type and TTL (a zone's RRsets are walked without copying their records). */
export interface RecSet { readonly name: Name; readonly type: number; readonly ttl: number; readonly rdata: readonly Uint8Array[] }

/** Every RRset of a zone in transfer order: SOA, all RRsets in canonical order (RRSIGs too), SOA. */
export function* zoneSequence(zone: Zone): Generator<RecSet> {
  const soa: RecSet = { name: zone.origin, type: RRType.SOA, ttl: zone.soa.ttl, rdata: [zone.soa.rdata[0]!] };
  yield soa;
  for (const set of zone.records()) {
    if (set.type !== RRType.SOA) yield set as RecSet;
  }
  yield soa;
}

/** packSets for single records (IXFR sequences, tests). */
export function packTransfer(q: TransferQuestion, origin: Name, records: Iterable<Rec>, size = MESSAGE_SIZE): Generator<Uint8Array> {
  return packSets(q, origin, (function* () {
    for (const [name, type, ttl, rdata] of records) yield { name, type, ttl, rdata: [rdata] };
  })(), size);
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/** Whether `suffix` is a whole-label suffix of `name` (ASCII case ignored). */
function endsWith(name: Name, suffix: Name): boolean {
  const d = name.length - suffix.length;
  if (d < 0) return false;
  let p = 0;
  while (p < d) p += name[p]! + 1;
  if (p !== d) return false;
  for (let i = 0; i < suffix.length; i++) if (lower(name[d + i]!) !== lower(suffix[i]!)) return false;
  return true;
}

/**
 * Packs records into transfer messages (QR, AA; the question in the first only). Owner names are
 * compressed the way a transfer needs and cheaply: a repeated owner points at its first copy, a name
 * inside the zone points at the zone's name (written once per message); rdata goes uncompressed
 * (RFC 3597 §4 allows it). Each message is its own buffer.
 */
export function* packSets(q: TransferQuestion, origin: Name, sets: Iterable<RecSet>, size = MESSAGE_SIZE): Generator<Uint8Array> {
  let buf = new Uint8Array(size);
  let len = 0;
  let count = 0;
  let originAt = -1;
  let lastOwner: Name | null = null;
  let lastAt = -1;
  let first = true;
  const start = (): void => {
    buf = new Uint8Array(size);
    buf[0] = q.id >> 8;
    buf[1] = q.id & 255;
    const flags = Flag.QR | Flag.AA;
    buf[2] = flags >> 8;
    buf[3] = flags & 255;
    len = 12;
    count = 0;
    originAt = -1;
    lastOwner = null;
    lastAt = -1;
    if (first) {
      buf[5] = 1;
      buf.set(q.qname, 12);
      if (q.qname.length === origin.length && endsWith(q.qname, origin)) originAt = 12;
      len += q.qname.length;
      buf[len] = q.qtype >> 8; buf[len + 1] = q.qtype & 255; buf[len + 2] = q.qclass >> 8; buf[len + 3] = q.qclass & 255;
      len += 4;
      first = false;
    }
  };
  const finish = (): Uint8Array => {
    buf[6] = count >> 8;
    buf[7] = count & 255;
    return buf.subarray(0, len);
  };
  /** Writes one record at len; false when it does not fit (nothing written, nothing remembered). */
  const put = (name: Name, type: number, ttl: number, rdata: Uint8Array): boolean => {
    let p = len;
    const at = p;
    let owner: Name | null = lastOwner;
    let ownerAt = lastAt;
    let zoneAt = originAt;
    if (lastOwner !== null && lastAt < 0x4000 && (lastOwner === name || sameName(lastOwner, name))) {
      if (p + 2 > size) return false;
      buf[p++] = 0xc0 | (lastAt >> 8);
      buf[p++] = lastAt & 255;
    } else if (originAt >= 0 && originAt < 0x4000 && endsWith(name, origin)) {
      const prefix = name.length - origin.length;
      if (p + prefix + 2 > size) return false;
      for (let i = 0; i < prefix; i++) buf[p + i] = name[i]!;
      p += prefix;
      buf[p++] = 0xc0 | (originAt >> 8);
      buf[p++] = originAt & 255;
      owner = name;
      ownerAt = at;
    } else {
      if (p + name.length > size) return false;
      for (let i = 0; i < name.length; i++) buf[p + i] = name[i]!;
      if (zoneAt < 0 && endsWith(name, origin)) zoneAt = p + name.length - origin.length;
      p += name.length;
      owner = name;
      ownerAt = at;
    }
    if (p + 10 + rdata.length > size) return false;
    buf[p] = type >> 8; buf[p + 1] = type & 255; buf[p + 2] = 0; buf[p + 3] = 1;
    buf[p + 4] = ttl >>> 24; buf[p + 5] = (ttl >>> 16) & 255; buf[p + 6] = (ttl >>> 8) & 255; buf[p + 7] = ttl & 255;
    buf[p + 8] = rdata.length >> 8; buf[p + 9] = rdata.length & 255;
    // Small copies by hand: TypedArray.set costs more than a short loop.
    if (rdata.length > 64) buf.set(rdata, p + 10);
    else for (let i = 0; i < rdata.length; i++) buf[p + 10 + i] = rdata[i]!;
    len = p + 10 + rdata.length;
    count++;
    lastOwner = owner;
    lastAt = ownerAt;
    originAt = zoneAt;
    return true;
  };
  start();
  for (const set of sets) {
    const { name, type, ttl, rdata: list } = set;
    for (let i = 0; i < list.length; i++) {
      const rdata = list[i]!;
      if (put(name, type, ttl, rdata)) continue;
      if (count === 0) throw new Error(`a type ${type} record does not fit a transfer message`);
      yield finish();
      start();
      if (!put(name, type, ttl, rdata)) throw new Error(`a type ${type} record does not fit a transfer message`);
    }
  }
  yield finish();
}

function sameName(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && lower(a[i]!) !== lower(b[i]!)) return false;
  return true;
}

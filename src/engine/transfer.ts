import { Flag, RRType } from '../wire/index.js';
import type { MessageWriter, Name } from '../wire/index.js';
import type { Zone } from '../zone/index.js';

/** Messages of a zone transfer are filled up to this size (RFC 5936 allows 65535; smaller messages keep
 * TCP writes and TSIG work even). */
const MESSAGE_SIZE = 16_384;

export interface TransferQuestion {
  id: number;
  qname: Name;
  qtype: number;
  qclass: number;
}

/**
 * The messages of an AXFR of `zone` (RFC 5936): SOA first and last, every RRset in between, AA set, the
 * question in the first message only. An IXFR is answered the same way (RFC 1995 §4: the full zone when
 * no journal covers the client's serial). Each message is a fresh copy.
 */
export function* transferMessages(zone: Zone, q: TransferQuestion, w: MessageWriter): Generator<Uint8Array> {
  let first = true;
  const start = (): void => {
    w.reset(MESSAGE_SIZE);
    w.header(q.id, Flag.QR | Flag.AA);
    if (first) w.question(q.qname, q.qtype, q.qclass);
    w.section(1);
    first = false;
  };
  start();
  let count = 0;
  for (const [name, type, ttl, rdata] of sequence(zone)) {
    if (w.rr(name, type, 1, ttl, rdata)) { count++; continue; }
    if (count === 0) throw new Error(`a ${type} record at the zone's name does not fit a transfer message`);
    yield w.finish().slice();
    start();
    count = 0;
    if (!w.rr(name, type, 1, ttl, rdata)) throw new Error(`a ${type} record does not fit a transfer message`);
    count++;
  }
  yield w.finish().slice();
}

function* sequence(zone: Zone): Generator<[Name, number, number, Uint8Array]> {
  const soa = zone.soa;
  const soaRdata = soa.rdata[0] as Uint8Array;
  yield [zone.origin, RRType.SOA, soa.ttl, soaRdata];
  for (const set of zone.records()) {
    if (set.type === RRType.SOA) continue;
    for (const rdata of set.rdata) yield [set.name, set.type, set.ttl, rdata];
  }
  yield [zone.origin, RRType.SOA, soa.ttl, soaRdata];
}

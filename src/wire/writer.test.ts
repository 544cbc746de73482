import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Flag, MessageWriter, RRType, WireError, decodeMessage, nameFromText, rdataFromText, rdataToText, tokenize } from './index.js';

const n = (s: string): Uint8Array => nameFromText(s);
const rd = (t: number, s: string): Uint8Array => rdataFromText(t, tokenize(s), n('example.'));

test('header, question, sections, OPT, counts', () => {
  const w = new MessageWriter();
  w.reset(512);
  w.header(0x1234, Flag.QR | Flag.AA);
  w.question(n('www.example.'), RRType.A, 1);
  w.section(1);
  assert.ok(w.rr(n('www.example.'), RRType.CNAME, 1, 60, rd(RRType.CNAME, 'web.example.')));
  assert.ok(w.rr(n('web.example.'), RRType.A, 1, 60, rd(RRType.A, '192.0.2.1')));
  w.section(2);
  assert.ok(w.rr(n('example.'), RRType.SOA, 1, 60, rd(RRType.SOA, 'ns.example. h.example. 1 2 3 4 5')));
  w.opt({ udpSize: 1232, extRcode: 0, version: 0, do: true, options: [{ code: 3, data: Uint8Array.of(65) }] });
  const m = decodeMessage(w.finish());
  assert.equal(m.id, 0x1234);
  assert.equal(m.flags, Flag.QR | Flag.AA);
  assert.equal(m.answers.length, 2);
  assert.equal(m.authority.length, 1);
  assert.equal(rdataToText(RRType.SOA, m.authority[0]!.rdata), 'ns.example. h.example. 1 2 3 4 5');
  assert.deepEqual(m.edns, { udpSize: 1232, extRcode: 0, version: 0, do: true, flags: 0x8000, options: [{ code: 3, data: Uint8Array.of(65) }] });
  // www.example. at 12 (13 octets), then the CNAME owner is one pointer
  const b = w.finish();
  assert.equal(b[12 + 13 + 4], 0xc0);
  assert.equal(b[12 + 13 + 5], 12);
});

test('rr() refuses what does not fit maxSize - reserved, and rollback restores everything', () => {
  const w = new MessageWriter(600);
  w.reset(100);
  w.header(1, 0);
  w.question(n('a.example.'), RRType.TXT, 1);
  w.reserve(11);
  w.section(1);
  const m = w.mark();
  assert.ok(w.rr(n('a.example.'), RRType.A, 1, 1, rd(RRType.A, '1.2.3.4')));
  const len1 = w.length;
  const big = rd(RRType.TXT, `"${'x'.repeat(60)}"`);
  assert.equal(w.rr(n('a.example.'), RRType.TXT, 1, 1, big), false);
  assert.equal(w.length, len1, 'nothing written on failure');
  w.rollback(m);
  assert.equal(w.length, 12 + 11 + 4);
  assert.ok(w.rr(n('b.example.'), RRType.A, 1, 1, rd(RRType.A, '1.2.3.4')));
  w.opt({ udpSize: 512, extRcode: 0, version: 0, do: false });
  const msg = decodeMessage(w.finish());
  assert.equal(msg.answers.length, 1);
  assert.equal(msg.answers[0]!.name[1], 98);
  assert.ok(w.length <= 100);
  w.setFlags(Flag.TC);
  assert.equal(decodeMessage(w.finish()).flags, Flag.TC);
  assert.throws(() => { w.reset(20); w.question(n('long.example.'), 1, 1); }, WireError);
});

test('compression of rdata names only where RFC 3597 allows it; case is kept', () => {
  const w = new MessageWriter();
  w.reset(65535);
  w.header(1, 0);
  w.question(n('example.'), RRType.MX, 1);
  w.section(1);
  w.rr(n('example.'), RRType.MX, 1, 1, rd(RRType.MX, '1 mx.example.'));
  w.rr(n('example.'), RRType.SRV, 1, 1, rd(RRType.SRV, '1 1 1 mx.example.'));
  w.rr(n('EXAMPLE.'), RRType.NS, 1, 1, rd(RRType.NS, 'mx.example.'));
  const b = w.finish();
  const msg = decodeMessage(b);
  assert.equal(rdataToText(RRType.MX, msg.answers[0]!.rdata), '1 mx.example.');
  assert.equal(msg.answers[2]!.name[1], 69, 'owner case kept');
  // MX rdata: preference + "mx" + pointer = 2 + 3 + 2
  assert.equal(b[12 + 9 + 4 + 2 + 8 + 1], 7);
  // SRV target is written in full (6 + 12 octets)
  const srvStart = 12 + 9 + 4 + 2 + 10 + 7;
  assert.equal(b[srvStart + 2 + 8 + 1], 6 + 12);
  // NS target compresses to the MX exchange
  assert.equal(b[b.length - 2], 0xc0);
});

test('AFSDB and KX targets are written in full (RFC 3597 §4, RFC 2230 §3.1), read back when compressed', () => {
  const w = new MessageWriter();
  w.reset(65535);
  w.header(1, 0);
  w.question(n('example.'), RRType.KX, 1);
  w.section(1);
  w.rr(n('example.'), RRType.AFSDB, 1, 1, rd(RRType.AFSDB, '1 example.'));
  w.rr(n('example.'), RRType.KX, 1, 1, rd(RRType.KX, '1 example.'));
  const b = w.finish();
  // each rdata: 2 octets + "example." in full (9), after owner pointer (2) + type/class/ttl/rdlength (10)
  assert.equal(b.length, 12 + 13 + 2 * (2 + 10 + 11));
  assert.equal(b[b.length - 1], 0);
  // a compressed exchanger (as another server may send it) is expanded on input
  const c = Uint8Array.from([...b.subarray(0, b.length - 9 - 2 - 2), 0, 4, 0, 1, 0xc0, 12]);
  const m = decodeMessage(c);
  assert.equal(rdataToText(RRType.KX, m.answers[1]!.rdata), '1 example.');
});

test('rrReserved writes TSIG into the reserved room', () => {
  const w = new MessageWriter();
  w.reset(60);
  w.header(1, 0);
  w.reserve(40);
  w.section(1);
  assert.equal(w.rr(n('example.'), RRType.TXT, 1, 1, rd(RRType.TXT, `"${'x'.repeat(20)}"`)), false);
  const tsig = rd(RRType.TSIG, 'hmac-sha256. 1 300 0 7 NOERROR 0');
  w.rrReserved(n('k.'), RRType.TSIG, 255, 0, tsig);
  const m = decodeMessage(w.finish());
  assert.equal(m.tsig!.type, RRType.TSIG);
});

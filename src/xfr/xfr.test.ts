import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, decodeMessage, nameFromText, nameToText, rdataFromText, rdataToText, tokenize } from '../wire/index.js';
import { ZoneBuilder } from '../zone/index.js';
import { packTransfer, zoneSequence } from './transfer-writer.js';
import type { Rec } from './transfer-writer.js';
import { parsePeer, addressText, normalAddress } from './peer.js';
import { AddressList } from './acl.js';
import { catalogMembers, memberId } from './catalog-zones.js';
import { soaTimers } from './apply-transfer.js';

const origin = nameFromText('Ex.Test.');
const rd = (type: number, text: string): Uint8Array => rdataFromText(type, tokenize(text), origin);

test('transfer messages decode to the same records, split by size, owners compressed', () => {
  const recs: Rec[] = [
    [nameFromText('ex.test.'), RRType.SOA, 60, rd(RRType.SOA, 'ns.ex.test. h.ex.test. 7 1 1 1 1')],
    [nameFromText('ex.test.'), RRType.NS, 60, rd(RRType.NS, 'ns.other.example.')],
    ...Array.from({ length: 3000 }, (_, i): Rec => [nameFromText(`h${i % 1000}.sub.EX.test.`), RRType.TXT, 60, rd(RRType.TXT, `"record ${i} ${'x'.repeat(i % 200)}"`)]),
    [nameFromText('outside.example.'), RRType.A, 5, rd(RRType.A, '192.0.2.1')],
    [nameFromText('ex.test.'), RRType.SOA, 60, rd(RRType.SOA, 'ns.ex.test. h.ex.test. 7 1 1 1 1')],
  ];
  const msgs = [...packTransfer({ id: 99, qname: origin, qtype: RRType.AXFR, qclass: 1 }, origin, recs, 4096)];
  assert.ok(msgs.length > 10);
  const got: string[] = [];
  let bytes = 0;
  msgs.forEach((m, i) => {
    assert.ok(m.length <= 4096);
    bytes += m.length;
    const d = decodeMessage(m);
    assert.equal(d.id, 99);
    assert.equal(d.questions.length, i === 0 ? 1 : 0);
    for (const r of d.answers) got.push(`${nameToText(r.name).toLowerCase()} ${r.type} ${r.ttl} ${rdataToText(r.type, r.rdata)}`);
  });
  assert.deepEqual(got, recs.map(([n, t, ttl, r]) => `${nameToText(n).toLowerCase()} ${t} ${ttl} ${rdataToText(t, r)}`));
  const literal = recs.reduce((n, [name, , , r]) => n + name.length + 10 + r.length, 0);
  assert.ok(bytes < literal - 3000 * 5, `compressed ${bytes} of ${literal}`); // 'sub.ex.test.' points back each time
});

test('a zone is sent SOA first and last with every RRset between', () => {
  const b = new ZoneBuilder(origin, null);
  b.add(origin, RRType.SOA, 60, rd(RRType.SOA, 'ns.ex.test. h.ex.test. 7 1 1 1 1'));
  b.add(origin, RRType.NS, 60, rd(RRType.NS, 'ns.ex.test.'));
  b.add(nameFromText('ns.ex.test.'), RRType.A, 60, rd(RRType.A, '192.0.2.1'));
  const seq = [...zoneSequence(b.finish())];
  assert.deepEqual(seq.map((r) => r.type), [RRType.SOA, RRType.NS, RRType.A, RRType.SOA]);
  assert.deepEqual(soaTimers(seq[0]!.rdata[0]!), { refresh: 1, retry: 1, expire: 1 });
});

test('peers, address lists', () => {
  assert.deepEqual(parsePeer('192.0.2.1'), { host: '192.0.2.1', port: 53 });
  assert.deepEqual(parsePeer('192.0.2.1:5300'), { host: '192.0.2.1', port: 5300 });
  assert.deepEqual(parsePeer('[2001:db8::1]:54'), { host: '2001:db8::1', port: 54 });
  assert.deepEqual(parsePeer('2001:db8::1'), { host: '2001:db8::1', port: 53 });
  assert.throws(() => parsePeer('ns1.example:53'), /IP\[:PORT\]/);
  assert.throws(() => parsePeer('192.0.2.1:0'), /IP\[:PORT\]/);
  const l = new AddressList(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
  assert.ok(l.has('10.1.2.3') && l.has('::ffff:10.1.2.3') && l.has('2001:db8::5') && l.has('192.0.2.7'));
  assert.ok(!l.has('192.0.2.8') && !l.has('2001:db9::1'));
  assert.throws(() => new AddressList(['10.0.0.0/33'], 'x'), /prefix/);
  assert.equal(addressText(new Uint8Array([127, 0, 0, 2])), '127.0.0.2');
  const v6 = addressText(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
  assert.equal(normalAddress(v6), normalAddress('::1'));
  assert.equal(normalAddress('2001:DB8::0:1'), normalAddress('2001:db8:0:0:0:0:0:1'));
  assert.equal(normalAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(normalAddress('::ffff:c000:201'), '192.0.2.1');
  assert.notEqual(normalAddress('2001:db8::1'), normalAddress('2001:db8::2'));
});

test('catalog members are the PTRs one label below zones.', () => {
  const cat = nameFromText('cat.test.');
  const b = new ZoneBuilder(cat, null);
  const r = (t: number, s: string): Uint8Array => rdataFromText(t, tokenize(s), cat);
  b.add(cat, RRType.SOA, 0, r(RRType.SOA, 'invalid. h.invalid. 1 1 1 1 1'));
  b.add(cat, RRType.NS, 0, r(RRType.NS, 'invalid.'));
  b.add(nameFromText('version.cat.test.'), RRType.TXT, 0, r(RRType.TXT, '"2"'));
  b.add(nameFromText(`${memberId('a.test')}.zones.cat.test.`), RRType.PTR, 0, r(RRType.PTR, 'a.test.'));
  b.add(nameFromText('group.x1.zones.cat.test.'), RRType.TXT, 0, r(RRType.TXT, '"g"'));
  b.add(nameFromText('x1.zones.cat.test.'), RRType.PTR, 0, r(RRType.PTR, 'B.test.'));
  const { version, members } = catalogMembers(b.finish());
  assert.equal(version, '2');
  assert.deepEqual([...members.keys()].sort(), ['a.test.', 'b.test.']);
  assert.equal(memberId('A.test.'), memberId('a.test'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText, nameKey, nameToText, rdataToText, rrFromText } from '../wire/index.js';
import { buildZone, parseZoneText } from './load.js';
import { ZoneSet } from './zone-set.js';
import { ZoneCheckError } from './errors.js';
import { printZone } from './print.js';
import { nsec3HashText } from './nsec3-hash.js';
import type { Zone } from './zone.js';

const origin = nameFromText('example.com.');
const n = (s: string): Uint8Array => nameFromText(s, origin);
const zoneOf = (text: string, o = origin): Zone => buildZone(o, parseZoneText('$TTL 300\n@ SOA ns hm 7 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n' + text, { origin: o }));
const keyName = (node: { name: Uint8Array } | undefined): string | undefined => node && nameToText(node.name);

test('nodes, empty non-terminals, delegation, lower-cased owners', () => {
  const z = zoneOf('A.B.C AAAA ::1\nSub NS ns.sub\nns.sub A 192.0.2.2\n');
  assert.equal(z.serial, 7);
  assert.equal(z.recordCount, 6);
  assert.equal(z.nameCount, 5);
  const b = z.node(nameKey(n('b.c')))!;
  assert.equal(b.isEmptyNonTerminal, true);
  assert.equal(z.node(nameKey(n('c')))!.isEmptyNonTerminal, true);
  const abc = z.node(nameKey(n('a.b.c')))!;
  assert.equal(nameToText(abc.name), 'a.b.c.example.com.');
  assert.equal(abc.get(RRType.AAAA)!.rdata.length, 1);
  assert.deepEqual([...abc.types()], [RRType.AAAA]);
  assert.equal(z.node(nameKey(n('sub')))!.isDelegation, true);
  assert.equal(z.apex.isDelegation, false);
  assert.equal(z.apex.rrsetCount, 2);
});

test('lookup: exact, closest encloser, cut, DNAME', () => {
  const z = zoneOf('sub NS ns.sub\nns.sub A 192.0.2.2\nx.y A 192.0.2.3\nd DNAME example.net.\n');
  let p = z.lookup(n('x.y'));
  assert.equal(keyName(p.node), 'x.y.example.com.');
  assert.equal(p.cut, undefined);
  p = z.lookup(n('q.x.y'));
  assert.equal(p.node, undefined);
  assert.equal(keyName(p.closestEncloser), 'x.y.example.com.');
  p = z.lookup(n('deep.ns.sub'));
  assert.equal(keyName(p.cut), 'sub.example.com.');
  assert.equal(keyName(p.closestEncloser), 'ns.sub.example.com.');
  assert.equal(keyName(z.lookup(n('sub')).cut), 'sub.example.com.');
  p = z.lookup(n('a.b.d'));
  assert.equal(keyName(p.dname), 'd.example.com.');
  assert.equal(z.lookup(n('d')).dname, undefined);
  p = z.lookup(nameFromText('EXAMPLE.com.'));
  assert.equal(p.node, z.apex);
  assert.equal(z.lookup(n('nothere')).closestEncloser, z.apex);
});

test('rdata sorted canonically and deduplicated; first TTL wins with a warning', () => {
  const z = zoneOf('m MX 20 b\nm MX 10 z\nm 60 MX 10 Z\nm MX 10 a\n');
  const mx = z.node(nameKey(n('m')))!.get(RRType.MX)!;
  assert.deepEqual(mx.rdata.map((r) => rdataToText(RRType.MX, r)), ['10 a.example.com.', '10 z.example.com.', '20 b.example.com.']);
  assert.equal(mx.ttl, 300);
  assert.ok(z.diagnostics.some((d) => /duplicate/.test(d.message)));
  assert.ok(z.diagnostics.some((d) => /TTL 60 differs/.test(d.message)));
  assert.equal(mx.name, z.node(nameKey(n('m')))!.name);
});

test('RRSIGs grouped by covered type; NSEC chain lookups', () => {
  const sig = (covered: string): string => `${covered} 13 2 300 20300101000000 20200101000000 1 example.com. AAAA`;
  const z = zoneOf(`@ RRSIG ${sig('SOA')}\n@ RRSIG ${sig('NS')}\n@ NSEC b NS SOA RRSIG NSEC\nb A 1.1.1.1\nb NSEC d A\nd A 1.1.1.2\nd NSEC @ A\n`);
  assert.equal(z.apex.sigs(RRType.SOA)!.rdata.length, 1);
  assert.equal(z.apex.sigs(RRType.SOA)!.type, RRType.RRSIG);
  assert.equal(z.apex.sigs(RRType.A), undefined);
  assert.ok(![...z.apex.types()].includes(RRType.RRSIG));
  const owner = (s: string): string => nameToText(z.nsecFor(n(s))!.name);
  assert.equal(owner('c'), 'b.example.com.');
  assert.equal(owner('b'), 'b.example.com.');
  assert.equal(owner('a'), 'example.com.');
  assert.equal(owner('zzz'), 'd.example.com.');
  assert.equal(z.nsecFor(nameFromText('example.com.'))!.name, z.apex.name);
});

test('nsec3Hash matches RFC 5155 appendix A; nsec3For finds match and cover', () => {
  const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);
  assert.equal(nsec3HashText(nameFromText('example.'), salt, 12), '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
  assert.equal(nsec3HashText(nameFromText('a.example.'), salt, 12), '35mthgpgcu1qg68fab165klnsnk3dpvl');
  const h = ['0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', '35mthgpgcu1qg68fab165klnsnk3dpvl', 'b4um86eghhds6nea196smvmlo4ors995'];
  const z = zoneOf('@ NSEC3PARAM 1 0 12 aabbccdd\n' + h.map((x, i) =>
    `${x.toUpperCase()} NSEC3 1 1 12 aabbccdd ${h[(i + 1) % 3]} A\n`).join(''));
  assert.deepEqual(z.nsec3, { algorithm: 1, flags: 0, iterations: 12, salt });
  let r = z.nsec3For(h[1]!);
  assert.equal(keyName(r.match)?.split('.')[0], h[1]);
  assert.equal(keyName(r.cover)?.split('.')[0], h[0]);
  r = z.nsec3For('avvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv');
  assert.equal(r.match, undefined);
  assert.equal(keyName(r.cover)?.split('.')[0], h[1]);
  r = z.nsec3For('00000000000000000000000000000000');
  assert.equal(keyName(r.cover)?.split('.')[0], h[2]);
});

test('records() and printZone: SOA first, canonical order; print round-trips', () => {
  const z = zoneOf('b A 1.1.1.1\n*.a TXT "w"\na A 1.1.1.2\nZ.a A 1.1.1.3\n');
  const owners = [...z.records()].map((s) => `${nameToText(s.name)}/${s.type}`);
  assert.deepEqual(owners, ['example.com./6', 'example.com./2', 'a.example.com./1', '*.a.example.com./16',
    'z.a.example.com./1', 'b.example.com./1', 'ns.example.com./1']);
  const bNode = z.node('\x01b' + z.originKey)!;
  const walked = [...z.records()].find((s) => s.name[1] === 98)!;
  assert.notEqual(walked, bNode.get(RRType.A), 'a full walk hands out one-pass copies');
  const served = bNode.get(RRType.A)!;
  assert.equal(served.rdata, served.rdata, 'served views are kept');
  assert.equal([...z.records()].find((s) => s.name[1] === 98), served);
  const text = printZone(z);
  assert.match(text, /^\$ORIGIN example\.com\.\nexample\.com\.\t300\tIN\tSOA\t/);
  assert.equal(printZone(buildZone(origin, parseZoneText(text, { origin }))), text);
});

test('buildZone refuses a zone without SOA and records outside it', () => {
  assert.throws(() => buildZone(origin, [rrFromText('a.example.com. 60 IN A 1.2.3.4')]), ZoneCheckError);
  assert.throws(() => buildZone(origin, [rrFromText('example.com. 60 IN SOA a. b. 1 2 3 4 5'),
    rrFromText('a.example.org. 60 IN A 1.2.3.4')]), /outside the zone/);
});

test('ZoneSet finds the longest origin', () => {
  const parent = zoneOf('');
  const childOrigin = nameFromText('sub.example.com.');
  const child = zoneOf('', childOrigin);
  const set = new ZoneSet([parent, child]);
  assert.equal(set.size, 2);
  assert.equal(set.find(nameFromText('a.SUB.example.com.')), child);
  assert.equal(set.find(nameFromText('sub.example.com.')), child);
  assert.equal(set.find(nameFromText('x.example.com.')), parent);
  assert.equal(set.find(nameFromText('example.org.')), undefined);
  assert.equal(set.find(nameFromText('.')), undefined);
  const smaller = set.without(child.originKey);
  assert.equal(smaller.size, 1);
  assert.equal(set.size, 2);
  assert.equal(smaller.with(child).get(child.originKey), child);
  assert.deepEqual([...set].length, 2);
});

test('slab layout: long rdata, several RRsets and RRSIGs at one node, peek does not keep', () => {
  const long = 'x'.repeat(300);
  const sig = 'A 13 2 300 20300101000000 20200101000000 1 example.com. AAAA';
  const z = zoneOf(`t TXT "${long}"\nm TXT "${long}"\nm TXT "b"\nm A 192.0.2.9\nm RRSIG ${sig}\nm AAAA ::1\nm 60 MX 1 t\n`);
  const t = z.node('\x01t' + z.originKey)!;
  assert.equal(rdataToText(RRType.TXT, t.get(RRType.TXT)!.rdata[0]!), `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
  const m = z.node('\x01m' + z.originKey)!;
  assert.deepEqual([...m.types()], [RRType.A, RRType.MX, RRType.TXT, RRType.AAAA]);
  assert.equal(m.recordCount, 6);
  assert.equal(m.rrsetCount, 5);
  assert.equal(m.get(RRType.MX)!.ttl, 60);
  assert.equal(m.get(RRType.TXT)!.rdata.length, 2);
  assert.equal(m.get(RRType.NS), undefined);
  assert.equal(m.sigs(RRType.A)!.rdata.length, 1);
  const peeked = m.peek(RRType.AAAA)!;
  assert.notEqual(peeked, m.peek(RRType.AAAA), 'peek hands out copies until the RRset is served');
  assert.equal(rdataToText(RRType.AAAA, peeked.rdata[0]!), '::1');
  const served = m.get(RRType.AAAA);
  assert.equal(m.get(RRType.AAAA), served);
  assert.equal(m.peek(RRType.AAAA), served);
});

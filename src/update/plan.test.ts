import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, RRClass, RRType, Rcode, nameFromText, rdataFromText, tokenize } from '../wire/index.js';
import type { Message, Rr } from '../wire/index.js';
import { buildZone, parseZoneText } from '../zone/index.js';
import { planUpdate } from './plan.js';

const ORIGIN = nameFromText('example.test.');
const zone = buildZone(ORIGIN, parseZoneText(`$TTL 300
@ SOA ns1 hostmaster 10 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.10
www A 192.0.2.11
alias CNAME www
`, { origin: ORIGIN }));

function rr(name: string, type: number, cls: number, ttl: number, text = ''): Rr {
  return { name: nameFromText(name), type, class: cls, ttl, rdata: text === '' ? new Uint8Array(0) : rdataFromText(type, tokenize(text), ORIGIN) };
}

function msg(prereq: Rr[], updates: Rr[]): Message {
  return { id: 1, flags: 0, opcode: Opcode.UPDATE, rcode: 0, questions: [{ name: ORIGIN, type: RRType.SOA, class: 1 }],
    answers: prereq, authority: updates, additional: [], edns: null, tsig: null };
}

const edits = (p: ReturnType<typeof planUpdate>): unknown => ('edits' in p ? p.edits.map((e) => [e.name, e.type, e.ttl, e.records?.map((r) => r.content)]) : p);

test('update: adds, deletes an RR, deletes an RRset and all RRsets at a name', () => {
  assert.deepEqual(edits(planUpdate(msg([], [rr('new.example.test.', RRType.A, RRClass.IN, 60, '198.51.100.1')]), zone)),
    [['new.example.test.', 'A', 60, ['198.51.100.1']]]);
  assert.deepEqual(edits(planUpdate(msg([], [rr('www.example.test.', RRType.A, RRClass.NONE, 0, '192.0.2.10')]), zone)),
    [['www.example.test.', 'A', 300, ['192.0.2.11']]]);
  assert.deepEqual(edits(planUpdate(msg([], [rr('www.example.test.', RRType.A, RRClass.ANY, 0)]), zone)), [['www.example.test.', 'A', 300, []]]);
  assert.deepEqual(edits(planUpdate(msg([], [rr('alias.example.test.', RRType.ANY, RRClass.ANY, 0)]), zone)), [['alias.example.test.', 'CNAME', 300, []]]);
});

test('update: prerequisites (RFC 2136 3.2) give YXDOMAIN, NXDOMAIN, YXRRSET, NXRRSET, and value-dependent NXRRSET', () => {
  const rc = (p: Rr[]): number => planUpdate(msg(p, []), zone).rcode;
  assert.equal(rc([rr('www.example.test.', RRType.ANY, RRClass.NONE, 0)]), Rcode.YXDOMAIN);
  assert.equal(rc([rr('nope.example.test.', RRType.ANY, RRClass.ANY, 0)]), Rcode.NXDOMAIN);
  assert.equal(rc([rr('www.example.test.', RRType.A, RRClass.NONE, 0)]), Rcode.YXRRSET);
  assert.equal(rc([rr('www.example.test.', RRType.AAAA, RRClass.ANY, 0)]), Rcode.NXRRSET);
  assert.equal(rc([rr('www.example.test.', RRType.A, RRClass.IN, 0, '192.0.2.10')]), Rcode.NXRRSET, 'only part of the RRset');
  assert.equal(rc([rr('www.example.test.', RRType.A, RRClass.IN, 0, '192.0.2.10'), rr('www.example.test.', RRType.A, RRClass.IN, 0, '192.0.2.11')]), 0);
  assert.equal(rc([rr('other.test.', RRType.A, RRClass.ANY, 0)]), Rcode.NOTZONE);
  assert.equal(rc([rr('www.example.test.', RRType.A, RRClass.ANY, 60)]), Rcode.FORMERR);
});

test('update: CNAME exclusivity, apex SOA and NS kept, SOA only with a newer serial, duplicates ignored', () => {
  assert.deepEqual(edits(planUpdate(msg([], [rr('www.example.test.', RRType.CNAME, RRClass.IN, 60, 'ns1')]), zone)), []);
  assert.deepEqual(edits(planUpdate(msg([], [rr('alias.example.test.', RRType.TXT, RRClass.IN, 60, '"x"')]), zone)), []);
  assert.deepEqual(edits(planUpdate(msg([], [rr('example.test.', RRType.ANY, RRClass.ANY, 0)]), zone)), []);
  assert.deepEqual(edits(planUpdate(msg([], [rr('example.test.', RRType.NS, RRClass.NONE, 0, 'ns1')]), zone)), []);
  assert.deepEqual(edits(planUpdate(msg([], [rr('example.test.', RRType.SOA, RRClass.IN, 300, 'ns1 hostmaster 9 3600 600 86400 60')]), zone)), []);
  assert.deepEqual(edits(planUpdate(msg([], [rr('example.test.', RRType.SOA, RRClass.IN, 300, 'ns1 hostmaster 11 3600 600 86400 60')]), zone)),
    [['example.test.', 'SOA', 300, ['ns1.example.test. hostmaster.example.test. 11 3600 600 86400 60']]]);
  assert.deepEqual(edits(planUpdate(msg([], [rr('www.example.test.', RRType.A, RRClass.IN, 300, '192.0.2.10')]), zone)), []);
  assert.equal(planUpdate(msg([], [rr('x.example.test.', RRType.RRSIG, RRClass.IN, 300, 'A 13 3 300 20300101000000 20200101000000 1 example.test. AAAA')]), zone).rcode, Rcode.FORMERR);
});

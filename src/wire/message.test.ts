import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Flag, RRType, Rcode, decodeMessage, encodeMessage, encodeClientSubnet, nameFromText, rdataFromText, tokenize,
  typeFromText, readQuery, WireError,
} from './index.js';
import type { Message, Rr } from './index.js';
import { RDATA_CASES } from './testdata/rdata-cases.js';
import { dnspython, hex, unhex } from './testdata/oracle.js';
import { messageJson } from './testdata/message-json.js';

const origin = nameFromText('example.com.');
const rr = (owner: string, t: string, text: string, ttl = 300): Rr =>
  ({ name: nameFromText(owner, origin), type: typeFromText(t), class: 1, ttl, rdata: rdataFromText(typeFromText(t), tokenize(text), origin) });

function bigMessage(): Message {
  const answers = RDATA_CASES.filter(([t]) => t !== 'TSIG').map(([t, text], i) => rr(`r${i}.Example.com.`, t, text, i));
  return {
    id: 0xbeef, flags: Flag.QR | Flag.AA | Flag.RD, opcode: 0, rcode: Rcode.NOERROR,
    questions: [{ name: nameFromText('www.example.com.'), type: RRType.ANY, class: 1 }],
    answers,
    authority: [rr('example.com.', 'NS', 'ns1'), rr('example.com.', 'NS', 'ns2.example.net.')],
    additional: [rr('ns1.example.com.', 'A', '192.0.2.53'), rr('ns1', 'AAAA', '2001:db8::53')],
    edns: {
      udpSize: 1232, extRcode: 0, version: 0, do: true, flags: 0x8000,
      options: [{ code: 8, data: encodeClientSubnet({ family: 1, sourcePrefix: 24, scopePrefix: 16, address: Uint8Array.from([192, 0, 2, 0]) }) },
        { code: 3, data: new Uint8Array(0) }],
    },
    tsig: null,
  };
}

interface Examples { wires: string[] }

test('messages decoded by us and by dnspython agree field by field', { timeout: 30_000 }, () => {
  const [ex] = dnspython<Examples>([{ op: 'examples' }]);
  const msg = bigMessage();
  const wires = [encodeMessage(msg), encodeMessage(msg, { compress: false }), ...ex!.wires.map(unhex)];
  const theirs = dnspython<object>(wires.map((w) => ({ op: 'message', wire: hex(w) })));
  wires.forEach((w, i) => {
    assert.deepEqual(messageJson(decodeMessage(w)), theirs[i], `message ${i}`);
  });
  assert.ok(wires[0]!.length < wires[1]!.length, 'compression makes the message smaller');
  assert.deepEqual(messageJson(decodeMessage(wires[0]!)), messageJson(msg));
});

test('readQuery reads dnspython queries', { timeout: 30_000 }, () => {
  const [ex] = dnspython<Examples>([{ op: 'examples' }]);
  const [plain, ecs4, ecs6] = ex!.wires.map(unhex);
  const q = readQuery(plain!, plain!.length);
  assert.equal(q.id, 4660);
  assert.equal(hex(q.qname), hex(nameFromText('www.Example.com.')));
  assert.equal(q.qname.buffer, plain!.buffer, 'qname is a subarray');
  assert.equal(q.qtype, RRType.AAAA);
  assert.equal(q.questionEnd, plain!.length);
  assert.equal(q.edns, null);
  const into = readQuery(ecs4!, ecs4!.length, q);
  assert.equal(into, q);
  assert.equal(q.edns!.udpSize, 1232);
  assert.equal(q.edns!.do, true);
  assert.deepEqual(q.ecs, { family: 1, sourcePrefix: 24, scopePrefix: 0, address: Uint8Array.from([192, 0, 2, 0]) });
  assert.equal(hex(q.cookie!.client), '0001020304050607');
  assert.equal(q.cookie!.server, null);
  readQuery(ecs6!, ecs6!.length, q);
  assert.equal(q.ecs!.family, 2);
  assert.equal(q.ecs!.sourcePrefix, 56);
  assert.equal(hex(q.ecs!.address), '20010db8000000000000000000000000');
  assert.equal(q.cookie!.server!.length, 16);
  assert.deepEqual(q.edns!.options.map((o) => o.code), [8, 10, 3]);
});

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof WireError) return e.code;
    throw e;
  }
  return 'ok';
};

function query(nameBytes: number[], extra: number[] = [], counts = [1, 0, 0, 0]): Uint8Array {
  return Uint8Array.from([0, 1, 0, 0, ...counts.flatMap((c) => [0, c]), ...nameBytes, 0, 1, 0, 1, ...extra]);
}

test('malformed names are rejected with their own codes', () => {
  const a = [1, 97, 0];
  const cases: [string, Uint8Array][] = [
    ['GDNS_ERR_WIRE_TRUNCATED', Uint8Array.from([0, 1, 0])],
    ['GDNS_ERR_WIRE_TRUNCATED', query([3, 97, 98])],
    ['GDNS_ERR_WIRE_LABEL_TOO_LONG', query([0x41, ...new Array<number>(0x41).fill(97), 0])],
    ['GDNS_ERR_WIRE_BAD_LABEL_TYPE', query([0x80, 0])],
    ['GDNS_ERR_WIRE_NAME_TOO_LONG', query(new Array(128).fill([1, 97]).flat().concat([0]))],
    // answer owner: pointer to itself, forward, out of bounds, into the header, loop via earlier label
    ['GDNS_ERR_WIRE_FORWARD_POINTER', query(a, [0xc0, 21, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0])],
    ['GDNS_ERR_WIRE_FORWARD_POINTER', query(a, [0xc0, 23, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0])],
    ['GDNS_ERR_WIRE_POINTER_OUT_OF_BOUNDS', query(a, [0xc0, 200, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0])],
    ['GDNS_ERR_WIRE_POINTER_OUT_OF_BOUNDS', query(a, [0xc0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0])],
    ['GDNS_ERR_WIRE_POINTER_LOOP', query(a, [1, 98, 0xc0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0])],
    ['GDNS_ERR_WIRE_TRAILING_DATA', query(a, [0])],
    ['GDNS_ERR_WIRE_TRUNCATED', query(a, [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1], [1, 1, 0, 0])],
  ];
  for (const [want, buf] of cases) {
    assert.equal(code(() => decodeMessage(buf)), want, `decodeMessage ${hex(buf)}`);
    // readQuery ignores octets after the last record, as NSD and Knot do.
    const lenient = want === 'GDNS_ERR_WIRE_TRAILING_DATA' ? 'ok' : want;
    assert.equal(code(() => readQuery(buf, buf.length)), lenient, `readQuery ${hex(buf)}`);
  }
  // a legal backward pointer decodes
  const ok = query(a, [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4], [1, 1, 0, 0]);
  assert.equal(hex(decodeMessage(ok).answers[0]!.name), '016100');
});

test('OPT, ECS, cookie and TSIG placement are checked by readQuery and decodeMessage', () => {
  const opt = (opts: number[] = [], owner = [0]): number[] => [...owner, 0, 41, 4, 208, 0, 0, 0, 0, 0, opts.length, ...opts];
  const q = (ar: number[], n: number): Uint8Array => query([1, 97, 0], ar, [1, 0, 0, n]);
  const cases: [string, Uint8Array][] = [
    ['GDNS_ERR_WIRE_BAD_EDNS', q([...opt(), ...opt()], 2)],
    ['GDNS_ERR_WIRE_BAD_EDNS', q(opt([], [1, 97, 0]), 1)],
    ['GDNS_ERR_WIRE_BAD_EDNS', q(opt([0, 8, 0, 9, 1]), 1)],
    ['GDNS_ERR_WIRE_BAD_ECS', q(opt([0, 8, 0, 4, 0, 3, 0, 0]), 1)],
    ['GDNS_ERR_WIRE_BAD_ECS', q(opt([0, 8, 0, 5, 0, 1, 33, 0, 1]), 1)],
    ['GDNS_ERR_WIRE_BAD_ECS', q(opt([0, 8, 0, 6, 0, 1, 8, 0, 1, 2]), 1)],
    ['GDNS_ERR_WIRE_BAD_ECS', q(opt([0, 8, 0, 5, 0, 1, 7, 0, 0xff]), 1)],
    ['GDNS_ERR_WIRE_BAD_COOKIE', q(opt([0, 10, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 1)],
    ['ok', q(opt([0, 8, 0, 5, 0, 1, 7, 0, 0xfe]), 1)],
  ];
  for (const [want, buf] of cases) assert.equal(code(() => readQuery(buf, buf.length)), want, `readQuery ${hex(buf)}`);
  assert.equal(code(() => decodeMessage(cases[0]![1])), 'GDNS_ERR_WIRE_BAD_EDNS');
  const tsigRr = [0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 0];
  const notLast = q([...tsigRr, ...opt()], 2);
  assert.equal(code(() => readQuery(notLast, notLast.length)), 'GDNS_ERR_WIRE_BAD_TSIG');
  const last = q([...opt(), ...tsigRr], 2);
  assert.equal(readQuery(last, last.length).tsigOffset, last.length - tsigRr.length);
});

test('UPDATE deletions with empty rdata survive decode and encode; OPT only in additional', () => {
  const del = (klass: number, type: number): Rr => ({ name: nameFromText('www.example.com.'), type, class: klass, ttl: 0, rdata: new Uint8Array(0) });
  const m: Message = {
    id: 5, flags: 5 << 11, opcode: 5, rcode: 0, questions: [{ name: origin, type: RRType.SOA, class: 1 }],
    answers: [], authority: [del(255, RRType.NS), del(255, RRType.MX), del(254, RRType.SOA), del(255, 255)], additional: [], edns: null, tsig: null,
  };
  const w = encodeMessage(m);
  assert.deepEqual(decodeMessage(w), m);
  const optInAnswer = query([1, 97, 0], [0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0]);
  assert.equal(code(() => decodeMessage(optInAnswer)), 'GDNS_ERR_WIRE_BAD_EDNS');
  assert.equal(code(() => readQuery(optInAnswer, optInAnswer.length)), 'GDNS_ERR_WIRE_BAD_EDNS');
});

test('readQuery with no question', () => {
  const b = Uint8Array.from([0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const q = readQuery(b, 12);
  assert.equal(q.qdcount, 0);
  assert.equal(q.qname.length, 1);
  assert.equal(q.qtype, 0);
  assert.equal(q.questionEnd, 12);
  assert.equal(code(() => readQuery(b, 11)), 'GDNS_ERR_WIRE_TRUNCATED');
});

test('encodeMessage drops whole RRsets when over maxSize', () => {
  const msg = bigMessage();
  msg.answers = [rr('a', 'TXT', `"${'x'.repeat(200)}"`), rr('b', 'A', '192.0.2.1'), rr('b', 'A', '192.0.2.2'), rr('c', 'TXT', `"${'y'.repeat(200)}"`)];
  const full = encodeMessage(msg);
  const fullMsg = decodeMessage(full);
  assert.equal(fullMsg.flags & Flag.TC, 0);
  // room for the first two RRsets only
  const cut = decodeMessage(encodeMessage(msg, { maxSize: full.length - 100 }));
  assert.equal(cut.flags & Flag.TC, Flag.TC);
  assert.equal(cut.answers.length, 3);
  assert.equal(cut.authority.length, 0);
  assert.ok(cut.edns, 'OPT is kept');
  // only the additional section loses data: no TC
  const addOnly = decodeMessage(encodeMessage(msg, { maxSize: full.length - 20 }));
  assert.equal(addOnly.flags & Flag.TC, 0);
  assert.equal(addOnly.answers.length, 4);
  assert.equal(addOnly.additional.length, 1);
  // extended rcode goes to OPT
  msg.rcode = Rcode.BADCOOKIE;
  const bad = decodeMessage(encodeMessage(msg));
  assert.equal(bad.rcode, Rcode.BADCOOKIE);
  assert.equal(bad.edns!.extRcode, 1);
});

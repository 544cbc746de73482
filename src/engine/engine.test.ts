import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Flag, Opcode, RRType, Rcode, decodeMessage, encodeMessage, nameFromText, rrToText, typeFromText, nameToText,
} from '../wire/index.js';
import type { Edns, EdnsOption, Message } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { Engine, HANDOFF, queryChannel } from './index.js';
import type { ClientInfo, QueryEvent } from './index.js';

const PARENT = `
$ORIGIN example.
$TTL 3600
@        SOA ns1 hostmaster 1 7200 900 1209600 300
@        NS  ns1
@        NS  ns2.other.
ns1      A   192.0.2.1
www      A   192.0.2.10
www      A   192.0.2.11
www      AAAA 2001:db8::10
WwW2     CNAME www
alias    CNAME www.child.example.
loop1    CNAME loop2
loop2    CNAME loop1
out      CNAME www.elsewhere.
*.wild   A   192.0.2.20
*.wild   TXT "wild"
sub.wild A   192.0.2.21
a.b.ent  A   192.0.2.30
*.ent    A   192.0.2.31
mx       MX  10 mail
afs      AFSDB 1 mail
kx       KX  10 mail
mail     A   192.0.2.25
srv      SRV 0 1 443 www
https    HTTPS 1 . alpn=h2
svc      HTTPS 1 www
d        DNAME target.example.
x.target A   192.0.2.40
deleg    NS  ns.deleg
deleg    NS  ns.sibling
deleg    NS  ns.far.
ns.deleg A   192.0.2.50
sibling  NS  ns.sibling
ns.sibling A 192.0.2.51
child    NS  ns1.child
geo      LUA A "pickclosest({'192.0.2.1','198.51.100.1'})"
flat     ALIAS www.example.
child    DS  12345 13 2 ${'ab'.repeat(32)}
ns1.child A  192.0.2.60
`;

const CHILD = `
$ORIGIN child.example.
$TTL 600
@        SOA ns1 hostmaster 7 7200 900 1209600 60
@        NS  ns1
ns1      A   192.0.2.60
www      A   192.0.2.61
`;

function engine(): Engine {
  const e = new Engine({ handledOpcodes: [Opcode.NOTIFY], transfers: true });
  const zones = [PARENT, CHILD].map((text) => {
    const origin = nameFromText(/\$ORIGIN (\S+)/.exec(text)![1]!);
    return buildZone(origin, parseZoneText(text, { origin }));
  });
  e.setZones(new ZoneSet(zones));
  return e;
}

const UDP: ClientInfo = { transport: 'udp', address: new Uint8Array([192, 0, 2, 99]), port: 5353 };
const TCP: ClientInfo = { ...UDP, transport: 'tcp' };

interface Q { name: string; type: string; edns?: Partial<Edns> | null; flags?: number; qclass?: number; opcode?: number }

function query(q: Q): Uint8Array {
  const edns: Edns | null = q.edns === null ? null
    : { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [] as EdnsOption[], ...q.edns };
  const opcode = q.opcode ?? 0;
  return encodeMessage({
    id: 0x1234, flags: (q.flags ?? Flag.RD) | (opcode << 11), opcode, rcode: 0,
    questions: [{ name: nameFromText(q.name), type: typeFromText(q.type), class: q.qclass ?? 1 }],
    answers: [], authority: [], additional: [], edns, tsig: null,
  });
}

function ask(e: Engine, q: Q, client = UDP): Message {
  const req = query(q);
  const n = e.answer(req, req.length, client);
  assert.ok(n > 0, `no answer to ${q.name} ${q.type}`);
  return decodeMessage(e.output.slice(0, n));
}

const text = (rrs: Message['answers']): string[] => rrs.map((r) => rrToText(r).replace(/\s+/g, ' '));

test('exact match: AA, RD copied, no apex NS in authority (minimal responses)', () => {
  const m = ask(engine(), { name: 'www.example.', type: 'A' });
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.ok(m.flags & Flag.AA);
  assert.ok(m.flags & Flag.RD);
  assert.ok(!(m.flags & Flag.RA));
  assert.deepEqual(text(m.answers).sort(), ['www.example. 3600 IN A 192.0.2.10', 'www.example. 3600 IN A 192.0.2.11']);
  assert.equal(m.authority.length, 0);
  assert.ok(m.edns !== null);
  assert.equal(m.edns!.udpSize, 1232);
});

test('the query name case is echoed (0x20), also from the answer cache', () => {
  const e = engine();
  for (let i = 0; i < 2; i++) {
    const m = ask(e, { name: 'wWw.ExAmPlE.', type: 'A' });
    assert.equal(new TextDecoder().decode(m.questions[0]!.name.subarray(1, 4)), 'wWw');
    assert.equal(m.id, 0x1234);
  }
});

test('CNAME followed in the zone and into another hosted zone; loop answered NOERROR', () => {
  const e = engine();
  let m = ask(e, { name: 'www2.example.', type: 'A' });
  assert.deepEqual(text(m.answers).slice(0, 1), ['www2.example. 3600 IN CNAME www.example.']);
  assert.equal(m.answers.length, 3);
  m = ask(e, { name: 'alias.example.', type: 'A' });
  assert.deepEqual(text(m.answers), ['alias.example. 3600 IN CNAME www.child.example.', 'www.child.example. 600 IN A 192.0.2.61']);
  m = ask(e, { name: 'loop1.example.', type: 'A' });
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.equal(m.answers.length, 2);
  m = ask(e, { name: 'out.example.', type: 'A' });
  assert.deepEqual(text(m.answers), ['out.example. 3600 IN CNAME www.elsewhere.']);
});

test('wildcards: synthesized, blocked by an existing name and by an empty non-terminal', () => {
  const e = engine();
  let m = ask(e, { name: 'x.y.wild.example.', type: 'A' });
  assert.deepEqual(text(m.answers), ['x.y.wild.example. 3600 IN A 192.0.2.20']);
  m = ask(e, { name: 'x.sub.wild.example.', type: 'A' });
  assert.equal(m.rcode, Rcode.NXDOMAIN, 'no wildcard below an existing name');
  m = ask(e, { name: 'sub.wild.example.', type: 'TXT' });
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.equal(m.answers.length, 0, 'no wildcard at an existing name');
  m = ask(e, { name: 'x.b.ent.example.', type: 'A' });
  assert.equal(m.rcode, Rcode.NXDOMAIN, 'the empty non-terminal b.ent blocks *.ent');
  m = ask(e, { name: 'b.ent.example.', type: 'A' });
  assert.equal(m.rcode, Rcode.NOERROR, 'an empty non-terminal exists');
  m = ask(e, { name: 'q.wild.example.', type: 'MX' });
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.equal(m.answers.length, 0);
});

test('NXDOMAIN and NODATA carry the SOA with TTL min(SOA TTL, MINIMUM)', () => {
  const e = engine();
  for (const [name, rcode] of [['nope.example.', Rcode.NXDOMAIN], ['www.example.', Rcode.NOERROR]] as const) {
    const m = ask(e, { name, type: name === 'www.example.' ? 'MX' : 'A' });
    assert.equal(m.rcode, rcode);
    assert.deepEqual(text(m.authority), ['example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 900 1209600 300']);
    assert.ok(m.flags & Flag.AA);
  }
});

test('referral: AA clear, NS in authority, in-bailiwick and sibling glue, none out of bailiwick', () => {
  const m = ask(engine(), { name: 'host.deleg.example.', type: 'A' });
  assert.ok(!(m.flags & Flag.AA));
  assert.equal(m.answers.length, 0);
  assert.equal(m.authority.length, 3);
  assert.deepEqual(text(m.additional).sort(), ['ns.deleg.example. 3600 IN A 192.0.2.50', 'ns.sibling.example. 3600 IN A 192.0.2.51']);
});

test('DS at a hosted child apex is answered from the parent', () => {
  const m = ask(engine(), { name: 'child.example.', type: 'DS' });
  assert.ok(m.flags & Flag.AA);
  assert.equal(m.answers.length, 1);
  assert.equal(m.answers[0]!.type, RRType.DS);
});

test('the longest matching zone wins', () => {
  const m = ask(engine(), { name: 'www.child.example.', type: 'A' });
  assert.ok(m.flags & Flag.AA);
  assert.deepEqual(text(m.answers), ['www.child.example. 600 IN A 192.0.2.61']);
});

test('DNAME: synthesized CNAME, then the target; YXDOMAIN when too long', () => {
  const e = engine();
  let m = ask(e, { name: 'x.d.example.', type: 'A' });
  assert.deepEqual(text(m.answers), [
    'd.example. 3600 IN DNAME target.example.', 'x.d.example. 3600 IN CNAME x.target.example.',
    'x.target.example. 3600 IN A 192.0.2.40',
  ]);
  const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.d.example.`;
  m = ask(e, { name: long, type: 'A' });
  assert.equal(m.rcode, Rcode.YXDOMAIN);
});

test('additional addresses for MX, SRV, HTTPS, AFSDB and KX targets; none for TargetName "."', () => {
  const e = engine();
  assert.deepEqual(text(ask(e, { name: 'mx.example.', type: 'MX' }).additional), ['mail.example. 3600 IN A 192.0.2.25']);
  assert.deepEqual(text(ask(e, { name: 'afs.example.', type: 'AFSDB' }).additional), ['mail.example. 3600 IN A 192.0.2.25']);
  assert.deepEqual(text(ask(e, { name: 'kx.example.', type: 'KX' }).additional), ['mail.example. 3600 IN A 192.0.2.25']);
  assert.equal(ask(e, { name: 'srv.example.', type: 'SRV' }).additional.length, 3);
  assert.equal(ask(e, { name: 'svc.example.', type: 'HTTPS' }).additional.length, 3);
  assert.equal(ask(e, { name: 'https.example.', type: 'HTTPS' }).additional.length, 0);
});

test('REFUSED without AA outside the zones and for other classes', () => {
  const e = engine();
  for (const q of [{ name: 'example.org.', type: 'A' }, { name: 'www.example.', type: 'A', qclass: 3 }]) {
    const m = ask(e, q);
    assert.equal(m.rcode, Rcode.REFUSED);
    assert.ok(!(m.flags & Flag.AA));
    assert.ok(!(m.flags & Flag.RA));
  }
});

test('opcodes: NOTIMP for unknown, NOTIFY handed off, AXFR NOTIMP over UDP and handed off over TCP', () => {
  const e = engine();
  assert.equal(ask(e, { name: 'example.', type: 'SOA', opcode: 2 }).rcode, Rcode.NOTIMP);
  const notify = query({ name: 'example.', type: 'SOA', opcode: Opcode.NOTIFY });
  assert.equal(e.answer(notify, notify.length, UDP), HANDOFF);
  assert.equal(ask(e, { name: 'example.', type: 'AXFR' }).rcode, Rcode.NOTIMP);
  const axfr = query({ name: 'example.', type: 'AXFR' });
  assert.equal(e.answer(axfr, axfr.length, TCP), HANDOFF);
});

test('EDNS: BADVERS for version 1, sizes below 512 count as 512, DO echoed', () => {
  const e = engine();
  const m = ask(e, { name: 'www.example.', type: 'A', edns: { version: 1 } });
  assert.equal(m.rcode, Rcode.BADVERS);
  assert.ok(!(m.flags & Flag.AA));
  assert.equal(m.edns!.version, 0);
  assert.equal(m.answers.length, 0);
  const d = ask(e, { name: 'www.example.', type: 'A', edns: { do: true, udpSize: 100 } });
  assert.ok(d.edns!.do);
  assert.equal(d.answers.length, 2);
});

test('truncation at 512 without EDNS drops whole RRsets and sets TC', () => {
  const big = `$ORIGIN big.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n` +
    Array.from({ length: 40 }, (_, i) => `t TXT "${'x'.repeat(40)}${i}"`).join('\n');
  const e = new Engine();
  const origin = nameFromText('big.');
  e.setZones(new ZoneSet([buildZone(origin, parseZoneText(big, { origin }))]));
  const m = ask(e, { name: 't.big.', type: 'TXT', edns: null });
  assert.ok(m.flags & Flag.TC);
  assert.equal(m.answers.length, 0);
  const t = ask(e, { name: 't.big.', type: 'TXT', edns: null }, TCP);
  assert.ok(!(t.flags & Flag.TC));
  assert.equal(t.answers.length, 40);
});

test('malformed input: QR set and short packets get nothing, garbage gets FORMERR', () => {
  const e = engine();
  const q = query({ name: 'www.example.', type: 'A' });
  q[2] = q[2]! | 0x80;
  assert.equal(e.answer(q, q.length, UDP), 0);
  assert.equal(e.answer(q, 5, UDP), 0);
  const bad = query({ name: 'www.example.', type: 'A' }).slice(0, 20);
  const n = e.answer(bad, bad.length, UDP);
  assert.ok(n >= 12);
  assert.equal(e.output[3]! & 0xf, Rcode.FORMERR);
});

test('minimal ANY returns one RRset', () => {
  const m = ask(engine(), { name: 'www.example.', type: 'ANY' });
  assert.equal(new Set(m.answers.map((r) => r.type)).size, 1);
});

test('LUA and ALIAS records load but are not served while their features are off', () => {
  const e = engine();
  for (const [name, type, rcode] of [['geo.example.', 'A', Rcode.NXDOMAIN], ['geo.example.', 'LUA', Rcode.NXDOMAIN],
    ['flat.example.', 'A', Rcode.NOERROR], ['flat.example.', 'ALIAS', Rcode.NOERROR]] as const) {
    const m = ask(e, { name, type });
    assert.equal(m.rcode, rcode, `${name} ${type}`);
    assert.equal(m.answers.length, 0, `${name} ${type}`);
    assert.equal(m.authority[0]?.type, RRType.SOA);
  }
});

test('a query held in a Node Buffer keeps its case (Buffer.slice shares memory)', () => {
  const e = new Engine({ cacheSize: 0 });
  e.setZones(engine().zones);
  const q = query({ name: 'MaIl.ExAmPlE.', type: 'A' });
  const framed = Buffer.concat([Buffer.from([0, q.length]), Buffer.from(q)]).subarray(2);
  for (const transport of ['tcp', 'udp'] as const) {
    const n = e.answer(framed, framed.length, { ...UDP, transport });
    const m = decodeMessage(e.output.slice(0, n));
    assert.equal(new TextDecoder().decode(m.questions[0]!.name.subarray(1, 5)), 'MaIl');
    assert.equal(new TextDecoder().decode(m.answers[0]!.name.subarray(1, 5)), 'MaIl');
  }
  assert.equal(new TextDecoder().decode(framed.subarray(13, 17)), 'MaIl', 'the query bytes are untouched');
});

test('while someone watches gdns:query:done, every query is seen and timed, cached answers too', () => {
  const e = engine();
  const seen: Array<{ elapsedNs: number; rcode: number; zone: string; answers: number }> = [];
  const onQuery = (m: unknown): void => {
    const ev = m as QueryEvent;
    seen.push({ elapsedNs: ev.elapsedNs, rcode: ev.ctx.rcode, zone: ev.ctx.zone === undefined ? '' : nameToText(ev.ctx.zone.origin), answers: ev.ctx.answer.length });
  };
  const first = ask(e, { name: 'www.example.', type: 'A' }); // cached now
  queryChannel.subscribe(onQuery);
  try {
    for (let i = 0; i < 3; i++) {
      const again = ask(e, { name: 'www.example.', type: 'A' });
      assert.deepEqual(again.answers, first.answers);
      assert.equal(e.lastCacheable, true, 'the answer came from the cache');
    }
    ask(e, { name: 'nope.example.', type: 'A' });
    ask(e, { name: 'nope.example.', type: 'A' });
  } finally {
    queryChannel.unsubscribe(onQuery);
  }
  assert.equal(seen.length, 5);
  assert.ok(seen.every((s) => s.elapsedNs > 0));
  assert.deepEqual(seen.slice(0, 3).map((s) => [s.rcode, s.zone, s.answers]), Array(3).fill([0, 'example.', 1]));
  assert.deepEqual(seen.slice(3).map((s) => [s.rcode, s.zone]), [[3, 'example.'], [3, 'example.']]);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EdnsOptionCode, Flag, RRType, Rcode, decodeClientSubnet, decodeMessage, encodeClientSubnet, encodeMessage,
  nameFromText, nameToText, rdataFromText, rrToText, tokenize, typeFromText, ROOT,
} from '../wire/index.js';
import type { Message, Name } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import type { LookupResult } from '../alias/index.js';
import { AliasStage, Engine, GeoStage, HANDOFF } from './index.js';
import type { ClientInfo } from './index.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const ZONE = `
$ORIGIN example.
$TTL 300
@        SOA ns1 hostmaster 1 7200 900 1209600 120
@        NS  ns1
@        ALIAS edge.cdn.test.
@        MX  10 mail
ns1      A   192.0.2.1
mail     A   192.0.2.25
www      A   192.0.2.10
www      AAAA 2001:db8::10
inside   ALIAS www
chain    ALIAS hop
hop      CNAME www
geo      ALIAS pick
pick     LUA A "pickclosest({'81.2.69.160','89.160.20.112'})"
nxd      ALIAS missing
out      ALIAS leave
leave    CNAME edge.cdn.test.
deep     ALIAS inside
broken   ALIAS down.cdn.test.
*.wild   ALIAS www
short    60 ALIAS edge.cdn.test.
loop1    ALIAS loop2
loop2    ALIAS loop1
self     ALIAS self
viacname CNAME @
`;

const addr = (type: number, text: string): Uint8Array => rdataFromText(type, tokenize(text), ROOT);
/** What the fake resolver knows: target → type → answer (undefined: it fails). */
const world = new Map<string, Map<number, LookupResult>>([
  ['edge.cdn.test.', new Map([[RRType.A, { rdata: [addr(RRType.A, '203.0.113.7')], ttl: 100 }], [RRType.AAAA, { rdata: [], ttl: 30 }]])],
]);
const asked: string[] = [];
const lookup = (name: Name, type: number): Promise<LookupResult> => {
  asked.push(`${nameToText(name)} ${type}`);
  const r = world.get(nameToText(name))?.get(type);
  return r === undefined ? Promise.reject(new Error('SERVFAIL')) : Promise.resolve(r);
};

let geo: GeoStage;
let alias: AliasStage;
let engine: Engine;
before(async () => {
  geo = await GeoStage.create({ geoip: { files: [`${T}GeoIP2-City-Test.mmdb`] }, enableLua: true });
  alias = AliasStage.create({ lookup });
  engine = new Engine({ geo, alias });
  const origin = nameFromText('example.');
  engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE, { origin }))]));
  await alias.targets.settled(2000);
});
after(() => { alias.close(); geo.close(); });

const CLIENT: ClientInfo = { transport: 'udp', address: new Uint8Array([127, 0, 0, 1]), port: 5353 };

function ask(name: string, type: string, ecs?: [number[], number]): Message {
  const options = ecs === undefined ? [] : [{
    code: EdnsOptionCode.CLIENT_SUBNET,
    data: encodeClientSubnet({ family: 1, sourcePrefix: ecs[1], scopePrefix: 0, address: new Uint8Array(ecs[0]) }),
  }];
  const req = encodeMessage({
    id: 7, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: typeFromText(type), class: 1 }],
    answers: [], authority: [], additional: [], tsig: null,
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options },
  });
  const n = engine.answer(req, req.length, CLIENT);
  assert.ok(n > 0);
  return decodeMessage(engine.output.slice(0, n));
}
const text = (m: Message): string[] => m.answers.map((r) => rrToText(r).replace(/\s+/g, ' ')).sort();

test('the zones\' external targets are looked up when the zones are set; hosted ones are not', () => {
  assert.deepEqual([...new Set(asked.map((a) => a.split(' ')[0]))].sort(), ['down.cdn.test.', 'edge.cdn.test.']);
});

test('A at an apex ALIAS: the target\'s addresses under the apex, TTL the smaller of ALIAS and target', () => {
  const m = ask('example.', 'A');
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.ok(m.flags & Flag.AA);
  assert.deepEqual(text(m), ['example. 100 IN A 203.0.113.7']);
  assert.deepEqual(text(ask('short.example.', 'A')), ['short.example. 60 IN A 203.0.113.7']);
});

test('AAAA with no addresses at the target: NODATA with the zone\'s SOA', () => {
  const m = ask('example.', 'AAAA');
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.equal(m.answers.length, 0);
  assert.equal(m.authority[0]?.type, RRType.SOA);
});

test('other types at an ALIAS name answer as usual; the ALIAS record itself is not served', () => {
  assert.deepEqual(text(ask('example.', 'MX')), ['example. 300 IN MX 10 mail.example.']);
  const m = ask('example.', 'TYPE65401');
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.equal(m.answers.length, 0);
});

test('ANY at an ALIAS name: the addresses', () => {
  assert.deepEqual(text(ask('example.', 'ANY')), ['example. 100 IN A 203.0.113.7']);
});

test('hosted targets are resolved here: direct, through a CNAME, an ALIAS to an ALIAS, a wildcard owner', () => {
  assert.deepEqual(text(ask('inside.example.', 'A')), ['inside.example. 300 IN A 192.0.2.10']);
  assert.deepEqual(text(ask('inside.example.', 'AAAA')), ['inside.example. 300 IN AAAA 2001:db8::10']);
  assert.deepEqual(text(ask('chain.example.', 'A')), ['chain.example. 300 IN A 192.0.2.10']);
  assert.deepEqual(text(ask('deep.example.', 'A')), ['deep.example. 300 IN A 192.0.2.10']);
  assert.deepEqual(text(ask('x.wild.example.', 'A')), ['x.wild.example. 300 IN A 192.0.2.10']);
});

test('ALIAS loops end in SERVFAIL; a CNAME to an ALIAS name gets the chain and the addresses', () => {
  assert.equal(ask('loop1.example.', 'A').rcode, Rcode.SERVFAIL);
  assert.equal(ask('self.example.', 'AAAA').rcode, Rcode.SERVFAIL);
  assert.deepEqual(text(ask('viacname.example.', 'A')), ['example. 100 IN A 203.0.113.7', 'viacname.example. 300 IN CNAME example.']);
});

test('a hosted target that does not exist: SERVFAIL (as PowerDNS for an NXDOMAIN target)', () => {
  const m = ask('nxd.example.', 'A');
  assert.equal(m.rcode, Rcode.SERVFAIL);
  assert.equal(m.answers.length, 0);
});

test('a hosted target whose CNAME leaves the zones: the outside name through the resolver', async () => {
  // The first query finds a name no zone names as a target: looked up from then on.
  ask('out.example.', 'A');
  await alias.targets.settled(2000);
  assert.deepEqual(text(ask('out.example.', 'A')), ['out.example. 100 IN A 203.0.113.7']);
});

test('a target the resolver cannot resolve: SERVFAIL', () => {
  assert.equal(ask('broken.example.', 'A').rcode, Rcode.SERVFAIL);
});

test('a LUA geo target: the answer follows the client network, with the ECS scope', () => {
  const gb = ask('geo.example.', 'A', [[81, 2, 69, 160], 32]);
  const se = ask('geo.example.', 'A', [[89, 160, 20, 112], 32]);
  assert.deepEqual(text(gb), ['geo.example. 300 IN A 81.2.69.160']);
  assert.deepEqual(text(se), ['geo.example. 300 IN A 89.160.20.112']);
  const opt = se.edns?.options.find((o) => o.code === EdnsOptionCode.CLIENT_SUBNET);
  assert.ok(opt !== undefined);
  assert.ok(decodeClientSubnet(opt.data).scopePrefix > 0);
  // Repeated: still per network (no answer cache keeps one client's answer for another).
  assert.deepEqual(text(ask('geo.example.', 'A', [[81, 2, 69, 160], 32])), ['geo.example. 300 IN A 81.2.69.160']);
});

test('an ALIAS answer made from a LUA record never stands in for the LUA name\'s own encoded answer', () => {
  const client = [[89, 160, 20, 112], 32] as [number[], number];
  for (let i = 0; i < 2; i++) assert.deepEqual(text(ask('pick.example.', 'A', client)), ['pick.example. 300 IN A 89.160.20.112']);
  assert.deepEqual(text(ask('geo.example.', 'A', client)), ['geo.example. 300 IN A 89.160.20.112']);
  assert.deepEqual(text(ask('pick.example.', 'A', client)), ['pick.example. 300 IN A 89.160.20.112']);
});

test('alias answers are kept like static ones and dropped when the target\'s answer changes', async () => {
  let v4 = '203.0.113.1';
  const stage = AliasStage.create({ lookup: async (_n, t) => ({ rdata: t === RRType.A ? [addr(RRType.A, v4)] : [], ttl: 1 }), minRefreshMs: 50 });
  const e = new Engine({ alias: stage });
  const origin = nameFromText('example.');
  e.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE.replace(/^(pick|geo) .*$/gm, ''), { origin }))]));
  await stage.targets.settled(2000);
  const a = (): string[] => {
    const req = encodeMessage({ id: 1, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('example.'), type: RRType.A, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
    const n = e.answer(req, req.length, CLIENT);
    return text(decodeMessage(e.output.slice(0, n)));
  };
  assert.deepEqual(a(), ['example. 1 IN A 203.0.113.1']);
  assert.equal(e.lastCacheable, true);
  assert.deepEqual(a(), ['example. 1 IN A 203.0.113.1']); // from the answer cache
  v4 = '203.0.113.2';
  // Refreshed at 0.9 s: the kept answer goes, the next one has the new address.
  for (const t0 = Date.now(); a()[0] !== 'example. 1 IN A 203.0.113.2';) {
    assert.ok(Date.now() - t0 < 3000, 'the new address within 3 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  // A SERVFAIL is never kept.
  const req = encodeMessage({ id: 1, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('nxd.example.'), type: RRType.A, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
  e.answer(req, req.length, CLIENT);
  assert.equal(e.lastCacheable, false);
  stage.close();
});

test('a first lookup under way: UDP gets TC=1, TCP is handed over and answered once it is done', async () => {
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  const stage = AliasStage.create({ lookup: async (_n, t) => { await gate; return { rdata: t === RRType.A ? [addr(RRType.A, '203.0.113.5')] : [], ttl: 60 }; } });
  const e = new Engine({ alias: stage });
  const origin = nameFromText('example.');
  e.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE.replace(/^(pick|geo) .*$/gm, ''), { origin }))]));
  const req = encodeMessage({ id: 9, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('example.'), type: RRType.A, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
  const tcp: typeof CLIENT = { ...CLIENT, transport: 'tcp' };
  // Not turned on: SERVFAIL, as before.
  assert.equal(decodeMessage(e.output.slice(0, e.answer(req, req.length, CLIENT))).rcode, Rcode.SERVFAIL);
  stage.deferFirstLookups = true;
  const udp = decodeMessage(e.output.slice(0, e.answer(req, req.length, CLIENT)));
  assert.equal(udp.rcode, Rcode.NOERROR);
  assert.ok(udp.flags & Flag.TC);
  assert.equal(udp.answers.length, 0);
  assert.equal(e.answer(req, req.length, tcp), HANDOFF);
  const wait = stage.takeDeferred();
  assert.ok(wait !== null);
  assert.equal(stage.takeDeferred(), null); // once
  release();
  await wait;
  assert.deepEqual(text(decodeMessage(e.output.slice(0, e.answer(req, req.length, tcp)))), ['example. 60 IN A 203.0.113.5']);
  // A hosted answer is never handed over.
  const inside = encodeMessage({ id: 9, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('inside.example.'), type: RRType.A, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
  assert.ok(e.answer(inside, inside.length, tcp) > 0);
  stage.close();
});

test('transfer to servers without ALIAS: each ALIAS replaced by its target\'s addresses now', async () => {
  const origin = nameFromText('flat.test.');
  const zone = buildZone(origin, parseZoneText(`$ORIGIN flat.test.
$TTL 300
@ SOA ns hm 1 2 3 4 5
@ NS ns
@ ALIAS edge.cdn.test.
ns A 192.0.2.1
www ALIAS ns
`, { origin }));
  const out = await alias.transferZone(zone, engine.zones.with(zone), CLIENT);
  const rrs = [...out.records()].flatMap((s) => s.rdata.map((r) => `${nameToText(s.name)} ${s.ttl} ${s.type} ${r.join('.')}`));
  assert.ok(rrs.includes('flat.test. 100 1 203.0.113.7'), rrs.join('\n'));
  assert.ok(rrs.includes('www.flat.test. 300 1 192.0.2.1'), rrs.join('\n'));
  assert.ok(!rrs.some((r) => r.split(' ')[2] === String(RRType.ALIAS)));
  const bad = buildZone(origin, parseZoneText(`$ORIGIN flat.test.
@ 300 SOA ns hm 1 2 3 4 5
@ 300 NS ns
@ 300 ALIAS down.cdn.test.
`, { origin }));
  await assert.rejects(alias.transferZone(bad, engine.zones.with(bad), CLIENT, 100), /ALIAS flat\.test\. -> down\.cdn\.test\. cannot be expanded/);
  const plain = buildZone(origin, parseZoneText(`$ORIGIN flat.test.\n@ 300 SOA ns hm 1 2 3 4 5\n@ 300 NS ns\nns 300 A 192.0.2.1\n`, { origin }));
  assert.equal(await alias.transferZone(plain, engine.zones.with(plain), CLIENT), plain);
});

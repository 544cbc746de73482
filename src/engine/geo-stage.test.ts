import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  Flag, Rcode, decodeClientSubnet, decodeMessage, encodeClientSubnet, encodeMessage, nameFromText, rrToText,
  typeFromText, EdnsOptionCode,
} from '../wire/index.js';
import type { Message } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { Engine, GeoStage, luaErrorChannel } from './index.js';
import type { ClientInfo, LuaErrorEvent } from './index.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const ZONE = `
$ORIGIN example.
$TTL 300
@        SOA ns1 hostmaster 1 7200 900 1209600 300
@        NS  ns1
ns1      A   192.0.2.1
www      LUA A "pickclosest({'81.2.69.160','89.160.20.112'})"
cc       LUA TXT "countryCode()"
hashed   LUA A "pickhashed({'192.0.2.1','192.0.2.2','192.0.2.3'})"
rnd      LUA A "pickrandom({'192.0.2.1','192.0.2.2'})"
net      LUA A "netmask({'192.0.2.0/25'}) and '192.0.2.1' or '192.0.2.2'"
loop     LUA A ";while true do end"
bad      LUA A "'not an address'"
both     LUA A "'192.0.2.9'"
both     AAAA 2001:db8::9
to       LUA CNAME "'www.example.'"
*.fwd    LUA A "createForward()"
`;

let stage: GeoStage;
before(async () => {
  let n = 0;
  stage = await GeoStage.create({ geoip: { files: [`${T}GeoIP2-City-Test.mmdb`] }, enableLua: true, random: (k) => n++ % k });
});
after(() => stage.close());

function engine(): Engine {
  const e = new Engine({ geo: stage });
  const origin = nameFromText('example.');
  e.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE, { origin }))]));
  return e;
}

const CLIENT: ClientInfo = { transport: 'udp', address: new Uint8Array([127, 0, 0, 1]), port: 5353 };

function ask(e: Engine, name: string, type: string, ecs?: [string, number]): Message {
  const options = [];
  if (ecs !== undefined) {
    const v6 = ecs[0].includes(':');
    const addr = v6 ? new Uint8Array(16) : new Uint8Array(ecs[0].split('.').map(Number));
    if (v6) addr.set([0x20, 0x01, 0x02, 0x18]); // 2001:218::
    options.push({ code: EdnsOptionCode.CLIENT_SUBNET, data: encodeClientSubnet({ family: v6 ? 2 : 1, sourcePrefix: ecs[1], scopePrefix: 0, address: addr }) });
  }
  const req = encodeMessage({
    id: 7, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: typeFromText(type), class: 1 }],
    answers: [], authority: [], additional: [], tsig: null,
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options },
  });
  const n = e.answer(req, req.length, CLIENT);
  return decodeMessage(e.output.slice(0, n));
}

const answers = (m: Message): string[] => m.answers.map((r) => rrToText(r).replace(/\s+/g, ' '));
const scope = (m: Message): number | undefined => {
  const o = m.edns?.options.find((x) => x.code === EdnsOptionCode.CLIENT_SUBNET);
  return o === undefined ? undefined : decodeClientSubnet(o.data).scopePrefix;
};

test('pickclosest from ECS; scope = the GeoIP network, capped at the source prefix; cached', () => {
  const e = engine();
  for (let i = 0; i < 2; i++) {
    const m = ask(e, 'www.example.', 'A', ['81.2.69.160', 32]);
    assert.deepEqual(answers(m), ['www.example. 300 IN A 81.2.69.160']);
    assert.equal(scope(m), 27);
  }
  // From the encoded answer: the ECS option carries this query's address.
  const other = ask(e, 'www.example.', 'A', ['81.2.69.170', 32]);
  assert.deepEqual(answers(other), ['www.example. 300 IN A 81.2.69.160']);
  const o = other.edns!.options.find((x) => x.code === EdnsOptionCode.CLIENT_SUBNET)!;
  assert.deepEqual([...decodeClientSubnet(o.data).address], [81, 2, 69, 170]);
  assert.equal(other.id, 7);
  const se = ask(e, 'www.example.', 'A', ['89.160.20.112', 32]);
  assert.deepEqual(answers(se), ['www.example. 300 IN A 89.160.20.112']);
  assert.equal(scope(se), 28);
  // Tokyo (2001:218::/32): Stockholm is closer than London in squared degrees.
  const jp = ask(e, 'www.example.', 'A', ['2001:218::', 48]);
  assert.deepEqual(answers(jp), ['www.example. 300 IN A 89.160.20.112']);
  assert.equal(scope(jp), 32);
});

test('no ECS: the source address decides; the response has no ECS option', () => {
  const m = ask(engine(), 'cc.example.', 'TXT');
  assert.deepEqual(answers(m), ['cc.example. 300 IN TXT "--"']);
  assert.equal(scope(m), undefined);
});

test('static answers echo ECS with scope 0', () => {
  const m = ask(engine(), 'ns1.example.', 'A', ['81.2.69.160', 24]);
  assert.equal(scope(m), 0);
  assert.equal(m.answers.length, 1);
});

test('hashed picks: scope is the whole source prefix', () => {
  const m = ask(engine(), 'hashed.example.', 'A', ['81.2.69.160', 24]);
  assert.equal(m.answers.length, 1);
  assert.equal(scope(m), 24);
});

test('random picks: the candidate set is cached, each answer picks again', () => {
  const e = engine();
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(answers(ask(e, 'rnd.example.', 'A', ['81.2.69.160', 24]))[0]!);
  assert.deepEqual([...seen].sort(), ['rnd.example. 300 IN A 192.0.2.1', 'rnd.example. 300 IN A 192.0.2.2']);
});

test('netmask rules: answer and scope follow the rule, cached by rule outcome', () => {
  const e = engine();
  const inside = ask(e, 'net.example.', 'A', ['192.0.2.0', 24]);
  assert.deepEqual(answers(inside), ['net.example. 300 IN A 192.0.2.1']);
  const outside = ask(e, 'net.example.', 'A', ['10.0.0.0', 24]);
  assert.deepEqual(answers(outside), ['net.example. 300 IN A 192.0.2.2']);
  assert.equal(scope(outside), 1);
});

test('a runaway or failing script answers SERVFAIL for its name only, and is published with its record', () => {
  const e = engine();
  const events: LuaErrorEvent[] = [];
  const on = (m: unknown): void => { events.push(m as LuaErrorEvent); };
  subscribe(luaErrorChannel.name, on);
  try {
    assert.equal(ask(e, 'loop.example.', 'A').rcode, Rcode.SERVFAIL);
    assert.equal(ask(e, 'bad.example.', 'A').rcode, Rcode.SERVFAIL);
  } finally {
    unsubscribe(luaErrorChannel.name, on);
  }
  assert.deepEqual(events.map((ev) => ev.code), ['GDNS_ERR_LUA_BUDGET', 'GDNS_ERR_LUA_RESULT']);
  assert.deepEqual(events[0]!.records, [';while true do end']);
  assert.equal(ask(e, 'ns1.example.', 'A').rcode, Rcode.NOERROR);
});

test('LUA and static records of other types side by side; LUA CNAME is followed; wildcards', () => {
  const e = engine();
  assert.deepEqual(answers(ask(e, 'both.example.', 'A')), ['both.example. 300 IN A 192.0.2.9']);
  assert.deepEqual(answers(ask(e, 'both.example.', 'AAAA')), ['both.example. 300 IN AAAA 2001:db8::9']);
  const m = ask(e, 'to.example.', 'A', ['81.2.69.160', 32]);
  assert.deepEqual(answers(m), ['to.example. 300 IN CNAME www.example.', 'www.example. 300 IN A 81.2.69.160']);
  assert.deepEqual(answers(ask(e, '10-1-2-3.fwd.example.', 'A')), ['10-1-2-3.fwd.example. 300 IN A 10.1.2.3']);
  assert.equal(ask(e, 'www.example.', 'AAAA').answers.length, 0);
});

test('without enableLua, LUA records are not served', async () => {
  const off = await GeoStage.create({ geoip: { files: [`${T}GeoIP2-City-Test.mmdb`] } });
  const e = new Engine({ geo: off });
  const origin = nameFromText('example.');
  e.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE, { origin }))]));
  assert.equal(ask(e, 'www.example.', 'A').answers.length, 0);
  off.close();
});

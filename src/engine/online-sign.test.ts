import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EdnsOptionCode, Flag, RRType, decodeMessage, encodeClientSubnet, encodeMessage, nameFromText, rrToText, typeFromText,
} from '../wire/index.js';
import type { Message } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { generateKey, onlineSignerOf, signZone } from '../dnssec/index.js';
import { Engine, GeoStage } from './index.js';
import type { ClientInfo } from './index.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const ZONE = `
$ORIGIN example.
$TTL 300
@        SOA ns1 hostmaster 1 7200 900 1209600 300
@        NS  ns1
ns1      A   192.0.2.1
www      LUA A "pickclosest({'81.2.69.160','89.160.20.112'})"
*.w      LUA TXT "countryCode()"
`;
const VALIDITY = 14 * 86400;
let now = 1_800_000_000;
let stage: GeoStage;
before(async () => {
  stage = await GeoStage.create({ geoip: { files: [`${T}GeoIP2-City-Test.mmdb`] }, enableLua: true });
});
after(() => stage.close());

const CLIENT: ClientInfo = { transport: 'udp', address: new Uint8Array([127, 0, 0, 1]), port: 5353 };

function ask(e: Engine, name: string, type: string, dnssecOk: boolean, ecs?: string): Message {
  const options = ecs === undefined ? [] : [{ code: EdnsOptionCode.CLIENT_SUBNET, data: encodeClientSubnet({
    family: 1, sourcePrefix: 32, scopePrefix: 0, address: new Uint8Array(ecs.split('.').map(Number)) }) }];
  const req = encodeMessage({
    id: 7, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type: typeFromText(type), class: 1 }],
    answers: [], authority: [], additional: [], tsig: null,
    edns: { udpSize: 1232, extRcode: 0, version: 0, do: dnssecOk, flags: 0, options },
  });
  const n = e.answer(req, req.length, CLIENT);
  return decodeMessage(e.output.slice(0, n));
}

const text = (m: Message, type: number): string[] => m.answers.filter((r) => r.type === type).map((r) => rrToText(r).replace(/\s+/g, ' '));

test('geo answers of a signed zone carry RRSIGs made once per distinct answer, made again when due', () => {
  const origin = nameFromText('example.');
  const zone = signZone(buildZone(origin, parseZoneText(ZONE, { origin })), [generateKey(13)], { now, clock: () => now, validity: VALIDITY });
  const e = new Engine({ geo: stage });
  e.setZones(new ZoneSet([zone]));
  const signer = onlineSignerOf(zone)!;
  assert.ok(signer !== undefined, 'signZone registers an online signer for the snapshot');

  const uk = ask(e, 'www.example.', 'A', true, '81.2.69.160');
  assert.deepEqual(text(uk, RRType.A), ['www.example. 300 IN A 81.2.69.160']);
  const sig = text(uk, RRType.RRSIG);
  assert.equal(sig.length, 1);
  assert.match(sig[0]!, new RegExp(`RRSIG A 13 2 300 \\d+ \\d+ \\d+ example\\. `));
  assert.equal(signer.made, 1);
  // the same network again (the encoded answer): no new signature
  assert.deepEqual(text(ask(e, 'www.example.', 'A', true, '81.2.69.160'), RRType.RRSIG), sig);
  assert.equal(signer.made, 1);
  // another answer is signed once
  const se = ask(e, 'www.example.', 'A', true, '89.160.20.112');
  assert.deepEqual(text(se, RRType.A), ['www.example. 300 IN A 89.160.20.112']);
  assert.equal(signer.made, 2);
  ask(e, 'www.example.', 'A', true, '89.160.20.112');
  assert.equal(signer.made, 2);
  // without DO: no signature
  assert.deepEqual(text(ask(e, 'www.example.', 'A', false, '81.2.69.160'), RRType.RRSIG), []);
  // a wildcard LUA answer is signed with the wildcard's label count (2: w.example.)
  assert.match(text(ask(e, 'x.w.example.', 'TXT', true, '81.2.69.160'), RRType.RRSIG)[0]!, /RRSIG TXT 13 2 300 /);
  // past the refresh time (a quarter of the validity left) the cached encoded answer goes, a new signature comes
  now += VALIDITY - VALIDITY / 4 + 1;
  const later = text(ask(e, 'www.example.', 'A', true, '81.2.69.160'), RRType.RRSIG);
  assert.equal(later.length, 1);
  assert.notDeepEqual(later, sig);
  assert.ok(signer.made >= 4);
});

test('NSEC3 bitmaps of LUA names list the types the records answer; NODATA there is proven', () => {
  const origin = nameFromText('example.');
  const zone = signZone(buildZone(origin, parseZoneText(ZONE, { origin })), [generateKey(13)], { now });
  const e = new Engine({ geo: stage });
  e.setZones(new ZoneSet([zone]));
  const m = ask(e, 'www.example.', 'MX', true);
  const nsec3 = m.authority.filter((r) => r.type === RRType.NSEC3).map((r) => rrToText(r));
  assert.equal(nsec3.length, 1);
  assert.match(nsec3[0]!, / A RRSIG$/);
  assert.ok(!m.authority.some((r) => r.type === RRType.RRSIG && rrToText(r).includes('TYPE65402')), 'the LUA RRset itself is not signed');
});

test('ANY at a LUA name answers the evaluated records (signed under DO), never the Lua code', () => {
  const origin = nameFromText('example.');
  const zone = signZone(buildZone(origin, parseZoneText(ZONE, { origin })), [generateKey(13)], { now });
  const e = new Engine({ geo: stage });
  e.setZones(new ZoneSet([zone]));
  const m = ask(e, 'www.example.', 'ANY', true, '81.2.69.160');
  assert.deepEqual(text(m, RRType.A), ['www.example. 300 IN A 81.2.69.160']);
  assert.equal(text(m, RRType.RRSIG).length, 1);
  assert.ok(!m.answers.some((r) => r.type === RRType.LUA), 'no LUA record goes out');
  const plain = new Engine({ geo: stage });
  plain.setZones(new ZoneSet([buildZone(origin, parseZoneText(ZONE, { origin }))]));
  assert.ok(!ask(plain, 'www.example.', 'ANY', false).answers.some((r) => r.type === RRType.LUA));
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, GeoStage } from '../engine/index.js';
import { listenUdp } from '../net/index.js';
import type { UdpListener } from '../net/index.js';
import { nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { formatWhatif, whatif, zoneLine } from './geo-whatif.js';
import { luaCode, ruleOfCode } from '../geo/index.js';
import { VANTAGES, vantageOf } from './geo-vantage.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
let stage: GeoStage;
let udp: UdpListener;

before(async () => {
  stage = await GeoStage.create({ geoip: { files: [`${T}GeoIP2-City-Test.mmdb`] }, enableLua: true });
  const engine = new Engine({ geo: stage });
  const origin = nameFromText('example.');
  engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(`$TTL 60
@ SOA ns1 hostmaster 1 7200 900 1209600 300
@ NS ns1
ns1 A 192.0.2.1
www LUA A "pickclosest({'81.2.69.142','89.160.20.112','216.160.83.56'})"
`, { origin }))]));
  udp = await listenUdp({ host: '127.0.0.1', port: 0, engine, rrl: null, forceDgram: true });
});
after(async () => {
  await udp.endpoint.close();
  stage.close();
});

test('whatif asks with each vantage network as ECS and reports answers and scopes', { timeout: 10_000 }, async () => {
  const rows = await whatif({ host: '127.0.0.1', port: udp.endpoint.port }, 'www.example', 'A',
    ['81.2.69.142', '89.160.20.112/28', '216.160.83.56'].map((f) => vantageOf(f)!));
  assert.deepEqual(rows.map((r) => r.answers), [['A 81.2.69.142'], ['A 89.160.20.112'], ['A 216.160.83.56']]);
  assert.deepEqual(rows.map((r) => r.scope), [31, 28, 29]);
  assert.match(formatWhatif(rows), /89\.160\.20\.112\/28 +A 89\.160\.20\.112 +\/28/);
});

test('--from takes addresses, networks and cities; the default list spans the world', () => {
  assert.equal(vantageOf('london')?.network, '81.2.69.0/24');
  assert.equal(vantageOf('2001:db8::1')?.network, '2001:db8::1/128');
  assert.equal(vantageOf('Atlantis'), undefined);
  assert.ok(VANTAGES.length >= 20);
  assert.equal(new Set(VANTAGES.map((v) => v.name.slice(-2))).size, VANTAGES.length - 1);
});

test('geo compile: a zone-file line that loads as the LUA record of the rule', () => {
  const rule = { rule: 'map', endpoints: [{ name: 'a', address: '2001:db8::1' }, { name: 'b', address: '2001:db8::2' }], countries: { DE: ['a'] } };
  const line = zoneLine('edge', 30, rule);
  assert.match(line, /^edge 30 IN LUA AAAA ";--\[==\[geodesic-geo /);
  const origin = nameFromText('example.');
  const rrs = parseZoneText(`$TTL 60\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n${line}\n`, { origin });
  const lua = rrs.find((r) => r.type === 65402)!;
  assert.deepEqual(ruleOfCode(luaCode(lua.rdata)), rule);
  assert.throws(() => zoneLine('x', 60, { rule: 'closest', endpoints: [] }), /"endpoints" must list at least one endpoint/);
});

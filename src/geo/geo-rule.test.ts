import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthPlane } from '../health/index.js';
import { nameFromText } from '../wire/index.js';
import { addressFromText } from './address.js';
import { GeoIp } from './geoip.js';
import type { LuaInputs } from './evaluation.js';
import { compileRule, ruleOfCode, validateRule } from './geo-rule.js';
import type { GeoRule } from './geo-rule.js';
import { greatCircleKm } from './geo-rule-eval.js';
import { evaluateLua, explainRule, healthOf } from './lua-evaluate.js';
import { discoverChecks } from './lua-discover.js';
import { wantsOfCode } from './health-watch.js';
import { luaCheckSpec, planeHealth } from './lua-health.js';
import type { LuaHost } from './lua-library.js';
import { LuaVm } from './lua-vm.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const geo = new GeoIp({ files: [`${T}GeoIP2-City-Test.mmdb`] });
const plane = new HealthPlane();
let pick = 0;
const host: LuaHost = { luaCodeAt: () => [], lookup: () => [], log: () => {}, ...planeHealth(plane) };
let vm: LuaVm;
before(async () => { vm = await LuaVm.create({ host, execLimit: 0, random: (n) => pick % n }); });
after(() => { vm.close(); plane.close(); geo.close(); });

// London client 81.2.69.160 (51.51,-0.09), Milton WA 216.160.83.56 (47.25,-122.31), Changchun 175.16.199.1
// (43.88,125.32, CN/AS), Linköping 89.160.20.112 (SE/EU), Tokyo 2001:218::1 (JP/AS), 111.235.160.1 (no location).
const endpoints = [
  { name: 'lon', address: '192.0.2.1', lat: 51.5, lon: -0.1 },
  { name: 'nyc', address: '192.0.2.2', lat: 40.7, lon: -74.0 },
  { name: 'tyo', address: '192.0.2.3', lat: 35.7, lon: 139.7 },
];

function inputs(client: string): LuaInputs {
  return {
    qname: nameFromText('www.example.com.'), qtype: 1, zone: nameFromText('example.com.'), zoneId: 1,
    recordOwner: nameFromText('www.example.com.'), who: addressFromText(client), whoPort: 53000, localwho: null, ecs: null,
    dnssecOk: false, tcp: false, ednsSize: 1232, id: 1, flags: 0,
  };
}

/** The native answer, and the answer of the compiled PowerDNS Lua run as plain Lua (same VM library);
 * they must agree when no drain/force-up is set (PowerDNS has none) and no random pick is made (PowerDNS
 * walks pickwrandom's items in its own order). */
function both(rule: GeoRule, client: string): { native: string | string[]; lua: string[]; why: string } {
  const code = compileRule(rule);
  assert.deepEqual(ruleOfCode(code), rule);
  const native = explainRule(rule, inputs(client), geo, healthOf(host), () => pick);
  const viaNative = evaluateLua(vm, [code], inputs(client), geo);
  assert.equal(viaNative.error, null);
  const asLua = evaluateLua(vm, [`${code} `], inputs(client), geo); // one byte more: plain Lua
  assert.equal(asLua.error, null, asLua.error?.message);
  if (plane.overridesList().length === 0 && rule.rule !== 'weighted' && rule.pick !== 'random') {
    assert.deepEqual(asLua.contents, viaNative.contents, `native and compiled Lua agree for ${client}: ${native.why}`);
  }
  return { native: native.result, lua: asLua.contents, why: native.why };
}

test('great-circle distances (hand-computed)', () => {
  assert.ok(Math.abs(greatCircleKm(51.5, -0.1, 40.7, -74.0) - 5570) < 15); // London-New York ≈ 5,570 km
  assert.ok(Math.abs(greatCircleKm(0, 0, 0, 180) - 20015) < 5); // half the equator
});

test('closest: great-circle with bias; unknown client location gets every endpoint up', () => {
  const rule: GeoRule = { rule: 'closest', endpoints };
  assert.equal(both(rule, '81.2.69.160').native, '192.0.2.1');
  assert.equal(both(rule, '216.160.83.56').native, '192.0.2.2'); // Milton-NYC ≈ 3,870 km, Milton-London ≈ 7,700
  assert.equal(both(rule, '175.16.199.1').native, '192.0.2.3');
  assert.deepEqual(both(rule, '111.235.160.1').native, ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  // London 5,000 km nearer than it is: Milton now goes to London (7,700 - 5,000 < 3,870)
  const biased: GeoRule = { rule: 'closest', endpoints: endpoints.map((e) => (e.name === 'lon' ? { ...e, bias: 5000 } : e)) };
  const r = both(biased, '216.160.83.56');
  assert.equal(r.native, '192.0.2.1');
  assert.match(r.why, /closest to client at 47\.25,-122\.31: lon \(lon \d+ km \(bias 5000\), nyc 38\d\d km, tyo \d+ km\)/);
  plane.setOverride('nyc', 'drain');
  try {
    assert.equal(both(rule, '216.160.83.56').native, '192.0.2.3', 'nyc drained: Tokyo (7,700) is nearer than London (7,720)');
  } finally {
    plane.setOverride('nyc', null);
  }
});

test('map: country, then continent, then default; a down endpoint falls through', () => {
  const rule: GeoRule = { rule: 'map', endpoints, countries: { GB: ['lon'], US: ['nyc'] }, continents: { AS: ['tyo'] }, default: ['nyc'] };
  assert.equal(validateRule(rule), rule);
  assert.deepEqual(both(rule, '81.2.69.160').native, ['192.0.2.1']);
  assert.deepEqual(both(rule, '89.160.20.112').native, ['192.0.2.2'], 'SE: not mapped, EU not mapped: default');
  assert.deepEqual(both(rule, '2001:218::1').native, ['192.0.2.3'], 'JP: continent AS');
  plane.setOverride('lon', 'drain');
  try {
    const r = both(rule, '81.2.69.160');
    assert.deepEqual(r.native, ['192.0.2.2']);
    assert.equal(r.why, 'map: default → nyc (country GB: lon down)');
    plane.setOverride('nyc', 'drain');
    plane.setOverride('tyo', 'drain');
    assert.deepEqual(both(rule, '81.2.69.160').native, ['192.0.2.1', '192.0.2.2', '192.0.2.3'], 'all down: all');
    assert.deepEqual(both({ ...rule, whenAllDown: 'empty' }, '81.2.69.160').native, []);
  } finally {
    for (const n of ['lon', 'nyc', 'tyo']) plane.setOverride(n, null);
  }
});

test('weighted and failover', () => {
  const weighted: GeoRule = { rule: 'weighted', endpoints: endpoints.map((e, i) => ({ ...e, weight: [3, 1, 0][i] })) };
  pick = 2;
  assert.equal(both(weighted, '81.2.69.160').native, '192.0.2.1'); // 0..2 → lon (weight 3)
  pick = 3;
  assert.equal(both(weighted, '81.2.69.160').native, '192.0.2.2'); // 3 → nyc
  const o = evaluateLua(vm, [compileRule(weighted)], inputs('81.2.69.160'), geo);
  assert.deepEqual(o.choice, { kind: 'weighted', items: [[3, '192.0.2.1'], [1, '192.0.2.2']] }, 'candidates cached, picked per answer');
  pick = 0;
  const failover: GeoRule = { rule: 'failover', endpoints: endpoints.map((e, i) => ({ ...e, priority: [1, 2, 2][i] })) };
  assert.deepEqual(both(failover, '81.2.69.160').native, ['192.0.2.1']);
  plane.setOverride('192.0.2.1', 'drain');
  try {
    const r = both(failover, '81.2.69.160');
    assert.deepEqual(r.native, ['192.0.2.2', '192.0.2.3']);
    assert.equal(r.why, 'failover: priority 2 up: nyc, tyo; down: lon');
    assert.equal(typeof both({ ...failover, pick: 'hashed' }, '81.2.69.160').native, 'string');
  } finally {
    plane.setOverride('192.0.2.1', null);
  }
});

test('bad rules are named; hand-edited compiled code is plain Lua', () => {
  assert.throws(() => compileRule({ rule: 'nearest', endpoints }), /"rule" must be closest, map, weighted or failover/);
  assert.throws(() => compileRule({ rule: 'map', endpoints, countries: { de: ['lon'] } }), /countries: "de" is not an ISO 3166 country code/);
  assert.throws(() => compileRule({ rule: 'map', endpoints, default: ['ams'] }), /default must list endpoint names of this record/);
  assert.throws(() => compileRule({ rule: 'closest', endpoints: [{ name: 'a', address: '192.0.2.1' }, { name: 'b', address: '2001:db8::1' }] }), /are IPv4 \(A\) or all IPv6 \(AAAA\)/);
  assert.throws(() => compileRule({ rule: 'closest', endpoints: [{ name: 'a', address: '192.0.2.1', check: { type: 'tcp', port: 0 } }] }), /check.port must be 1-65535/);
  const code = compileRule({ rule: 'closest', endpoints });
  assert.equal(ruleOfCode(code.replace("'192.0.2.2'", "'192.0.2.9'")), null);
});

test('checks a zone needs are read from literal LUA calls and from declarative endpoints', () => {
  const found = discoverChecks("ifportup(443, {{'192.0.2.1', '192.0.2.2'}, {'192.0.2.3'}}, {timeout=1, minimumFailures=3})");
  assert.deepEqual(found.map((w) => w.names), [['192.0.2.1'], ['192.0.2.2'], ['192.0.2.3']]);
  assert.deepEqual(found[0]!.spec, { check: { kind: 'tcp', address: '192.0.2.1', port: 443, source: undefined }, timing: { timeoutMs: 1000, intervalMs: undefined, fall: 3 } });
  const url = discoverChecks(";local x = 1 return ifurlup('https://e.example/h', {'2001:db8::1'}, {stringmatch = \"ok\", headers = {X_Key = 'k'}})");
  assert.deepEqual(url[0]!.spec.check, { kind: 'http', address: '2001:db8::1', url: 'https://e.example/h', status: undefined, match: 'ok', userAgent: undefined, headers: { X_Key: 'k' }, bytesLimit: undefined, source: undefined });
  const ext = discoverChecks("ifurlextup({{['192.0.2.1']='http://a/', ['192.0.2.2']='http://b/'}})");
  assert.deepEqual(ext.map((w) => [w.names, (w.spec.check as { url: string }).url]), [[['192.0.2.1'], 'http://a/'], [['192.0.2.2'], 'http://b/']]);
  assert.deepEqual(discoverChecks('ifportup(443, pool())'), [], 'computed: found at query time');
  // the same key as the query-time check, so the probe made at load is the one the query reads
  const s = luaCheckSpec('192.0.2.1', { port: 443, options: new Map([['timeout', '1'], ['minimumFailures', '3']]) });
  assert.equal(plane.normalize(s).key, plane.normalize(found[0]!.spec).key);
  // a declarative endpoint written in another spelling is the same check as the compiled Lua's ifportup
  const code = compileRule({ rule: 'closest', endpoints: [{ name: 'v6', address: '2001:DB8:0::1', check: { type: 'tcp', port: 443 } }] });
  const [declared] = wantsOfCode(code);
  assert.deepEqual(declared!.names, ['v6', '2001:db8::1']);
  assert.equal(plane.normalize(declared!.spec).key, plane.normalize(luaCheckSpec('2001:db8::1', { port: 443, options: new Map() })).key);
  const fromLua = discoverChecks(`${code} `).map((w) => plane.normalize(w.spec).key);
  assert.deepEqual([...new Set(fromLua)], [plane.normalize(declared!.spec).key], 'and the compiled Lua names the same check');
});

test('checked endpoints: the compiled Lua asks ifportup the same check and agrees with the native answer', { timeout: 10_000 }, async () => {
  const { createServer } = await import('node:net');
  const server = createServer((c) => c.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const open = (server.address() as { port: number }).port;
  const closed = await new Promise<number>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
  try {
    const rule: GeoRule = { rule: 'failover', endpoints: [
      { name: 'a', address: '127.0.0.1', priority: 1, check: { type: 'tcp', port: closed } },
      { name: 'b', address: '127.0.0.1', priority: 2, check: { type: 'tcp', port: open } },
      { name: 'c', address: '127.0.0.1', priority: 3 },
    ] };
    both(rule, '81.2.69.160'); // registers the checks (probed at once)
    const deadline = Date.now() + 5000;
    while (plane.list().filter((t) => t.check.startsWith('tcp 127.0.0.1') && t.state !== 'unknown').length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = both(rule, '81.2.69.160');
    assert.equal(r.why, 'failover: priority 2 up: b; down: a');
  } finally {
    server.close();
  }
});

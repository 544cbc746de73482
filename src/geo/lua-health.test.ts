import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthPlane } from '../health/index.js';
import { nameFromText } from '../wire/index.js';
import { addressFromText } from './address.js';
import type { LuaInputs } from './evaluation.js';
import { evaluateLua } from './lua-evaluate.js';
import { planeHealth } from './lua-health.js';
import { LuaVm } from './lua-vm.js';

// PowerDNS 5.1's health function semantics over the health plane. Overrides set the states (drain = down,
// force-up = up) so each case is exact; a target never probed yet is "not checked yet".
let plane: HealthPlane;
let vm: LuaVm;
before(async () => {
  plane = new HealthPlane({ defaults: { intervalMs: 60_000 } });
  vm = await LuaVm.create({
    execLimit: 0, random: () => 0,
    host: { luaCodeAt: () => [], lookup: () => [], log: () => {}, ...planeHealth(plane) },
  });
});
after(() => { vm.close(); plane.close(); });

const inputs: LuaInputs = {
  qname: nameFromText('www.example.com.'), qtype: 1, zone: nameFromText('example.com.'), zoneId: 1,
  recordOwner: nameFromText('www.example.com.'), who: addressFromText('192.0.2.200'), whoPort: 1, localwho: null, ecs: null,
  dnssecOk: false, tcp: false, ednsSize: 1232, id: 1, flags: 0,
};
const run = (code: string) => evaluateLua(vm, [code], inputs, null);

test('not checked yet: backupSelector over the first group, or SERVFAIL with failOnIncompleteCheck', () => {
  // port 9 on TEST-NET addresses: registered now, probed later (the evaluation does not wait)
  const code = "ifportup(9, {{'198.51.100.1', '198.51.100.2'}, {'198.51.100.3'}}, {backupSelector='all'})";
  assert.deepEqual(run(code).contents, ['198.51.100.1', '198.51.100.2']);
  const foic = run("ifportup(9, {{'198.51.100.4'}}, {failOnIncompleteCheck='true'})");
  assert.match(foic.error!.message, /health check has not completed yet/);
});

test('the first group with an address up answers; selector all; backupSelector empty', () => {
  plane.setOverride('203.0.113.1', 'drain');
  plane.setOverride('203.0.113.2', 'force-up');
  plane.setOverride('203.0.113.3', 'force-up');
  plane.setOverride('203.0.113.4', 'drain');
  try {
    const units = "{{'203.0.113.1'}, {'203.0.113.2', '203.0.113.3'}}";
    assert.deepEqual(run(`ifportup(443, ${units}, {selector='all'})`).contents, ['203.0.113.2', '203.0.113.3']);
    assert.deepEqual(run(`ifurlup('https://e.example/h', ${units}, {selector='hashed'})`).contents.length, 1);
    assert.deepEqual(run("ifportup(443, {'203.0.113.1', '203.0.113.4'}, {backupSelector='empty'})").contents, []);
    assert.deepEqual(run("ifportup(443, {{'203.0.113.1'}, {'203.0.113.4'}}, {backupSelector='all'})").contents, ['203.0.113.1'],
      'all down: the backup picks from the first group only (PowerDNS 5.1)');
    // ifurlextup: the URL is checked for each address; overrides of the addresses apply
    assert.deepEqual(run("ifurlextup({{['203.0.113.4']='http://a.example/', ['203.0.113.2']='http://b.example/'}}, {selector='all'})").contents, ['203.0.113.2']);
  } finally {
    for (const a of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) plane.setOverride(a, null);
  }
});

test('one check per target: options that change the check make another, selectors do not', () => {
  const before = plane.list().length;
  run("ifportup(8443, {'198.51.100.9'}, {selector='all'})");
  run("ifportup(8443, {'198.51.100.9'}, {selector='hashed', backupSelector='empty'})");
  assert.equal(plane.list().length, before + 1);
  run("ifportup(8443, {'198.51.100.9'}, {timeout=1})");
  assert.equal(plane.list().length, before + 2);
  const t = plane.find('198.51.100.9').find((x) => x.timing.timeoutMs === 1000)!;
  assert.deepEqual(t.owners, ['query']);
});

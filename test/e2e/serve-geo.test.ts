import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dig, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

// `geodesic serve` with the bundled CC0 country database: LUA pickclosest answers by the client's network
// (ECS), with the deciding network's prefix as the ECS scope; with LUA off the record is not served.
const dir = mkdtempSync(join(tmpdir(), 'geodesic-serve-geo-'));
const servers: Served[] = [];
before(() => {
  mkdirSync(join(dir, 'zones'));
  writeFileSync(join(dir, 'zones', 'geo.test.zone'), `$TTL 60
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
www LUA A "pickclosest({'78.142.195.195','67.198.150.72'})"
cc LUA TXT "countryCode()"
`);
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

test('LUA pickclosest by ECS, with the GeoIP network as scope', async () => {
  const s = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--enable-lua-records', '--pid-file', join(dir, 'a.pid')]);
  servers.push(s);
  const uk = await dig(s.port, '+subnet=81.2.69.0/24', 'www.geo.test', 'A');
  assert.match(uk, /IN\s+A\s+78\.142\.195\.195/);
  const scope = /CLIENT-SUBNET: 81\.2\.69\.0\/24\/(\d+)/.exec(uk);
  assert.ok(scope !== null && Number(scope[1]) > 0 && Number(scope[1]) <= 24, uk);
  assert.match(await dig(s.port, '+subnet=8.8.8.0/24', '+short', 'www.geo.test', 'A'), /^67\.198\.150\.72$/m);
  assert.match(await dig(s.port, '+subnet=81.2.69.0/24', '+short', 'cc.geo.test', 'TXT'), /"gb"/);
});

test('LUA records are not served while they are off', async () => {
  const s = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--pid-file', join(dir, 'b.pid')]);
  servers.push(s);
  assert.match(await dig(s.port, 'www.geo.test', 'A'), /status: NXDOMAIN/);
});

test('metrics count geo answers per record and address (geodesic_geo_answers_total)', async () => {
  const s = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--enable-lua-records', '--metrics-listen', '127.0.0.1:0', '--pid-file', join(dir, 'c.pid')]);
  servers.push(s);
  let m: RegExpExecArray | null = null;
  for (let i = 0; i < 100 && m === null; i++) {
    m = /"event":"metrics-listening"[^\n]*"port":(\d+)/.exec(s.log());
    if (m === null) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(m, s.log());
  for (let i = 0; i < 3; i++) await dig(s.port, '+subnet=81.2.69.0/24', '+short', 'www.geo.test', 'A');
  await dig(s.port, '+subnet=8.8.8.0/24', '+short', 'www.geo.test', 'A');
  const text = await (await fetch(`http://127.0.0.1:${m[1]}/metrics`)).text();
  assert.match(text, /geodesic_geo_answers_total\{zone="geo\.test\.",name="www\.geo\.test\.",answer="78\.142\.195\.195"\} 3/);
  assert.match(text, /geodesic_geo_answers_total\{zone="geo\.test\.",name="www\.geo\.test\.",answer="67\.198\.150\.72"\} 1/);
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { Catalog } from '../../src/catalog/index.js';
import { openStore } from '../../src/store/index.js';
import { A, lookup, serialAt, serveInProcess, tempDir, until, zoneRecords } from './lib/xfr-kit.js';

const dir = tempDir('geodesic-xfr-nodes-');
let primary: RunningServer | null = null;
let secondary: Served | null = null;
after(async () => {
  await secondary?.stop();
  await primary?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('two Geodesic nodes (127.0.0.1 primary, 127.0.0.2 secondary): 100 changes each answered within 1 s, the secondary outlives the primary and catches up by IXFR', async () => {
  const zone = 'nodes.test.';
  primary = await serveInProcess(join(dir, 'primary'));
  const p = primary.catalog!;
  await p.createZone({ name: zone, kind: 'primary', records: zoneRecords(zone, 1, 50) }, 'test');
  const pport = primary.udp[0]!.port;
  secondary = await startServe(['--data', join(dir, 'secondary'), '--listen', '127.0.0.2:0', '--no-rrl', '--pid-file', join(dir, 's.pid'),
    '--secondary', `${zone}=127.0.0.1:${pport}`]);
  const sport = secondary.port;
  await until('first transfer', async () => (await serialAt('127.0.0.2', sport, zone)) === 1, 20_000);
  const row = await p.store.q.zoneByName(zone);
  await p.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.2:${sport}`]));

  const lags: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await p.apply(zone, { rrsets: [{ name: `c${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `192.0.2.${i}` }] }] }, 'test');
    await until(`change ${i} on the secondary`, async () => (await serialAt('127.0.0.2', sport, zone)) === r.serialAfter, 5000, 5);
    lags.push(performance.now() - t0);
    assert.deepEqual((await lookup('127.0.0.2', sport, `c${i}.${zone}`, A)).answers, [`192.0.2.${i}`]);
  }
  lags.sort((a, b) => a - b);
  // Each change within 1 s (NOTIFY, not the SOA refresh); one straggler of 100 is allowed on a loaded
  // machine, never more than 5 s (bench/xfr.ts measures the latency properly).
  assert.ok(lags[98]! < 1000 && lags.at(-1)! < 5000, `p99 ${lags[98]!.toFixed(0)} ms, slowest ${lags.at(-1)!.toFixed(0)} ms, p50 ${lags[50]!.toFixed(0)} ms`);
  assert.match(secondary.log(), /"kind":"IXFR"/);

  // The primary goes away: the secondary keeps answering from its store.
  const before = p.zone(zone)!.serial;
  await primary.close();
  primary = null;
  assert.equal(await serialAt('127.0.0.2', sport, zone), before);
  assert.deepEqual((await lookup('127.0.0.2', sport, `c99.${zone}`, A)).answers, ['192.0.2.99']);

  // More changes while the primary is down (written to its store), then it comes back on the same port.
  const offline = await Catalog.open(await openStore({ data: join(dir, 'primary') }), { pollMs: 0 });
  let last = 0;
  for (let i = 0; i < 5; i++) {
    last = (await offline.apply(zone, { rrsets: [{ name: `late${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `198.51.100.${i}` }] }] }, 'test')).serialAfter;
  }
  await offline.close();
  const mark = secondary.log().length;
  const back = performance.now();
  primary = await serveInProcess(join(dir, 'primary'), { port: pport });
  await until('catch-up after the restart', async () => (await serialAt('127.0.0.2', sport, zone)) === last, 15_000);
  const catchUp = performance.now() - back;
  assert.deepEqual((await lookup('127.0.0.2', sport, `late4.${zone}`, A)).answers, ['198.51.100.4']);
  // (the log line follows the swap: wait for it rather than race it)
  await until('the catch-up is incremental', async () => /"kind":"IXFR"/.test(secondary!.log().slice(mark)), 5000);
  assert.match(secondary.log().slice(mark), /NOTIFY from 127\.0\.0\.1 accepted/, 'the restarted primary notifies at once');
  process.stdout.write(`propagation over 100 changes: p50 ${lags[50]!.toFixed(1)} ms, p99 ${lags[98]!.toFixed(1)} ms, max ${lags.at(-1)!.toFixed(1)} ms; catch-up after restart ${catchUp.toFixed(0)} ms\n`);
});

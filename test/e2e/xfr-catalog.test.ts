// Catalog zones (RFC 9432) with Knot: Geodesic consumes Knot's catalog, Knot consumes Geodesic's; member
// removals propagate both ways.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer as startPeer } from './lib/server-process.js';
import type { RunningServer as Peer } from './lib/server-process.js';
import { freePort } from './lib/free-port.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { serialAt, serveInProcess, tempDir, until, zoneRecords } from './lib/xfr-kit.js';

const dir = tempDir('geodesic-xfr-catalog-');
const peers: Peer[] = [];
const nodes: RunningServer[] = [];
after(async () => {
  for (const p of peers) await p.stop();
  for (const n of nodes) await n.close();
  rmSync(dir, { recursive: true, force: true });
});

function knotConf(d: string, port: number, body: string): string {
  mkdirSync(join(d, 'db'), { recursive: true });
  const file = join(d, 'knot.conf');
  writeFileSync(file, `server:
  rundir: "${d}"
  listen: 127.0.0.1@${port}
log:
  - target: stderr
    any: info
database:
  storage: "${d}/db"
control:
  listen: "${d}/knot.sock"
${body}`);
  return file;
}

test('Geodesic consumes Knot\'s catalog: members become secondaries, a removed member is dropped', async () => {
  const kport = await freePort();
  const gport = await freePort();
  const kdir = join(dir, 'knot-producer');
  mkdirSync(kdir, { recursive: true });
  for (const z of ['m1.test', 'm2.test']) {
    writeFileSync(join(kdir, `${z}.zone`), `$ORIGIN ${z}.\n$TTL 60\n@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nwww A 10.4.0.1\n`);
  }
  const conf = (members: string[]): string => knotConf(kdir, kport, `remote:
  - id: geo
    address: 127.0.0.1@${gport}
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "${kdir}"
    file: "%s.zone"
    acl: xfr
    notify: geo
zone:
  - domain: catalog.knot.
    catalog-role: generate
${members.map((m) => `  - domain: ${m}.\n    catalog-role: member\n    catalog-zone: catalog.knot.\n`).join('')}`);
  const kconf = conf(['m1.test', 'm2.test']);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: ['m1.test.', 'm2.test.'] }));
  const geo = await serveInProcess(join(dir, 'geo-consumer'), { port: gport, flags: { catalogConsumer: [`catalog.knot=127.0.0.1:${kport}`] } });
  nodes.push(geo);
  for (const z of ['m1.test.', 'm2.test.']) await until(`member ${z}`, async () => (await serialAt('127.0.0.1', gport, z)) === 1, 15_000);
  const members = geo.replication.status().secondaries.filter((s) => s.memberOf === 'catalog.knot.').map((s) => s.zone);
  assert.deepEqual(members.sort(), ['m1.test.', 'm2.test.']);

  conf(['m1.test']);
  execFileSync('knotc', ['-s', join(kdir, 'knot.sock'), 'reload'], { timeout: 10_000 });
  await until('m2.test dropped', async () => (await serialAt('127.0.0.1', gport, 'm2.test.')) === null && geo.catalog!.zone('m2.test.') === undefined, 15_000);
  assert.equal(await serialAt('127.0.0.1', gport, 'm1.test.'), 1);
});

test('Knot consumes Geodesic\'s catalog: primary zones are listed, a deleted zone leaves Knot too', async () => {
  const kport = await freePort();
  const gport = await freePort();
  const geo = await serveInProcess(join(dir, 'geo-producer'), { port: gport, flags: { catalogProducer: 'catalog.geo', alsoNotify: [`127.0.0.1:${kport}`] } });
  nodes.push(geo);
  for (const z of ['g1.test.', 'g2.test.']) await geo.catalog!.createZone({ name: z, kind: 'primary', records: zoneRecords(z, 1, 3, 3600) }, 'test');
  await until('catalog lists both', async () => (geo.catalog!.zone('catalog.geo.')?.recordCount ?? 0) >= 5, 5000);
  const kdir = join(dir, 'knot-consumer');
  mkdirSync(kdir, { recursive: true });
  const kconf = knotConf(kdir, kport, `remote:
  - id: geo
    address: 127.0.0.1@${gport}
acl:
  - id: notify
    address: 127.0.0.1
    action: notify
template:
  - id: default
    storage: "${kdir}"
    zonefile-sync: -1
  - id: member
    storage: "${kdir}"
    master: geo
    acl: notify
    zonefile-sync: -1
zone:
  - domain: catalog.geo.
    master: geo
    acl: notify
    catalog-role: interpret
    catalog-template: member
`);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: [] }));
  for (const z of ['g1.test.', 'g2.test.']) await until(`Knot serves ${z}`, async () => (await serialAt('127.0.0.1', kport, z)) === 1, 20_000);
  await geo.catalog!.deleteZone('g2.test.', 'test');
  await until('Knot drops g2.test', async () => (await serialAt('127.0.0.1', kport, 'g2.test.')) === null, 20_000);
  assert.equal(await serialAt('127.0.0.1', kport, 'g1.test.'), 1);
});

// Replication with Debian's servers: Knot and NSD as secondaries of Geodesic (AXFR, IXFR, NOTIFY, TSIG),
// Geodesic as secondary of Knot (IXFR) and of PowerDNS (AXFR), catalog zones both ways with Knot.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer as startPeer } from './lib/server-process.js';
import type { RunningServer as Peer } from './lib/server-process.js';
import { freePort } from './lib/free-port.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { A, SECRET, lookup, serialAt, serveInProcess, tempDir, until, zoneRecords } from './lib/xfr-kit.js';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

const dir = tempDir('geodesic-xfr-interop-');
const peers: Peer[] = [];
const nodes: RunningServer[] = [];
const servedProcs: Served[] = [];
after(async () => {
  for (const p of peers) await p.stop();
  for (const s of servedProcs) await s.stop();
  for (const n of nodes) await n.close();
  rmSync(dir, { recursive: true, force: true });
});

function knotConf(sub: string, port: number, body: string): string {
  const d = join(dir, sub);
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
key:
  - id: xfr-key
    algorithm: hmac-sha256
    secret: ${SECRET}
${body}`);
  return file;
}

function zoneFile(zone: string, serial: number, extra: string): string {
  return `$ORIGIN ${zone}\n$TTL 60\n@ SOA ns1 hostmaster ${serial} 2 1 3600 60\n@ NS ns1\nns1 A 127.0.0.1\n${extra}\n`;
}

test('Knot and NSD as secondaries of Geodesic: AXFR then IXFR after NOTIFY, all signed with TSIG', async () => {
  const zone = 'interop.test.';
  const geo = await serveInProcess(join(dir, 'geo-primary'), { keys: true });
  nodes.push(geo);
  const gport = geo.udp[0]!.port;
  const kport = await freePort();
  const nport = await freePort();
  await geo.catalog!.createZone({ name: zone, kind: 'primary', records: zoneRecords(zone, 1, 200) }, 'test');
  const row = await geo.catalog!.store.q.zoneByName(zone);
  await geo.catalog!.store.write(async (q) => {
    await q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.1:${kport}`, `127.0.0.1:${nport}`]);
    await q.setMetadata(row!.id, 'TSIG-ALLOW-AXFR', ['xfr-key']);
    await q.setMetadata(row!.id, 'ALLOW-AXFR-FROM', ['192.0.2.0/24']); // only the key lets them in
  });
  const kconf = knotConf('knot-secondary', kport, `remote:
  - id: geo
    address: 127.0.0.1@${gport}
    key: xfr-key
acl:
  - id: notify-from-geo
    address: 127.0.0.1
    key: xfr-key
    action: notify
zone:
  - domain: ${zone}
    storage: "${join(dir, 'knot-secondary')}"
    master: geo
    acl: notify-from-geo
    zonefile-sync: -1
    journal-content: changes
`);
  const ndir = join(dir, 'nsd-secondary');
  mkdirSync(ndir, { recursive: true });
  writeFileSync(join(ndir, 'nsd.conf'), `server:
  ip-address: 127.0.0.1
  port: ${nport}
  zonesdir: "${ndir}"
  database: ""
  username: ""
  chroot: ""
  pidfile: "${ndir}/nsd.pid"
  xfrdfile: "${ndir}/xfrd.state"
  xfrdir: "${ndir}"
  zonelistfile: "${ndir}/zone.list"
  logfile: "${ndir}/nsd.log"
  server-count: 1
  verbosity: 2
remote-control:
  control-enable: no
key:
  name: xfr-key
  algorithm: hmac-sha256
  secret: "${SECRET}"
zone:
  name: ${zone}
  request-xfr: 127.0.0.1@${gport} xfr-key
  allow-notify: 127.0.0.1 xfr-key
`);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: [zone], readyTimeoutMs: 20_000 }));
  peers.push(await startPeer({ name: 'nsd', command: 'nsd', args: ['-d', '-c', join(ndir, 'nsd.conf')], hosts: ['127.0.0.1'], port: nport, zones: [zone], readyTimeoutMs: 20_000 }));
  for (const port of [kport, nport]) {
    assert.equal(await serialAt('127.0.0.1', port, zone), 1);
    assert.deepEqual((await lookup('127.0.0.1', port, `h199.${zone}`, A)).answers, ['10.0.0.199']);
  }
  for (let i = 0; i < 3; i++) {
    const r = await geo.catalog!.apply(zone, { rrsets: [
      { name: `new${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `192.0.2.${i}` }] },
      { name: `h${i}.${zone}`, type: 'A', changetype: 'DELETE' },
    ] }, 'test');
    for (const port of [kport, nport]) {
      await until(`serial ${r.serialAfter} at ${port}`, async () => (await serialAt('127.0.0.1', port, zone)) === r.serialAfter, 10_000);
      assert.deepEqual((await lookup('127.0.0.1', port, `new${i}.${zone}`, A)).answers, [`192.0.2.${i}`]);
      assert.equal((await lookup('127.0.0.1', port, `h${i}.${zone}`, A)).rcode, 3);
    }
  }
  const served = geo.replication.status().served;
  assert.ok(served.filter((s) => s.kind === 'IXFR').length >= 3, JSON.stringify(served));
  assert.ok(!served.some((s) => s.kind === 'refused'), JSON.stringify(served));
  assert.ok(geo.replication.status().notifies.every((n) => n.answeredAt !== null), JSON.stringify(geo.replication.status().notifies));
});

test('Geodesic as secondary of Knot (IXFR after NOTIFY, TSIG) and of PowerDNS (AXFR)', async () => {
  const zone = 'from-knot.test.';
  const kport = await freePort();
  const gport = await freePort();
  const kdir = join(dir, 'knot-primary');
  mkdirSync(kdir, { recursive: true });
  const records = Array.from({ length: 100 }, (_, i) => `k${i} A 10.1.0.${i}`).join('\n');
  writeFileSync(join(kdir, `${zone}zone`), zoneFile(zone, 10, records));
  const kconf = knotConf('knot-primary', kport, `remote:
  - id: geo
    address: 127.0.0.1@${gport}
    key: xfr-key
acl:
  - id: xfr
    address: 127.0.0.1
    key: xfr-key
    action: transfer
zone:
  - domain: ${zone}
    storage: "${kdir}"
    file: "%s.zone"
    acl: xfr
    notify: geo
    zonefile-load: difference
    journal-content: changes
`);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: [zone] }));
  const geo = await serveInProcess(join(dir, 'geo-secondary'), { port: gport, keys: true, secondaries: [{ zone, primaries: [`127.0.0.1:${kport}`], tsigKey: 'xfr-key' }] });
  nodes.push(geo);
  await until('AXFR from Knot', async () => (await serialAt('127.0.0.1', gport, zone)) === 10);
  writeFileSync(join(kdir, `${zone}zone`), zoneFile(zone, 11, `${records.replace('k5 A 10.1.0.5', 'k5 A 10.9.9.9')}\nadded A 10.2.0.1`));
  execFileSync('knotc', ['-s', join(dir, 'knot-primary', 'knot.sock'), 'zone-reload', zone], { timeout: 10_000 });
  await until('IXFR from Knot', async () => (await serialAt('127.0.0.1', gport, zone)) === 11);
  assert.deepEqual((await lookup('127.0.0.1', gport, `k5.${zone}`, A)).answers, ['10.9.9.9']);
  assert.deepEqual((await lookup('127.0.0.1', gport, `added.${zone}`, A)).answers, ['10.2.0.1']);
  const st = geo.replication.status().secondaries.find((s) => s.zone === zone)!;
  assert.equal(st.lastTransfer?.kind, 'IXFR', JSON.stringify(st));

  // PowerDNS (bind backend) serves only AXFR: an IXFR request is answered with the whole zone.
  const pzone = 'from-pdns.test.';
  const pport = await freePort();
  const pdir = join(dir, 'pdns');
  mkdirSync(pdir, { recursive: true });
  writeFileSync(join(pdir, 'zone'), zoneFile(pzone, 5, 'p1 A 10.3.0.1'));
  writeFileSync(join(pdir, 'named.conf'), `zone "${pzone}" { type master; file "${join(pdir, 'zone')}"; };\n`);
  writeFileSync(join(pdir, 'pdns.conf'), `launch=bind\nbind-config=${pdir}/named.conf\nlocal-address=127.0.0.1\nlocal-port=${pport}\nsocket-dir=${pdir}\n` +
    'daemon=no\nguardian=no\ndisable-syslog=yes\nallow-axfr-ips=127.0.0.0/8\nloglevel=4\n');
  peers.push(await startPeer({ name: 'pdns', command: 'pdns_server', args: [`--config-dir=${pdir}`], hosts: ['127.0.0.1'], port: pport, zones: [pzone] }));
  await geo.replication.addSecondary({ zone: pzone, primaries: [`127.0.0.1:${pport}`] });
  await until('AXFR from PowerDNS', async () => (await serialAt('127.0.0.1', gport, pzone)) === 5);
  writeFileSync(join(pdir, 'zone'), zoneFile(pzone, 6, 'p1 A 10.3.0.2'));
  execFileSync('pdns_control', [`--socket-dir=${pdir}`, 'bind-reload-now', pzone], { timeout: 10_000 });
  const s = await geo.replication.retrieve(pzone);
  assert.equal(s.serial, 6, JSON.stringify(s));
  assert.equal(s.lastTransfer?.kind, 'AXFR');
  assert.deepEqual((await lookup('127.0.0.1', gport, `p1.${pzone}`, A)).answers, ['10.3.0.2']);
});

test('zone files: a reload with a new serial sends NOTIFY, Knot follows', async () => {
  const zone = 'files.test.';
  const zdir = join(dir, 'file-zones');
  mkdirSync(zdir, { recursive: true });
  writeFileSync(join(zdir, `${zone}zone`), `$ORIGIN ${zone}\n$TTL 60\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nwww A 10.5.0.1\n`);
  const kport = await freePort();
  const geo = await startServe(['--zones', zdir, '--listen', '127.0.0.1:0', '--axfr-allow', '127.0.0.0/8', '--no-rrl',
    '--pid-file', join(dir, 'files.pid'), '--also-notify', `127.0.0.1:${kport}`]);
  servedProcs.push(geo);
  const kconf = knotConf('knot-files', kport, `remote:
  - id: geo
    address: 127.0.0.1@${geo.port}
acl:
  - id: notify-from-geo
    address: 127.0.0.1
    action: notify
zone:
  - domain: ${zone}
    storage: "${join(dir, 'knot-files')}"
    master: geo
    acl: notify-from-geo
    zonefile-sync: -1
`);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: [zone] }));
  writeFileSync(join(zdir, `${zone}zone`), `$ORIGIN ${zone}\n$TTL 60\n@ SOA ns1 hostmaster 2 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nwww A 10.5.0.2\n`);
  geo.proc.kill('SIGHUP');
  await until('Knot has serial 2 (refresh is an hour away)', async () => (await serialAt('127.0.0.1', kport, zone)) === 2, 10_000);
  assert.deepEqual((await lookup('127.0.0.1', kport, `www.${zone}`, A)).answers, ['10.5.0.2']);
});

test('a zone Knot signs is served by the Geodesic secondary with its signatures (DO answers carry RRSIG)', async () => {
  const zone = 'signed-by-knot.test.';
  const kport = await freePort();
  const kdir = join(dir, 'knot-signer');
  mkdirSync(join(kdir, 'keys'), { recursive: true });
  writeFileSync(join(kdir, `${zone}zone`), zoneFile(zone, 1, 'www A 10.6.0.1'));
  const kconf = knotConf('knot-signer', kport, `acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
policy:
  - id: fast
    algorithm: ecdsap256sha256
zone:
  - domain: ${zone}
    storage: "${kdir}"
    file: "%s.zone"
    acl: xfr
    dnssec-signing: on
    dnssec-policy: fast
    zonefile-sync: -1
`);
  peers.push(await startPeer({ name: 'knot', command: 'knotd', args: ['-c', kconf], hosts: ['127.0.0.1'], port: kport, zones: [zone] }));
  const geo = await serveInProcess(join(dir, 'geo-signed-secondary'), { secondaries: [{ zone, primaries: [`127.0.0.1:${kport}`] }] });
  nodes.push(geo);
  const gport = geo.udp[0]!.port;
  await until('signed zone transferred', async () => geo.catalog!.zone(zone));
  const out = await new Promise<string>((resolve) => execFile('dig', ['@127.0.0.1', '-p', String(gport), '+dnssec', '+time=2', '+tries=1', `www.${zone}`, 'A'],
    { timeout: 10_000 }, (_e, stdout) => resolve(stdout)));
  assert.match(out, /\sRRSIG\s+A\s+13\s/, out);
  const nx = await new Promise<string>((resolve) => execFile('dig', ['@127.0.0.1', '-p', String(gport), '+dnssec', '+time=2', '+tries=1', `nothing.${zone}`, 'A'],
    { timeout: 10_000 }, (_e, stdout) => resolve(stdout)));
  assert.match(nx, /status: NXDOMAIN/);
  assert.match(nx, /\sNSEC\s/, 'the denial comes with Knot\'s NSEC records');
});

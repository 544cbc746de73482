// The seed's topology on PostgreSQL: a second postgres as streaming replica (pg_basebackup -R) of a
// first, a Geodesic node on each: changes through the first node are answered by the second within 2 s,
// and the second knows its store is read-only (a hot standby refuses writes anyway).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { freePort } from './lib/free-port.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { A, lookup, serialAt, serveInProcess, tempDir, until, zoneRecords } from './lib/xfr-kit.js';

const exec = promisify(execFile);
const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
const BIN = versions.length > 0 ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : null;
const dir = tempDir('geodesic-xfr-pgreplica-');
const daemons: { proc: ChildProcess; data: string }[] = [];
let first: RunningServer | null = null;
let second: Served | null = null;
after(async () => {
  await second?.stop();
  await first?.close();
  for (const d of daemons) {
    await exec('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', d.data, 'stop', '-m', 'immediate'], { timeout: 20_000 }).catch(() => d.proc.kill('SIGKILL'));
  }
  rmSync(dir, { recursive: true, force: true });
});

const asPostgres = (cmd: string, args: string[]): Promise<{ stdout: string }> => exec('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeout: 60_000 });

function postgres(data: string, port: number): void {
  const proc = spawn('runuser', ['-u', 'postgres', '--', `${BIN}/postgres`, '-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'wal_level=replica', '-c', 'max_wal_senders=4', '-c', 'hot_standby=on',
    '-c', 'shared_buffers=16MB', '-c', 'fsync=off'], { stdio: 'ignore' });
  daemons.push({ proc, data });
}

test('a node on a PostgreSQL streaming replica answers the primary node\'s changes within 2 s', { skip: BIN === null ? 'no PostgreSQL server binaries' : process.getuid?.() !== 0 ? 'needs root (runs postgres as the postgres user)' : false }, async () => {
  const { stdout: uid } = await exec('id', ['-u', 'postgres']);
  const { stdout: gid } = await exec('id', ['-g', 'postgres']);
  chownSync(dir, Number(uid), Number(gid));
  const p1 = await freePort();
  const p2 = await freePort();
  await asPostgres(`${BIN}/initdb`, ['-D', join(dir, 'a'), '-A', 'trust', '-U', 'postgres']);
  postgres(join(dir, 'a'), p1);
  await until('primary up', async () => (await asPostgres(`${BIN}/pg_isready`, ['-h', '127.0.0.1', '-p', String(p1)]).then(() => true, () => false)), 30_000, 200);
  await asPostgres(`${BIN}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(p1), '-U', 'postgres', '-D', join(dir, 'b'), '-R']);
  postgres(join(dir, 'b'), p2);
  await until('replica up', async () => (await asPostgres(`${BIN}/pg_isready`, ['-h', '127.0.0.1', '-p', String(p2)]).then(() => true, () => false)), 30_000, 200);

  const zone = 'pgreplica.test.';
  first = await serveInProcess('', { db: `postgres://postgres@127.0.0.1:${p1}/postgres` });
  await first.catalog!.createZone({ name: zone, kind: 'native', records: zoneRecords(zone, 1, 20) }, 'test');
  second = await startServe(['--db', `postgres://postgres@127.0.0.1:${p2}/postgres`, '--listen', '127.0.0.2:0', '--no-rrl', '--pid-file', join(dir, 'second.pid')]);
  assert.match(second.log(), /READ-ONLY/);
  await until('the zone on the second node', async () => (await serialAt('127.0.0.2', second!.port, zone)) === 1, 10_000);
  const lags: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = await first.catalog!.apply(zone, { rrsets: [{ name: `pg${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `203.0.113.${i}` }] }] }, 'test');
    await until(`change ${i} on the second node`, async () => (await serialAt('127.0.0.2', second!.port, zone)) === r.serialAfter, 2000, 10);
    lags.push(performance.now() - t0);
    assert.deepEqual((await lookup('127.0.0.2', second.port, `pg${i}.${zone}`, A)).answers, [`203.0.113.${i}`]);
  }
  assert.ok(Math.max(...lags) < 2000, `lags ${lags.map((l) => l.toFixed(0)).join(', ')} ms`);
  assert.doesNotMatch(second.log(), /read-only transaction|GDNS_ERR_STORE_READ_ONLY/, 'the replica node tried no write');
});

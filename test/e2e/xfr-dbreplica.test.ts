// The seed's topology: two Geodesic nodes, each reading its own MariaDB, the second database a binlog
// replica of the first. A change through the first node is answered by the second within 2 s, and the
// second node writes nothing (its database is read_only; no client write reaches it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { freePort } from './lib/free-port.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { A, lookup, serialAt, serveInProcess, tempDir, until, zoneRecords } from './lib/xfr-kit.js';

const exec = promisify(execFile);
const dir = tempDir('geodesic-xfr-dbreplica-');
const daemons: ChildProcess[] = [];
let first: RunningServer | null = null;
let second: Served | null = null;
after(async () => {
  await second?.stop();
  await first?.close();
  for (const d of daemons) {
    d.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { d.kill('SIGKILL'); r(null); }, 10_000); d.once('exit', () => { clearTimeout(t); r(null); }); });
  }
  rmSync(dir, { recursive: true, force: true });
});

async function mariadb(name: string, port: number, extra: string[]): Promise<void> {
  const data = join(dir, name);
  await exec('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { timeout: 60_000 });
  const d = spawn('mariadbd', ['--no-defaults', `--datadir=${data}`, '--user=root', `--port=${port}`, '--bind-address=127.0.0.1',
    `--socket=${join(data, 'mysqld.sock')}`, '--skip-networking=0', '--innodb-buffer-pool-size=32M', ...extra], { stdio: 'ignore' });
  daemons.push(d);
  await until(`mariadbd ${name} up`, async () => (await sqlAt(port, 'select 1')).trim() === '1', 30_000, 200);
}

async function sqlAt(port: number, query: string): Promise<string> {
  const r = await exec('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-N', '-B', '-e', query], { timeout: 10_000 });
  return r.stdout;
}

const mariadbMissing = !existsSync('/usr/sbin/mariadbd') ? 'no mariadbd' : process.getuid?.() !== 0 ? 'needs root (mariadbd --user=root)' : false;

test('a node on a MariaDB replica answers the primary node\'s changes within 2 s and writes nothing', { skip: mariadbMissing }, async () => {
  const p1 = await freePort();
  const p2 = await freePort();
  await mariadb('primary', p1, ['--server-id=1', `--log-bin=${join(dir, 'primary', 'binlog')}`, '--binlog-format=ROW']);
  // The replica logs only its own clients' writes (log-slave-updates off): an empty binlog proves none.
  await mariadb('replica', p2, ['--server-id=2', '--read-only=1', `--log-bin=${join(dir, 'replica-binlog')}`, '--log-slave-updates=0']);
  await sqlAt(p2, `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${p1}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos; START SLAVE;`);
  await sqlAt(p1, 'CREATE DATABASE geodesic');
  await until('the database reaches the replica', async () => (await sqlAt(p2, "SHOW DATABASES LIKE 'geodesic'")).trim() === 'geodesic', 15_000, 100);

  const zone = 'replica.test.';
  first = await serveInProcess('', { db: `mysql://root@127.0.0.1:${p1}/geodesic` });
  await first.catalog!.createZone({ name: zone, kind: 'native', records: zoneRecords(zone, 1, 20) }, 'test');
  await until('the schema and zone reach the replica', async () => (await sqlAt(p2, "SELECT count(*) FROM geodesic.zones")).trim() === '1', 15_000, 100);
  second = await startServe(['--db', `mysql://root@127.0.0.1:${p2}/geodesic`, '--listen', '127.0.0.2:0', '--no-rrl', '--pid-file', join(dir, 'second.pid')]);
  assert.match(second.log(), /READ-ONLY/);
  await until('the zone on the second node', async () => (await serialAt('127.0.0.2', second!.port, zone)) === 1, 10_000);

  const lags: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = await first.catalog!.apply(zone, { rrsets: [{ name: `db${i}.${zone}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `203.0.113.${i}` }] }] }, 'test');
    await until(`change ${i} on the second node`, async () => (await serialAt('127.0.0.2', second!.port, zone)) === r.serialAfter, 2000, 10);
    lags.push(performance.now() - t0);
    assert.deepEqual((await lookup('127.0.0.2', second.port, `db${i}.${zone}`, A)).answers, [`203.0.113.${i}`]);
  }
  assert.ok(Math.max(...lags) < 2000, `lags ${lags.map((l) => l.toFixed(0)).join(', ')} ms`);
  assert.equal((await sqlAt(p2, 'SELECT @@global.gtid_binlog_pos')).trim(), '', 'no client wrote to the replica');
  assert.match(await sqlAt(p2, "SHOW GLOBAL STATUS LIKE 'Slave_running'"), /ON/);
});

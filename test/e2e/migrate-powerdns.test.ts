// `geodesic migrate powerdns`: a real PowerDNS gsqlite3 database filled through pdnsutil, migrated into a
// Geodesic store, and every name and type asked of PowerDNS (pdns_server) and of Geodesic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliArgs } from './lib/serve-process.js';
import { freePort } from './lib/free-port.js';
import { probeUdp } from './lib/dns-probe.js';
import { Catalog } from '../../src/catalog/index.js';
import { openStore } from '../../src/store/index.js';

const SCHEMA = '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql';
let dir: string;
let pdns: ChildProcess | null = null;
let port = 0;

function pdnsutil(...args: string[]): string {
  return execFileSync('pdnsutil', [`--config-dir=${dir}`, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gdns-migrate-'));
  const db = new Database(join(dir, 'pdns.sqlite3'));
  db.exec(readFileSync(SCHEMA, 'utf8'));
  db.close();
  port = await freePort();
  writeFileSync(join(dir, 'pdns.conf'), [
    'launch=gsqlite3', `gsqlite3-database=${join(dir, 'pdns.sqlite3')}`, 'gsqlite3-dnssec=yes', 'local-address=127.0.0.1',
    `local-port=${port}`, `socket-dir=${dir}`, 'enable-lua-records=yes', 'cache-ttl=0', 'query-cache-ttl=0',
    'negquery-cache-ttl=0', 'webserver=no', 'api=no',
  ].join('\n'));
  pdnsutil('create-zone', 'example.org', 'ns1.example.org');
  pdnsutil('add-record', 'example.org', 'ns1', 'A', '3600', '192.0.2.53');
  pdnsutil('add-record', 'example.org', 'www', 'A', '300', '192.0.2.1', '192.0.2.2');
  pdnsutil('add-record', 'example.org', 'www', 'AAAA', '300', '2001:db8::1');
  pdnsutil('add-record', 'example.org', '@', 'MX', '3600', '10 mail.example.org');
  pdnsutil('add-record', 'example.org', 'mail', 'A', '3600', '192.0.2.25');
  pdnsutil('add-record', 'example.org', 'txt', 'TXT', '3600', '"hello world" "second string"');
  pdnsutil('add-record', 'example.org', '_sip._tcp', 'SRV', '3600', '10 60 5060 sip.example.org');
  pdnsutil('add-record', 'example.org', 'alias', 'CNAME', '3600', 'www.example.org');
  pdnsutil('add-record', 'example.org', 'caa', 'CAA', '3600', '0 issue "letsencrypt.org"');
  pdnsutil('add-record', 'example.org', 'geo', 'LUA', '60', 'A "pickrandom({\'192.0.2.77\'})"');
  pdnsutil('add-record', 'example.org', 'flat', 'ALIAS', '60', 'target.example.net');
  pdnsutil('set-meta', 'example.org', 'ALSO-NOTIFY', '192.0.2.99:5300');
  pdnsutil('secure-zone', 'example.org');
  pdnsutil('create-zone', 'second.test', 'ns1.second.test');
  pdnsutil('add-record', 'second.test', 'ns1', 'A', '3600', '198.51.100.1');
  pdnsutil('generate-tsig-key', 'xfr-key', 'hmac-sha256');
  const raw = new Database(join(dir, 'pdns.sqlite3'));
  raw.prepare("INSERT INTO comments (domain_id, name, type, modified_at, account, comment) SELECT id, 'www.example.org', 'A', 1700000000, 'ops', 'the web servers' FROM domains WHERE name = 'example.org'").run();
  // A record written by an old PowerDNS: MX priority in the prio column.
  raw.prepare("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) SELECT id, 'old.second.test', 'MX', 'mx.second.test', 300, 5, 0, 1 FROM domains WHERE name = 'second.test'").run();
  raw.close();
  pdns = spawn('pdns_server', [`--config-dir=${dir}`, '--daemon=no', '--guardian=no', '--disable-syslog', '--write-pid=no'], { stdio: 'ignore' });
  const t0 = Date.now();
  while (await probeUdp('127.0.0.1', port, 'example.org.', 6, 500) === null) {
    if (Date.now() - t0 > 20_000 || pdns.exitCode !== null) throw new Error('pdns_server did not start');
  }
});

after(() => {
  pdns?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function geodesic(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(args), { timeout: 90_000 }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out, err });
    });
  });
}

test('migrate powerdns: every zone, record, comment, metadata item, key and TSIG key; answers compared with PowerDNS', async () => {
  const data = join(dir, 'geodesic');
  const r = await geodesic(['migrate', 'powerdns', '--db', `sqlite:${join(dir, 'pdns.sqlite3')}`, '--data', data, '--compare', `127.0.0.1:${port}`]);
  assert.equal(r.err, '');
  assert.match(r.out, /migrated 2 zone\(s\): 18 records, 1 comments, 1 metadata items, 1 DNSSEC keys, 1 TSIG keys/);
  assert.match(r.out, /compared 1[0-9] names and types with PowerDNS at 127\.0\.0\.1:\d+: no difference/);
  assert.equal(r.code, 0);
  const catalog = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  try {
    const zone = await catalog.stored('example.org.');
    const lua = zone.records.find((x) => x.name === 'geo.example.org.');
    assert.equal(lua?.content, 'A "pickrandom({\'192.0.2.77\'})"');
    assert.equal(zone.records.find((x) => x.name === 'flat.example.org.')?.content, 'target.example.net.');
    assert.deepEqual(zone.comments.map((c) => [c.name, c.content, c.account]), [['www.example.org.', 'the web servers', 'ops']]);
    const keys = await catalog.dnssec.keys('example.org.');
    const theirs = pdnsutil('export-zone-dnskey', 'example.org', String(1)).trim().split(/\s+/).slice(-1)[0];
    assert.ok(keys.some((k) => k.dnskey.endsWith(theirs!)), 'the key PowerDNS signs with is the one migrated');
    assert.deepEqual(await catalog.store.q.tsigKeys().then((ks) => ks.map((k) => [k.name, k.algorithm])), [['xfr-key.', 'hmac-sha256']]);
  } finally {
    await catalog.close();
  }
});

test('migrate powerdns: a difference in answers is reported and fails the command; an existing zone is not overwritten', async () => {
  const data = join(dir, 'geodesic-2');
  const args = ['migrate', 'powerdns', '--db', `sqlite:${join(dir, 'pdns.sqlite3')}`, '--data', data, '--zone', 'second.test', '--compare', `127.0.0.1:${port}`];
  const first = await geodesic(args);
  assert.match(first.out, /migrated 1 zone\(s\)/);
  assert.match(first.out, /no difference/);
  const raw = new Database(join(dir, 'pdns.sqlite3'));
  raw.prepare("UPDATE records SET content = '198.51.100.9' WHERE name = 'ns1.second.test'").run();
  raw.close();
  const again = await geodesic(args);
  assert.match(again.err, /second\.test\.: not migrated: .*exists/);
  assert.match(again.out, /1 difference\(s\)\nns1\.second\.test\. A\n {2}PowerDNS:\n {4}rcode 0 aa\n {4}ns1\.second\.test\. 3600 A 198\.51\.100\.9\n {2}Geodesic:\n {4}rcode 0 aa\n {4}ns1\.second\.test\. 3600 A 198\.51\.100\.1/);
  assert.equal(again.code, 1);
});

test('migrate powerdns: from a gmysql database on MariaDB', async () => {
  const dbName = `gdns_pdns_${process.pid}`;
  const sql = (q: string): void => { execFileSync('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', q], { timeout: 30_000 }); };
  sql(`CREATE DATABASE ${dbName}`);
  const cfg = join(dir, 'mysql');
  let server: ChildProcess | null = null;
  try {
    execFileSync('mariadb', ['-h', '127.0.0.1', '-u', 'root', dbName], { input: readFileSync('/usr/share/pdns-backend-mysql/schema/schema.mysql.sql'), timeout: 30_000 });
    execFileSync('mkdir', ['-p', cfg]);
    const myPort = await freePort();
    writeFileSync(join(cfg, 'pdns.conf'), [
      'launch=gmysql', 'gmysql-host=127.0.0.1', 'gmysql-port=3306', 'gmysql-user=root', 'gmysql-password=', `gmysql-dbname=${dbName}`,
      'gmysql-dnssec=yes', 'local-address=127.0.0.1', `local-port=${myPort}`, `socket-dir=${cfg}`, 'cache-ttl=0', 'query-cache-ttl=0',
      'negquery-cache-ttl=0', 'enable-lua-records=yes',
    ].join('\n'));
    const util = (...args: string[]): void => { execFileSync('pdnsutil', [`--config-dir=${cfg}`, ...args], { timeout: 30_000, stdio: 'ignore' }); };
    util('create-zone', 'maria.test', 'ns1.maria.test');
    util('add-record', 'maria.test', 'ns1', 'A', '3600', '203.0.113.1');
    util('add-record', 'maria.test', 'www', 'A', '300', '203.0.113.10');
    util('add-record', 'maria.test', 'geo', 'LUA', '60', 'A "pickrandom({\'203.0.113.77\'})"');
    server = spawn('pdns_server', [`--config-dir=${cfg}`, '--daemon=no', '--guardian=no', '--disable-syslog', '--write-pid=no'], { stdio: 'ignore' });
    const t0 = Date.now();
    while (await probeUdp('127.0.0.1', myPort, 'maria.test.', 6, 500) === null) {
      if (Date.now() - t0 > 20_000 || server.exitCode !== null) throw new Error('pdns_server (gmysql) did not start');
    }
    const r = await geodesic(['migrate', 'powerdns', '--db', `mysql://root@127.0.0.1:3306/${dbName}`, '--data', join(dir, 'geodesic-maria'),
      '--compare', `127.0.0.1:${myPort}`]);
    assert.equal(r.err, '');
    assert.match(r.out, /migrated 1 zone\(s\): 5 records/);
    assert.match(r.out, /compared 5 names and types with PowerDNS at 127\.0\.0\.1:\d+: no difference/);
    assert.equal(r.code, 0);
  } finally {
    server?.kill('SIGKILL');
    sql(`DROP DATABASE IF EXISTS ${dbName}`);
  }
});

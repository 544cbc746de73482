import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultConfig } from '../config/index.js';
import { createScratchStore } from '../store/index.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RRType, nameFromText } from '../wire/index.js';
import { fetchSerial, fetchTransfer } from '../xfr/index.js';
import { startServer } from './serve.js';
import type { RunningServer } from './serve.js';
import { Registry } from 'prom-client';
import { registerReplicationMetrics, replicationSettings } from './xfr-serve.js';
import { parsePromText } from './prom-text.js';
import { renderStatus } from './status-command.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-xfr-serve-'));
const servers: RunningServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
const log = pino({ level: process.env.XFR_TEST_LOG ?? 'silent' }, pino.destination(2));

async function serve(name: string, settings = replicationSettings(undefined), lua = false): Promise<RunningServer> {
  const c = defaultConfig();
  c.geo.luaRecords = lua;
  c.listen = [{ host: '127.0.0.1', port: 0 }];
  c.store.data = join(dir, name);
  c.transfer.allow = ['127.0.0.0/8'];
  c.rrl.enabled = false;
  c.pidFile = null;
  const s = await startServer(c, log, undefined, settings);
  servers.push(s);
  return s;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) { last = err; }
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a secondary node transfers at once, follows NOTIFY by IXFR, and a removed RRset goes too', async () => {
  const primary = await serve('primary');
  const p = primary.catalog!;
  await p.createZone({ name: 'rep.test', kind: 'primary', records: [
    { name: 'rep.test', type: 'SOA', content: 'ns1.rep.test. h.rep.test. 1 3600 600 86400 60' },
    { name: 'rep.test', type: 'NS', content: 'ns1.rep.test.' },
    { name: 'ns1.rep.test', type: 'A', content: '127.0.0.1' },
    { name: 'www.rep.test', type: 'A', content: '192.0.2.1' },
  ] }, 't');
  const port = primary.udp[0]!.port;
  const secondary = await serve('secondary', replicationSettings(undefined, { secondary: [`rep.test=127.0.0.1:${port}`] }));
  const sport = secondary.udp[0]!.port;
  const zone = nameFromText('rep.test.');
  const serialAt = (at: number): Promise<number> => fetchSerial({ host: '127.0.0.1', port: at }, zone, null, 1000).then((r) => r.serial);
  assert.equal(await until('first transfer', async () => (await serialAt(sport)) === 1 ? 1 : undefined), 1);
  const row = await p.store.q.zoneByName('rep.test.');
  await p.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.1:${sport}`]));
  for (let i = 2; i <= 6; i++) {
    const want = (await p.apply('rep.test', { rrsets: [{ name: `h${i}.rep.test`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `192.0.2.${i}` }] }] }, 't')).serialAfter;
    await until(`serial ${want} on the secondary`, async () => (await serialAt(sport)) === want ? true : undefined, 5000);
  }
  const want = (await p.apply('rep.test', { rrsets: [{ name: 'www.rep.test', type: 'A', changetype: 'DELETE' }] }, 't')).serialAfter;
  await until('the delete', async () => (await serialAt(sport)) === want ? true : undefined, 5000);
  const z = secondary.catalog!.zone('rep.test')!;
  assert.equal(z.lookup(nameFromText('www.rep.test.')).node?.get(1), undefined);
  assert.ok(z.lookup(nameFromText('h6.rep.test.')).node?.get(1));
  const st = secondary.replication.status().secondaries[0]!;
  assert.equal(st.lastTransfer?.kind, 'IXFR');
  assert.equal(st.lastError, null);
  assert.ok(primary.replication.status().served.some((s) => s.kind === 'IXFR'));
  assert.deepEqual(primary.replication.status().downstream.map((d) => [d.zone, d.clients.map((c) => [c.client, c.behind])]), [['rep.test.', [['127.0.0.1', 0]]]]);
  const reg = new Registry();
  registerReplicationMetrics(reg, secondary.replication);
  const text = await reg.metrics();
  assert.match(text, new RegExp(`geodesic_xfr_secondary_serial\\{zone="rep.test."\\} ${want}\\n`));
  assert.match(text, /geodesic_xfr_transfers_in_total\{kind="IXFR"\} [1-9]/);
  assert.match(text, /geodesic_xfr_notify_received_total\{result="accepted"\} [1-9]/);
  const scrape = { at: Date.now(), samples: parsePromText(text) };
  assert.match(renderStatus('test', scrape, { ...scrape, at: scrape.at + 1000 }, { detail: false }),
    /xfr {7}1 secondary zone\(s\), all current; in 1 AXFR \+ [1-9]\d* IXFR, out 0 AXFR \+ 0 IXFR/);
});

test('a secondary past its SOA expire answers SERVFAIL, and serves again once a primary answers', async () => {
  const primary = await serve('expire-primary');
  await primary.catalog!.createZone({ name: 'exp.test', kind: 'primary', records: [
    { name: 'exp.test', type: 'SOA', content: 'ns1.exp.test. h.exp.test. 1 1 1 3 60' },
    { name: 'exp.test', type: 'NS', content: 'ns1.exp.test.' },
    { name: 'ns1.exp.test', type: 'A', content: '127.0.0.1' },
  ] }, 't');
  const port = primary.udp[0]!.port;
  const secondary = await serve('expire-secondary', replicationSettings(undefined, { secondary: [`exp.test=127.0.0.1:${port}`] }));
  const sport = secondary.udp[0]!.port;
  const soaRcode = async (): Promise<number> => {
    try { await fetchSerial({ host: '127.0.0.1', port: sport }, nameFromText('exp.test.'), null, 1000); return 0; } catch (err) {
      return /SERVFAIL/.test((err as Error).message) ? 2 : -1;
    }
  };
  await until('first transfer', async () => (await soaRcode()) === 0 ? true : undefined);
  await primary.close();
  servers.splice(servers.indexOf(primary), 1);
  await until('SERVFAIL after expire', async () => (await soaRcode()) === 2 ? true : undefined, 10_000);
  assert.equal(secondary.replication.status().secondaries[0]!.expired, true);
  await assert.rejects(fetchTransfer({ host: '127.0.0.1', port: sport }, nameFromText('exp.test.'), { maxRecords: 100, maxBytes: 1e6, idleMs: 2000, totalMs: 5000 }),
    /NOTAUTH/, 'an expired zone is not handed on');
  const back = await serve('expire-primary-again');
  await back.catalog!.createZone({ name: 'exp.test', kind: 'primary', records: [
    { name: 'exp.test', type: 'SOA', content: 'ns1.exp.test. h.exp.test. 2 1 1 3 60' },
    { name: 'exp.test', type: 'NS', content: 'ns1.exp.test.' },
  ] }, 't');
  await secondary.replication.addSecondary({ zone: 'exp.test', primaries: [`127.0.0.1:${back.udp[0]!.port}`] });
  await until('answers again', async () => (await soaRcode()) === 0 ? true : undefined, 10_000);
  assert.equal(secondary.replication.status().secondaries[0]!.expired, false);
});

test('LUA records go to a Geodesic secondary as LUA, to others (dig) as their static answers', async () => {
  const primary = await serve('lua-primary', replicationSettings(undefined), true);
  await primary.catalog!.createZone({ name: 'lua.test', kind: 'primary', records: [
    { name: 'lua.test', type: 'SOA', content: 'ns1.lua.test. h.lua.test. 1 3600 600 86400 60' },
    { name: 'lua.test', type: 'NS', content: 'ns1.lua.test.' },
    { name: 'ns1.lua.test', type: 'A', content: '127.0.0.1' },
    { name: 'www.lua.test', type: 'LUA', content: `A "pickrandom({'192.0.2.7'})"` },
  ] }, 't');
  const port = primary.udp[0]!.port;
  // dig runs beside this process's server: execFile, never execFileSync (that would block the server).
  const out = (await promisify(execFile)('dig', ['@127.0.0.1', '-p', String(port), '+time=3', '+tries=1', 'lua.test', 'AXFR'], { timeout: 10_000 })).stdout;
  assert.match(out, /^www\.lua\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.7$/m);
  assert.doesNotMatch(out, /LUA|TYPE65402|pickrandom/);
  const secondary = await serve('lua-secondary', replicationSettings(undefined, { secondary: [`lua.test=127.0.0.1:${port}`] }), true);
  const z = await until('transfer', async () => secondary.catalog!.zone('lua.test'));
  assert.ok(z.lookup(nameFromText('www.lua.test.')).node?.get(RRType.LUA), 'the LUA record itself');
  assert.equal(z.lookup(nameFromText('www.lua.test.')).node?.get(RRType.A), undefined);
});

test('Geodesic consumes Geodesic\'s catalog (members added and removed); autoprimary adds a notified zone', async () => {
  const producer = await serve('cat-producer', replicationSettings(undefined, { catalogProducer: 'cat.test' }));
  const p = producer.catalog!;
  const zoneOf = (n: string): { name: string; type: string; content: string }[] => [
    { name: n, type: 'SOA', content: `ns1.${n}. h.${n}. 1 3600 600 86400 60` },
    { name: n, type: 'NS', content: `ns1.${n}.` },
    { name: `ns1.${n}`, type: 'A', content: '127.0.0.1' },
  ];
  await p.createZone({ name: 'one.test', kind: 'primary', records: zoneOf('one.test') }, 't');
  await p.createZone({ name: 'two.test', kind: 'primary', records: zoneOf('two.test') }, 't');
  await p.createZone({ name: 'native.test', kind: 'native', records: zoneOf('native.test') }, 't');
  const port = producer.udp[0]!.port;
  await until('the catalog lists both', async () => ((p.zone('cat.test')?.recordCount ?? 0) >= 5 ? true : undefined));
  const consumer = await serve('cat-consumer', replicationSettings(undefined, { catalogConsumer: [`cat.test=127.0.0.1:${port}`] }));
  await until('members', async () => (consumer.catalog!.zone('one.test') && consumer.catalog!.zone('two.test') ? true : undefined));
  assert.equal(consumer.catalog!.zone('native.test'), undefined, 'only primary zones are members');
  const row = await p.store.q.zoneByName('cat.test.');
  await p.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.1:${consumer.udp[0]!.port}`]));
  await p.deleteZone('two.test', 't');
  await until('member removed', async () => (consumer.catalog!.zone('two.test') === undefined ? true : undefined));
  assert.ok(consumer.catalog!.zone('one.test'));

  // Autoprimary: a NOTIFY from a trusted primary for a zone the node does not have creates it.
  const auto = await serve('autosecondary', replicationSettings(undefined, { autoprimary: [`127.0.0.1:${port}`] }));
  const orow = await p.store.q.zoneByName('one.test.');
  await p.store.write((q) => q.setMetadata(orow!.id, 'ALSO-NOTIFY', [`127.0.0.1:${auto.udp[0]!.port}`]));
  assert.deepEqual(await producer.replication.notify('one.test'), [`127.0.0.1:${auto.udp[0]!.port}`]);
  await until('autosecondary zone', async () => auto.catalog!.zone('one.test'));
  assert.deepEqual(auto.replication.status().secondaries.map((s) => s.zone), ['one.test.']);
  // An untrusted NOTIFY creates nothing.
  const stranger = await serve('stranger');
  await until('refused notify', async () => (stranger.replication.totals().notifyReceived.refused > 0 ? true : undefined),
    5000).catch(() => undefined);
  assert.equal(stranger.catalog!.zone('one.test'), undefined);
});

test('a zone that arrives by AXFR (zone files send no IXFR) is served onwards by IXFR, from its recorded differences', async () => {
  const zdir = join(dir, 'chain-zones');
  mkdirSync(zdir, { recursive: true });
  const file = (serial: number, extra: string): string => `$ORIGIN chain.test.\n$TTL 60\n@ SOA ns1 h ${serial} 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n${extra}\n`;
  writeFileSync(join(zdir, 'chain.test.zone'), file(1, 'a A 192.0.2.1\nb A 192.0.2.2'));
  const c = defaultConfig();
  c.listen = [{ host: '127.0.0.1', port: 0 }];
  c.zones.directory = zdir;
  c.transfer.allow = ['127.0.0.0/8'];
  c.rrl.enabled = false;
  c.pidFile = null;
  const origin = await startServer(c, log, undefined, replicationSettings(undefined));
  servers.push(origin);
  const middle = await serve('chain-middle', replicationSettings(undefined, { secondary: [`chain.test=127.0.0.1:${origin.udp[0]!.port}`] }));
  await until('middle has it', async () => middle.catalog!.zone('chain.test'));
  const last = await serve('chain-last', replicationSettings(undefined, { secondary: [`chain.test=127.0.0.1:${middle.udp[0]!.port}`] }));
  await until('last has it', async () => last.catalog!.zone('chain.test'));

  writeFileSync(join(zdir, 'chain.test.zone'), file(2, 'a A 192.0.2.9\nc TXT "new"'));
  await origin.reload();
  await middle.replication.retrieve('chain.test');
  assert.equal(middle.catalog!.zone('chain.test')!.serial, 2);
  assert.equal(middle.replication.status().secondaries[0]!.lastTransfer?.kind, 'AXFR');
  const s = await last.replication.retrieve('chain.test');
  assert.equal(s.serial, 2);
  assert.equal(s.lastTransfer?.kind, 'IXFR', JSON.stringify(s));
  const z = last.catalog!.zone('chain.test')!;
  assert.equal(z.lookup(nameFromText('b.chain.test.')).node?.get(RRType.A), undefined);
  assert.ok(z.lookup(nameFromText('c.chain.test.')).node?.get(RRType.TXT));
});

test('over IPv6: transfer from [::1]:PORT and NOTIFY from ::1', async (t) => {
  const c = defaultConfig();
  c.listen = [{ host: '::1', port: 0 }];
  c.store.data = join(dir, 'v6-primary');
  c.transfer.allow = ['::1/128'];
  c.rrl.enabled = false;
  c.pidFile = null;
  let primary: RunningServer;
  try { primary = await startServer(c, log, undefined, replicationSettings(undefined)); } catch { t.skip('no IPv6 loopback'); return; }
  servers.push(primary);
  await primary.catalog!.createZone({ name: 'v6.test', kind: 'primary', records: [
    { name: 'v6.test', type: 'SOA', content: 'ns1.v6.test. h.v6.test. 1 3600 600 86400 60' },
    { name: 'v6.test', type: 'NS', content: 'ns1.v6.test.' },
    { name: 'ns1.v6.test', type: 'AAAA', content: '::1' },
  ] }, 't');
  const c2 = { ...defaultConfig(), listen: [{ host: '::1', port: 0 }], rrl: { ...defaultConfig().rrl, enabled: false }, pidFile: null };
  c2.store = { data: join(dir, 'v6-secondary'), db: null };
  const secondary = await startServer(c2, log, undefined, replicationSettings(undefined, { secondary: [`v6.test=[::1]:${primary.udp[0]!.port}`] }));
  servers.push(secondary);
  await until('v6 transfer', async () => secondary.catalog!.zone('v6.test'));
  const row = await primary.catalog!.store.q.zoneByName('v6.test.');
  await primary.catalog!.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`[::1]:${secondary.udp[0]!.port}`]));
  const r = await primary.catalog!.apply('v6.test', { rrsets: [{ name: 'x.v6.test', type: 'AAAA', changetype: 'REPLACE', ttl: 60, records: [{ content: '2001:db8::1' }] }] }, 't');
  await until('v6 IXFR after NOTIFY', async () => (secondary.catalog!.zone('v6.test')?.serial === r.serialAfter ? true : undefined), 5000);
  assert.equal(secondary.replication.status().secondaries[0]!.lastTransfer?.kind, 'IXFR');
  // Per-zone ACL: ALLOW-AXFR-FROM AUTO-NS lets the NS addresses (here ::1) in and nobody else.
  await primary.catalog!.store.write((q) => q.setMetadata(row!.id, 'ALLOW-AXFR-FROM', ['AUTO-NS']));
  const axfr = (): Promise<string> => fetchTransfer({ host: '::1', port: primary.udp[0]!.port }, nameFromText('v6.test.'), { maxRecords: 100, maxBytes: 1e6, idleMs: 2000, totalMs: 5000 })
    .then((t) => t.kind, (e: Error) => e.message);
  assert.equal(await axfr(), 'full');
  await primary.catalog!.store.write((q) => q.setMetadata(row!.id, 'ALLOW-AXFR-FROM', ['192.0.2.0/24']));
  assert.match(await axfr(), /REFUSED/);
});

test('two nodes on one store: only the lease holder runs the refresh timers; NOTIFY to both keeps the primary\'s serial', async () => {
  const primary = await serve('shared-primary');
  const p = primary.catalog!;
  await p.createZone({ name: 'shared.test', kind: 'primary', records: [
    { name: 'shared.test', type: 'SOA', content: 'ns1.shared.test. h.shared.test. 10 1 1 3600 60' },
    { name: 'shared.test', type: 'NS', content: 'ns1.shared.test.' },
  ] }, 't');
  const port = primary.udp[0]!.port;
  const flags = { secondary: [`shared.test=127.0.0.1:${port}`] };
  // A database server (two SQLite connections in one process would wait on each other synchronously).
  const shared = await createScratchStore('postgres');
  const onDb = async (): Promise<RunningServer> => {
    const c = defaultConfig();
    c.listen = [{ host: '127.0.0.1', port: 0 }];
    c.store.db = shared.where.db!;
    c.rrl.enabled = false;
    c.pidFile = null;
    const s = await startServer(c, log, undefined, replicationSettings(undefined, flags));
    servers.push(s);
    return s;
  };
  const a = await onDb();
  await until('first node transferred', async () => a.catalog!.zone('shared.test'));
  const b = await onDb();
  const row = await p.store.q.zoneByName('shared.test.');
  await p.store.write((q) => q.setMetadata(row!.id, 'ALSO-NOTIFY', [`127.0.0.1:${a.udp[0]!.port}`, `127.0.0.1:${b.udp[0]!.port}`]));
  let serial = 10;
  for (let i = 0; i < 5; i++) {
    serial = (await p.apply('shared.test', { rrsets: [{ name: `s${i}.shared.test`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: `192.0.2.${i}` }] }] }, 't')).serialAfter;
    for (const n of [a, b]) await until(`serial ${serial}`, async () => (n.catalog!.zone('shared.test')?.serial === serial ? true : undefined), 5000);
  }
  // Refresh is 1 s: the lease holder checks every second, the other node only when prompted.
  assert.notEqual(a.replication.leading, b.replication.leading, 'one node leads');
  const stored = await a.catalog!.stored('shared.test');
  assert.equal(stored.records.find((r) => r.type === 6)!.content.split(' ')[2], String(serial), 'never bumped past the primary');
  for (const n of [a, b]) { servers.splice(servers.indexOf(n), 1); await n.close(); }
  // (the database is dropped WITH (FORCE) once every connection of the closed nodes has gone)
  await new Promise((r) => setTimeout(r, 1000));
  await shared.drop();
});

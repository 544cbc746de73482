import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachOps } from './ops-attach.js';
import type { AttachedOps } from './ops-attach.js';
import { opsOptions } from './ops-options.js';
import { dig, startTestServer } from './ops-test-server.js';
import type { TestServer } from './ops-test-server.js';
import { QueryRecorder } from './query-record.js';
import { LineWriter } from './query-log-lines.js';
import type { QueryRecord } from './query-record.js';
import { Engine, GeoStage, queryChannel } from '../engine/index.js';
import { nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import type { ClientInfo, QueryEvent } from '../engine/index.js';

const ZONE = `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.10
www A 192.0.2.11
`;

const dir = mkdtempSync(join(tmpdir(), 'geodesic-qlog-'));
let server: TestServer;
before(async () => { server = await startTestServer({ 'example.test.': ZONE }); });
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string): QueryRecord[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as QueryRecord);

async function withLog(file: string, sample: number, run: (ops: AttachedOps) => Promise<void>): Promise<void> {
  const ops = await attachOps(server.engine, opsOptions({ 'query-log': { file, sample } }));
  try {
    await run(ops);
  } finally {
    await ops.close();
  }
}

test('query log: one JSON line per query with the fields', async () => {
  const file = join(dir, 'q.log');
  await withLog(file, 1, async () => {
    await dig(server.port, 'www.example.test', 'A', '+subnet=198.51.100.0/24');
    await dig(server.port, '+tcp', 'nope.example.test', 'TXT');
    await dig(server.port, 'example.org', 'A');
  });
  const got = lines(file);
  assert.equal(got.length, 3);
  const [a, b, c] = got as [QueryRecord, QueryRecord, QueryRecord];
  assert.equal(a.client, '127.0.0.1');
  assert.equal(a.proto, 'udp');
  assert.equal(a.ecs, '198.51.100.0/24');
  assert.equal(a.name, 'www.example.test.');
  assert.equal(a.type, 'A');
  assert.equal(a.rcode, 'NOERROR');
  assert.equal(a.zone, 'example.test.');
  assert.deepEqual([...a.answer].sort(), ['A 192.0.2.10', 'A 192.0.2.11']);
  assert.equal(a.geo, null);
  assert.equal(typeof a.latencyMs, 'number');
  assert.ok(a.latencyMs! >= 0 && a.latencyMs! < 1000);
  assert.ok(a.size > 12);
  assert.ok(!Number.isNaN(Date.parse(a.time)));
  assert.deepEqual([b.proto, b.rcode, b.type, b.ecs, b.answer], ['tcp', 'NXDOMAIN', 'TXT', null, []]);
  assert.deepEqual([c.rcode, c.zone], ['REFUSED', null]);
});

test('query log: sampling keeps the fraction asked, evenly', async () => {
  const file = join(dir, 'sampled.log');
  await withLog(file, 0.25, async () => {
    for (let i = 0; i < 8; i++) await dig(server.port, '+short', `q${i}.example.test`, 'A');
  });
  assert.equal(lines(file).length, 2);
});

test('query log: reopen after a rename (logrotate) writes to a new file', async () => {
  const file = join(dir, 'rot.log');
  await withLog(file, 1, async (ops) => {
    await dig(server.port, '+short', 'www.example.test', 'A');
    await ops.queryLog!.drain();
    renameSync(file, `${file}.1`);
    process.kill(process.pid, 'SIGUSR1');
    await new Promise((r) => setTimeout(r, 50));
    await dig(server.port, '+short', 'ns1.example.test', 'A');
    await ops.queryLog!.drain();
    assert.equal(ops.queryLog!.written, 2);
  });
  assert.deepEqual(lines(`${file}.1`).map((r) => r.name), ['www.example.test.']);
  assert.deepEqual(lines(file).map((r) => r.name), ['ns1.example.test.']);
});

test('query log: detached after close', async () => {
  const file = join(dir, 'closed.log');
  await withLog(file, 1, async () => { await dig(server.port, '+short', 'www.example.test', 'A'); });
  await dig(server.port, '+short', 'www.example.test', 'A');
  assert.equal(lines(file).length, 1);
});

test('query log: each line is the JSON of the record QueryRecorder makes, on the repeated-answer way too', () => {
  const engine = new Engine(); // with its answer cache: repeats are published from what they were made from
  engine.setZones(new ZoneSet([buildZone(nameFromText('example.test.'), parseZoneText(`${ZONE}
many TXT 1
many TXT 2
many TXT 3
many TXT 4
many TXT 5
many TXT 6
many TXT 7
many TXT 8
many TXT 9
many TXT 10
`, { origin: nameFromText('example.test.') }))]));
  const recorder = new QueryRecorder();
  const writer = new LineWriter(new ArrayBuffer(256 * 1024));
  const want: string[] = [];
  const latencies = [1234, 1_500_000, 12_345_678, 999, 0];
  let k = 0;
  let last: QueryEvent['ctx'] | undefined;
  const onQuery = (m: unknown): void => {
    const e = m as QueryEvent;
    last = { ...e.ctx };
    e.elapsedNs = latencies[k++ % latencies.length]!;
    e.time = 1_790_000_000_000 + k;
    assert.ok(writer.put(e));
    want.push(`${JSON.stringify(recorder.record(e, new Date(e.time)))}\n`);
  };
  const v4: ClientInfo = { transport: 'udp', address: Uint8Array.from([192, 0, 2, 53]), port: 5353 };
  const v6: ClientInfo = { transport: 'tcp', address: Uint8Array.from([0x20, 1, 0xd, 0xb8, ...Array(11).fill(0), 1]), port: 5353 };
  queryChannel.subscribe(onQuery);
  try {
    const ask = (name: string, type: number, client = v4, ecs = false): void => {
      const labels = name === '.' ? [] : name.split('.').filter(Boolean).flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]);
      const opt = ecs ? [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 11, 0, 8, 0, 7, 0, 1, 24, 0, 198, 51, 100] : [];
      const q = Uint8Array.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, ecs ? 1 : 0, ...labels, 0, 0, type, 0, 1, ...opt]);
      engine.answer(q, q.length, client);
    };
    for (let i = 0; i < 3; i++) ask('www.example.test', 1); // made, then repeated from the cache
    ask('WwW.Example.TEST', 1); // repeated, the name as asked
    ask('www.example.test', 28); // NODATA
    ask('www.example.test', 1, v6); // TCP, IPv6
    ask('www.example.test', 1, v4, true); // ECS: never from the cache
    for (let i = 0; i < 2; i++) ask('many.example.test', 16); // more than 8 records
    for (let i = 0; i < 2; i++) ask('a"b\\c.example.test', 1); // NXDOMAIN, a name that needs escapes
    ask('example.org', 1); // REFUSED
    ask('.', 2);
  } finally {
    queryChannel.unsubscribe(onQuery);
  }
  const err: QueryEvent = { ctx: last!, size: 12, elapsedNs: 5, time: 1_790_000_000_000, error: new Error('boom "x"') };
  assert.ok(writer.put(err));
  want.push(`${JSON.stringify(recorder.record(err, new Date(err.time!)))}\n`);
  const got = new TextDecoder().decode(writer.buf.subarray(0, writer.off));
  assert.equal(want.length, 14, want.join(""));
  assert.deepEqual(got.split('\n').slice(0, -1).map((l) => `${l}\n`), want);
  const rec = got.split('\n').slice(0, -1).map((l) => JSON.parse(l) as QueryRecord);
  assert.deepEqual(rec.map((r) => r.latencyMs).slice(0, 5), [0.001, 1.5, 12.346, 0.001, 0]);
  assert.deepEqual(rec[3]!.name, 'WwW.Example.TEST.');
  assert.deepEqual(rec[7]!.answer.at(-1), '+2 more');
  assert.equal(rec[9]!.name, 'a\\"b\\\\c.example.test.');
  assert.equal(rec[13]!.error, 'boom "x"');
});

test('query log: geo answers repeated from the geo cache are published and logged as the pipeline made them', async () => {
  const stage = await GeoStage.create({ geoip: { files: [new URL('../../../shared/testdata/geoip/GeoIP2-City-Test.mmdb', import.meta.url).pathname] }, enableLua: true });
  try {
    const engine = new Engine({ geo: stage });
    const origin = nameFromText('geo.test.');
    engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(`$TTL 60
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
www LUA A "pickclosest({'81.2.69.160','89.160.20.112'})"
`, { origin }))]));
    const recorder = new QueryRecorder();
    const writer = new LineWriter(new ArrayBuffer(64 * 1024));
    const want: string[] = [];
    const repeated: boolean[] = [];
    const onQuery = (m: unknown): void => {
      const e = m as QueryEvent;
      e.time = 1_790_000_000_000;
      repeated.push(e.repeated === true);
      assert.ok(writer.put(e));
      want.push(`${JSON.stringify(recorder.record(e, new Date(e.time)))}\n`);
    };
    const client: ClientInfo = { transport: 'udp', address: Uint8Array.from([127, 0, 0, 1]), port: 5353 };
    queryChannel.subscribe(onQuery);
    try {
      for (const net of [[81, 2, 69, 160], [89, 160, 20, 112], [81, 2, 69, 160], [89, 160, 20, 112], [81, 2, 69, 160]]) {
        const opt = [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 12, 0, 8, 0, 8, 0, 1, 32, 0, ...net];
        const q = Uint8Array.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 3, 119, 119, 119, 3, 103, 101, 111, 4, 116, 101, 115, 116, 0, 0, 1, 0, 1, ...opt]);
        assert.ok(engine.answer(q, q.length, client) > 0);
      }
    } finally {
      queryChannel.unsubscribe(onQuery);
    }
    assert.equal(repeated[0], false);
    assert.deepEqual(repeated.slice(2), [true, true, true], 'the geo cache answers while the log watches');
    const got = new TextDecoder().decode(writer.buf.subarray(0, writer.off));
    assert.deepEqual(got.split('\n').slice(0, -1).map((l) => `${l}\n`), want);
    const rec = got.split('\n').slice(0, -1).map((l) => JSON.parse(l) as QueryRecord);
    assert.deepEqual(rec.map((r) => r.answer[0]), ['A 81.2.69.160', 'A 89.160.20.112', 'A 81.2.69.160', 'A 89.160.20.112', 'A 81.2.69.160']);
    for (const r of rec) assert.equal(r.geo?.tailored, true);
    assert.ok(rec[2]!.geo!.scope > 0 && rec[2]!.geo!.scope <= 32);
    assert.equal(rec[2]!.ecs, '81.2.69.160/32');
  } finally {
    stage.close();
  }
});

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
import { RecordReader, RecordWriter } from './query-log-codec.js';
import type { QueryRecord } from './query-record.js';
import { queryChannel } from '../engine/index.js';
import type { QueryEvent } from '../engine/index.js';

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

test('query log: the binary records read back as the records of the events', async () => {
  const recorder = new QueryRecorder();
  const writer = new RecordWriter(new ArrayBuffer(64 * 1024));
  const want: QueryRecord[] = [];
  const onQuery = (m: unknown): void => {
    const e = m as QueryEvent;
    (e as QueryEvent & { elapsedNs?: number }).elapsedNs = 1234;
    assert.ok(writer.put(e));
    want.push(recorder.record(e));
  };
  queryChannel.subscribe(onQuery);
  try {
    await dig(server.port, 'www.example.test', 'A', '+subnet=2001:db8::/48');
    await dig(server.port, '+tcp', 'example.test', 'SOA');
    await dig(server.port, 'example.org', 'A');
    await dig(server.port, '.', 'NS');
  } finally {
    queryChannel.unsubscribe(onQuery);
  }
  const got: QueryRecord[] = [];
  new RecordReader().read(writer.buf, writer.off, (r) => got.push(r));
  assert.equal(got.length, 4);
  assert.deepEqual(got.map((r) => ({ ...r, time: '' })), want.map((r) => ({ ...r, time: '' })));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(Date.parse(got[i]!.time) - Date.parse(want[i]!.time)) < 1000);
  assert.equal(got[0]!.ecs, '2001:db8::/48');
  assert.equal(got[0]!.latencyMs, 0.001234);
  assert.deepEqual([got[3]!.name, got[3]!.rcode], ['.', 'REFUSED']);
  // The worker writes lines straight from the bytes: the same text as JSON.stringify of each record.
  const reader = new RecordReader();
  for (let pass = 0; pass < 2; pass++) { // the second pass answers from the reader's text caches
    assert.equal(reader.lines(writer.buf, writer.off), got.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
});

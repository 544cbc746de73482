import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

// `geodesic serve` with a query log and per-query metrics: static answers still go out from the native
// UDP cache (no engine call), and each of them is logged and counted all the same — with the name's
// letter case as asked, the client, and the answer it got, also across a zone reload. (Response rate
// limiting passes every answer through JavaScript, so it is off here.)
const dir = mkdtempSync(join(tmpdir(), 'geodesic-serve-ops-'));
const zoneFile = join(dir, 'zones', 'ops.test.zone');
const zone = (www: string): string => `$TTL 60
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
www A ${www}
`;
let s: Served;
let metricsPort = 0;
const log = join(dir, 'queries.log');

before(async () => {
  mkdirSync(join(dir, 'zones'));
  writeFileSync(zoneFile, zone('192.0.2.10'));
  s = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--no-rrl', '--query-log', log,
    '--metrics-listen', '127.0.0.1:0', '--pid-file', join(dir, 'g.pid')]);
  for (let i = 0; i < 100 && metricsPort === 0; i++) {
    const m = /"event":"metrics-listening"[^\n]*"port":(\d+)/.exec(s.log());
    if (m !== null) metricsPort = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(metricsPort > 0, s.log());
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A query for `name` (as written: its letter case is kept), type A, RD, no EDNS. */
function query(id: number, name: string): Uint8Array {
  const labels = name.split('.').filter(Boolean).flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]);
  return Uint8Array.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}

/** Sends the queries in rounds of 50 and waits for every answer (≤ 10 s); returns the answers' rcodes. */
async function ask(port: number, names: string[]): Promise<number[]> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const rcodes = new Map<number, number>();
  sock.on('message', (m) => rcodes.set((m[0]! << 8) | m[1]!, m[3]! & 15));
  const deadline = Date.now() + 10_000;
  try {
    for (let at = 0; at < names.length; at += 50) {
      const round = names.slice(at, at + 50);
      round.forEach((n, i) => sock.send(query(at + i, n), port, '127.0.0.1'));
      while (rcodes.size < at + round.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    sock.close();
  }
  assert.equal(rcodes.size, names.length, 'every query answered');
  return names.map((_, i) => rcodes.get(i)!);
}

async function metrics(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
}

const value = (text: string, re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
const aCount = (text: string): number =>
  value(text, /geodesic_dns_queries_total\{[^}]*type="A"[^}]*rcode="NOERROR"[^}]*zone="ops\.test\."[^}]*\} (\d+)/);

async function until<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  let v = await get();
  for (const end = Date.now() + 5000; !ok(v) && Date.now() < end; v = await get()) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ok(v), `${what}: ${JSON.stringify(v)}`);
  return v;
}

interface Line { time: string; client: string; name: string; type: string; rcode: string; answer: string[]; latencyMs: number }
const lines = (): Line[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line) : []);

test('answers repeated by the native cache are logged and counted, one line per query', async (t) => {
  if (!/"native":true/.test(s.log())) { t.skip('native UDP path unavailable'); return; }
  const names = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 'www.ops.test' : 'WWW.Ops.TEST'));
  const started = Date.now();
  assert.deepEqual(new Set(await ask(s.port, names)), new Set([0]));
  const text = await until('A answers counted', metrics, (m) => aCount(m) === 400);
  assert.ok(value(text, /geodesic_dns_answer_cache_hits_total (\d+)/) >= 300, 'most answers came from the native cache');
  assert.equal(value(text, /geodesic_dns_answer_cache_unobserved_total (\d+)/), 0);
  const got = await until('log lines', lines, (l) => l.length === 400);
  assert.equal(got.filter((l) => l.name === 'WWW.Ops.TEST.').length, 200);
  assert.equal(got.filter((l) => l.name === 'www.ops.test.').length, 200);
  for (const l of got) {
    assert.deepEqual([l.client, l.type, l.rcode, l.answer], ['127.0.0.1', 'A', 'NOERROR', ['A 192.0.2.10']]);
    assert.equal(typeof l.latencyMs, 'number');
    const ms = Date.parse(l.time);
    assert.ok(ms >= started - 1000 && ms <= Date.now() + 1000, l.time);
  }
});

test('after a reload, repeated answers are logged with what they were: the old answer, then the new', async (t) => {
  if (!/"native":true/.test(s.log())) { t.skip('native UDP path unavailable'); return; }
  const before = lines().length;
  await ask(s.port, Array.from({ length: 100 }, () => 'www.ops.test'));
  writeFileSync(zoneFile, zone('192.0.2.99').replace('1 2 3 4 5', '2 2 3 4 5'));
  s.proc.kill('SIGHUP');
  await until('reloaded', () => s.log(), (l) => /"event":"reloaded"/.test(l));
  await ask(s.port, Array.from({ length: 100 }, () => 'www.ops.test'));
  const got = (await until('log lines', lines, (l) => l.length === before + 200)).slice(before);
  assert.deepEqual(got.slice(0, 100).map((l) => l.answer[0]), Array(100).fill('A 192.0.2.10'));
  assert.deepEqual(got.slice(100).map((l) => l.answer[0]), Array(100).fill('A 192.0.2.99'));
  await until('counted', metrics, (m) => aCount(m) === 600);
});

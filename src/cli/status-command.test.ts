import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { attachOps } from './ops-attach.js';
import type { AttachedOps } from './ops-attach.js';
import { opsOptions } from './ops-options.js';
import { dig, startTestServer } from './ops-test-server.js';
import type { TestServer } from './ops-test-server.js';
import { registerStatusCommands, metricsUrl } from './status-command.js';
import { histogramQuantile, parsePromText } from './prom-text.js';

const ZONE = `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.10
`;

let server: TestServer;
let ops: AttachedOps;
let url: string;
before(async () => {
  server = await startTestServer({ 'example.test.': ZONE, 'other.test.': ZONE });
  ops = await attachOps(server.engine, opsOptions({ metrics: { listen: '127.0.0.1:0' } }), { zones: () => server.engine.zones.size });
  url = `http://127.0.0.1:${ops.metricsServer!.port}/metrics`;
});
after(async () => {
  await ops?.close();
  await server?.close();
});

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '', err = '';
  const program = new Command().exitOverride();
  registerStatusCommands(program, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  process.exitCode = undefined;
  await program.parseAsync(['node', 'geodesic', ...args]);
  return { out, err };
}

test('status: queries, rcodes, zones and latency of a running server, from its /metrics', async () => {
  for (let i = 0; i < 3; i++) await dig(server.port, 'www.example.test', 'A');
  await dig(server.port, 'nope.other.test', 'A');
  const { out, err } = await run(['status', '--url', url, '--interval', '0.1']);
  assert.equal(err, '');
  assert.match(out, /2 zone\(s\) served/);
  assert.match(out, /queries +4 since start/);
  assert.match(out, /NOERROR 75\.0% {2}NXDOMAIN 25\.0%/);
  assert.match(out, /latency +p50 [0-9.]+ (µs|ms), p99/);
});

test('top: rates per zone, type and rcode over each refresh', async () => {
  const running = run(['top', '--url', url, '--interval', '0.5', '--iterations', '1']);
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 5; i++) await dig(server.port, 'www.other.test', 'AAAA');
  const { out, err } = await running;
  assert.equal(err, '');
  assert.match(out, /top zones \(queries\/s\)\n +[0-9.]+ {2}other\.test\./);
  assert.match(out, /top types \(queries\/s\)\n +[0-9.]+ {2}AAAA/);
  assert.ok(!out.includes('\u001b['), 'no terminal escapes when not on a terminal');
});

test('status: a server that is not there is a clear error', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const { err } = await run(['status', '--url', `http://127.0.0.1:${port}/metrics`, '--interval', '0.1']);
  assert.match(err, new RegExp(`cannot read http://127\\.0\\.0\\.1:${port}/metrics \\(ECONNREFUSED\\): is the server running with metrics on\\?`));
  assert.equal(process.exitCode, 1);
  process.exitCode = undefined;
});

test('status: the metrics address comes from --url, the environment, or the configuration', () => {
  assert.equal(metricsUrl({ url: 'http://x/metrics' }), 'http://x/metrics');
  assert.equal(metricsUrl({ config: '/nonexistent' }, { GEODESIC_METRICS_URL: 'http://e/metrics' }), 'http://e/metrics');
  assert.throws(() => metricsUrl({ config: '/nonexistent' }, {}), /no metrics address: pass --url/);
});

test('prom text: labels with escapes, and quantiles from histogram buckets', () => {
  const s = parsePromText('# HELP x y\nm{a="q\\"x",le="0.1"} 5\nm_bucket{le="0.001"} 50\nm_bucket{le="0.01"} 100\nm_bucket{le="+Inf"} 100\n');
  assert.deepEqual(s[0], { name: 'm', labels: { a: 'q"x', le: '0.1' }, value: 5 });
  assert.equal(histogramQuantile(0.5, s, null, 'm'), 0.001);
  assert.ok(Math.abs(histogramQuantile(0.75, s, null, 'm')! - 0.0055) < 1e-9);
  assert.equal(histogramQuantile(0.5, [], null, 'm'), null);
});

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { attachOps } from './ops-attach.js';
import type { AttachedOps } from './ops-attach.js';
import { opsOptions, needsEveryQuery } from './ops-options.js';
import { dig, startTestServer } from './ops-test-server.js';
import type { TestServer } from './ops-test-server.js';
import { DnsMetrics } from './metrics.js';
import type { QueryEvent } from '../engine/index.js';
import { nameFromText } from '../wire/index.js';

const ZONE = `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.10
`;

let server: TestServer;
let ops: AttachedOps;
before(async () => {
  server = await startTestServer({ 'example.test.': ZONE });
  ops = await attachOps(server.engine, opsOptions({ metrics: { listen: '127.0.0.1:0' } }), {
    zones: () => server.engine.zones.size,
    udp: () => [server.udp.endpoint],
    rrl: () => ({ dropped: 7, slipped: 3 }),
    answerCaches: () => [{ stats: () => ({ entries: 1, hits: 3, misses: 1, puts: 1, tapDropped: 2 }) }],
  });
});
after(async () => {
  await ops?.close();
  await server?.close();
});

function scrape(port: number, path = '/metrics'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('scrape timed out')));
    req.on('error', reject);
  });
}

function value(body: string, series: string): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

test('metrics: the query log\'s lines are counted when both are on', async () => {
  const both = await attachOps(server.engine, opsOptions({ metrics: { listen: '127.0.0.1:0' }, 'query-log': { file: '-', sample: 0.000001 } }));
  try {
    const { body } = await scrape(both.metricsServer!.port);
    assert.equal(value(body, 'geodesic_query_log_dropped_lines_total'), 0);
    assert.equal(value(body, 'geodesic_query_log_written_lines_total'), 0);
  } finally {
    await both.close();
  }
});

test('metrics: per-query options need every query', () => {
  assert.equal(needsEveryQuery(opsOptions({ metrics: { listen: '127.0.0.1:9153' } })), true);
  assert.equal(needsEveryQuery(opsOptions({ metrics: { listen: '127.0.0.1:9153', 'per-query': false } })), false);
  assert.equal(needsEveryQuery(opsOptions({}, { queryLog: '-' })), true);
  assert.equal(needsEveryQuery(opsOptions()), false);
  assert.throws(() => opsOptions({}, { queryLog: '-', queryLogSample: '2' }), /--query-log-sample/);
  assert.throws(() => opsOptions({ metrics: { listen: '127.0.0.1:9153', perquery: true } as never }), /metrics.perquery: unknown key/);
  assert.deepEqual(opsOptions({ 'query-log': { file: '/var/log/geodesic/queries.log', sample: 0.5 } }).queryLog, { file: '/var/log/geodesic/queries.log', sample: 0.5 });
});

test('metrics: /metrics counts known traffic by type, rcode, proto and zone', async () => {
  const port = server.port;
  for (let i = 0; i < 3; i++) assert.match(await dig(port, '+short', 'www.example.test', 'A'), /192\.0\.2\.10/);
  assert.match(await dig(port, 'nope.example.test', 'A'), /NXDOMAIN/);
  assert.match(await dig(port, '+tcp', 'www.example.test', 'AAAA'), /NOERROR/);
  assert.match(await dig(port, 'example.org', 'MX'), /REFUSED/);
  const { status, body } = await scrape(ops.metricsServer!.port);
  assert.equal(status, 200);
  const q = 'geodesic_dns_queries_total';
  assert.equal(value(body, `${q}{type="A",rcode="NOERROR",proto="udp",zone="example.test."}`), 3);
  assert.equal(value(body, `${q}{type="A",rcode="NXDOMAIN",proto="udp",zone="example.test."}`), 1);
  assert.equal(value(body, `${q}{type="AAAA",rcode="NOERROR",proto="tcp",zone="example.test."}`), 1);
  assert.equal(value(body, `${q}{type="MX",rcode="REFUSED",proto="udp",zone=""}`), 1);
  assert.equal(value(body, 'geodesic_dns_query_duration_seconds_count{proto="udp"}'), 5);
  assert.equal(value(body, 'geodesic_dns_query_duration_seconds_count{proto="tcp"}'), 1);
  assert.equal(value(body, 'geodesic_dns_query_duration_seconds_bucket{le="+Inf",proto="udp"}'), 5);
  assert.ok(value(body, 'geodesic_dns_query_duration_seconds_sum{proto="udp"}')! > 0);
  assert.equal(value(body, 'geodesic_zones'), 1);
  assert.equal(value(body, 'geodesic_dns_udp_received_packets_total'), 5);
  assert.equal(value(body, 'geodesic_dns_rrl_dropped_total'), 7);
  assert.equal(value(body, 'geodesic_dns_rrl_slipped_total'), 3);
  assert.equal(value(body, 'geodesic_dns_answer_cache_hit_ratio'), 0.75);
  assert.equal(value(body, 'geodesic_dns_answer_cache_unobserved_total'), 2);
  assert.match(body, /# TYPE geodesic_dns_queries_total counter/);
  assert.match(body, /process_cpu_seconds_total/);
  // A second scrape does not double the counts.
  const again = await scrape(ops.metricsServer!.port);
  assert.equal(value(again.body, `${q}{type="A",rcode="NOERROR",proto="udp",zone="example.test."}`), 3);
  assert.equal((await scrape(ops.metricsServer!.port, '/other')).status, 404);
});

test('metrics: the most asked names, estimated from a sample (geodesic_dns_top_names)', async () => {
  const m = new DnsMetrics({}, { processMetrics: false });
  const ev = (name: string): QueryEvent => ({
    ctx: { query: { qtype: 1, qdcount: 1, qname: nameFromText(name) }, client: { transport: 'udp', address: new Uint8Array(4), port: 0 },
      zone: undefined, rcode: 0, answer: [], cacheable: true, ecsScope: 0 } as unknown as QueryEvent['ctx'],
    size: 0, elapsedNs: 1000,
  });
  let seed = 7;
  for (let i = 0; i < 3200; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const r = (seed >> 8) % 4; // half www, a quarter api, a quarter names asked once
    m.observe(ev(r < 2 ? 'www.Example.test.' : r === 2 ? 'api.example.test.' : `rare${i}.example.test.`));
  }
  const text = await m.scrape();
  const count = (name: string): number => Number(new RegExp(`geodesic_dns_top_names\\{name="${name.replace(/\./g, '\\.')}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
  assert.ok(Math.abs(count('www.example.test.') - 1600) <= 400, text.slice(0, 500));
  assert.ok(count('api.example.test.') > 0 && count('api.example.test.') < count('www.example.test.'));
  assert.ok(text.split('\n').filter((l) => l.startsWith('geodesic_dns_top_names{')).length <= 100);
});

test('metrics: top names keep the frequent names while thousands of names asked once pass through', async () => {
  const m = new DnsMetrics({}, { processMetrics: false });
  const ev = (name: string): QueryEvent => ({
    ctx: { query: { qtype: 1, qdcount: 1, qname: nameFromText(name) }, client: { transport: 'udp', address: new Uint8Array(4), port: 0 },
      zone: undefined, rcode: 0, answer: [], cacheable: true, ecsScope: 0 } as unknown as QueryEvent['ctx'],
    size: 0, elapsedNs: 1000,
  });
  let seed = 11;
  for (let i = 0; i < 64_000; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const r = (seed >> 8) % 8; // (the sampler takes every 16th query: the names must not follow a period)
    m.observe(ev(r === 0 ? 'www.example.test.' : r === 1 ? 'api.example.test.' : `rare${i}.example.test.`));
  }
  const text = await m.scrape();
  const lines = text.split('\n').filter((l) => l.startsWith('geodesic_dns_top_names{'));
  const count = (name: string): number => Number(new RegExp(`geodesic_dns_top_names\\{name="${name.replace(/\./g, '\\.')}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
  assert.equal(lines.length, 100);
  // ~8,000 queries each; space-saving overestimates by at most the least count (here: rare names' share).
  for (const name of ['www.example.test.', 'api.example.test.']) assert.ok(count(name) >= 5500 && count(name) <= 12_000, `${name} ${count(name)}`);
});

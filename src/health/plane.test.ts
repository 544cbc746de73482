import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthPlane, normalizeTarget, probe } from './index.js';
import type { HealthChange } from './index.js';

const INTERVAL = 100;
const timing = { intervalMs: INTERVAL, timeoutMs: 500, rise: 2, fall: 3 };

function listen(server: NetServer, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

async function until(what: string, cond: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

test('tcp: probed at once, down within interval x fall, up within interval x rise, one target per check', { timeout: 20_000 }, async () => {
  const plane = new HealthPlane();
  const changes: HealthChange[] = [];
  plane.subscribe((c) => changes.push(c));
  let server = createNetServer((s) => s.destroy());
  const port = await listen(server);
  const spec = { check: { kind: 'tcp' as const, address: '127.0.0.1', port }, timing };
  try {
    plane.want('example.com.', [{ spec, names: ['fra'] }]);
    plane.want('example.net.', [{ spec }]);
    assert.equal(plane.list().length, 1, 'one check for two zones');
    assert.equal(plane.status(spec), -1, 'not checked yet');
    await until('first check', () => plane.status(spec) > 0, 1000);
    server.close();
    const down = await until('down', () => plane.status(spec) === 0, INTERVAL * timing.fall + 1000);
    assert.ok(down <= INTERVAL * (timing.fall + 2) + 300, `down after ${down} ms`);
    server = createNetServer((s) => s.destroy());
    await listen(server, port);
    const up = await until('up', () => plane.status(spec) > 0, INTERVAL * timing.rise + 1000);
    assert.ok(up <= INTERVAL * (timing.rise + 2) + 300, `up after ${up} ms`);
    const v = plane.find('fra')[0]!;
    assert.deepEqual(v.history.map((h) => h.state), ['up', 'down', 'up']);
    assert.deepEqual(v.owners, ['example.com.', 'example.net.']);
    assert.deepEqual(changes.map((c) => c.to), ['up', 'down', 'up']);
    // drain wins at once; undrain gives the checks' state back
    plane.setOverride('fra', 'drain', 'maintenance');
    assert.equal(plane.status(spec), 0);
    assert.equal(plane.find('fra')[0]!.effective, 'down');
    assert.equal(changes.at(-1)!.reason, 'drain fra: maintenance');
    plane.setOverride('fra', null);
    assert.ok(plane.status(spec) > 0);
    plane.setOverride('127.0.0.1', 'force-up');
    server.close();
    await new Promise((r) => setTimeout(r, INTERVAL * (timing.fall + 2)));
    assert.equal(plane.find('fra')[0]!.state, 'down');
    assert.ok(plane.status(spec) > 0, 'forced up');
    // the zones stop wanting it: the check stops
    plane.want('example.com.', []);
    assert.equal(plane.list().length, 1);
    plane.want('example.net.', []);
    assert.equal(plane.list().length, 0);
  } finally {
    server.close();
    plane.close();
  }
});

test('http: status, body match, weight, headers, user agent; address instead of the URL host', { timeout: 20_000 }, async () => {
  let status = 200;
  let body = 'ok 1';
  let seen: Record<string, string | string[] | undefined> = {};
  const server = createHttpServer((req, res) => {
    seen = req.headers;
    if (req.url === '/redirect') { res.writeHead(302, { Location: '/health' }); res.end(); return; }
    res.writeHead(status);
    res.end(body);
  });
  const port = await listen(server);
  try {
    const url = `http://health.example:${port}/health`;
    let r = await probe({ kind: 'http', address: '127.0.0.1', url, match: 'ok', headers: { X_Check: 'yes' } }, 1000);
    assert.equal(r.ok, true, String(r.error));
    assert.equal(seen.host, `health.example:${port}`);
    assert.equal(seen['user-agent'], 'PowerDNS Authoritative Server');
    assert.equal(seen['x-check'], 'yes');
    body = 'fine';
    r = await probe({ kind: 'http', address: '127.0.0.1', url, match: 'ok' }, 1000);
    assert.equal(r.ok, false);
    assert.match(r.error!, /does not contain "ok"/);
    body = ' 42\n';
    r = await probe({ kind: 'http', address: '127.0.0.1', url: `http://health.example:${port}/redirect`, userAgent: 'geodesic' }, 1000);
    assert.deepEqual([r.ok, r.weight, seen['user-agent']], [true, 42, 'geodesic']);
    status = 503;
    r = await probe({ kind: 'http', address: '127.0.0.1', url }, 1000);
    assert.match(r.error!, /status 503, expected 200/);
    r = await probe({ kind: 'http', address: '127.0.0.1', url, status: 503 }, 1000);
    assert.equal(r.ok, true);
    r = await probe({ kind: 'http', address: '127.0.0.1', url: 'http://health.example:1/' }, 1000);
    assert.equal(r.ok, false);
  } finally {
    server.close();
  }
});

test('tls: handshake, timeout on a listener that never answers', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'geodesic-health-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=edge.example', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore', timeout: 10_000 });
    const server = createTlsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (s) => s.end());
    const port = await listen(server as unknown as NetServer);
    const silent = createNetServer(() => {});
    const silentPort = await listen(silent);
    try {
      const ok = await probe({ kind: 'tls', address: '127.0.0.1', port, serverName: 'edge.example' }, 1000);
      assert.equal(ok.ok, true, String(ok.error));
      const verified = await probe({ kind: 'tls', address: '127.0.0.1', port, serverName: 'edge.example', verify: true }, 1000);
      assert.equal(verified.ok, false, 'self-signed refused when verifying');
      const slow = await probe({ kind: 'tls', address: '127.0.0.1', port: silentPort }, 200);
      assert.match(slow.error!, /no answer within 200 ms/);
    } finally {
      server.close();
      silent.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('heartbeats: up on a beat, down when they stop; unknown token refused', { timeout: 10_000 }, async () => {
  const plane = new HealthPlane({ heartbeats: [{ name: 'home', token: 's3cret-token', expireMs: 200 }] });
  const spec = { check: { kind: 'heartbeat' as const, name: 'home' } };
  try {
    assert.equal(plane.status(spec), -1);
    assert.equal(plane.heartbeat('wrong'), null);
    assert.equal(plane.heartbeat('s3cret-token'), 'home');
    assert.ok(plane.status(spec) > 0);
    await new Promise((r) => setTimeout(r, 120));
    plane.heartbeat('s3cret-token');
    await new Promise((r) => setTimeout(r, 120));
    assert.ok(plane.status(spec) > 0, 'kept up by the second beat');
    await until('expired', () => plane.status(spec) === 0, 1000);
    assert.match(plane.find('home')[0]!.history.at(-1)!.reason, /no heartbeat for 200 ms/);
  } finally {
    plane.close();
  }
});

test('follow: a secondary takes the primary states at once, probes alone while the primary is gone, follows again', { timeout: 10_000 }, async () => {
  const primary = new HealthPlane();
  const secondary = new HealthPlane();
  const server = createNetServer((s) => s.destroy());
  const port = await listen(server);
  const spec = { check: { kind: 'tcp' as const, address: '127.0.0.1', port }, timing };
  let reachable = true;
  try {
    primary.want('z.', [{ spec }]);
    await until('primary up', () => primary.status(spec) > 0, 1000);
    secondary.follow(async () => { if (!reachable) throw new Error('gone'); return primary.remoteStates(); }, 50);
    await new Promise((r) => setTimeout(r, 20));
    secondary.want('z.', [{ spec }]);
    assert.ok(secondary.status(spec) > 0, 'state from the primary at once');
    assert.equal(secondary.find('127.0.0.1')[0]!.source, 'primary');
    // primary says down (its own check): the secondary agrees although the port answers it
    const key = normalizeTarget(spec).key;
    let states = primary.remoteStates().map((s) => (s.key === key ? { ...s, state: 'down' as const } : s));
    secondary.follow(async () => { if (!reachable) throw new Error('gone'); return states; }, 50);
    await until('secondary down', () => secondary.status(spec) === 0, 1000);
    // the primary is gone for more than three intervals: the secondary probes by itself (the port answers)
    reachable = false;
    const alone = await until('secondary probes alone', () => secondary.status(spec) > 0, 2000);
    assert.ok(alone >= 100, `not before the primary was missed for 3 intervals (${alone} ms)`);
    assert.equal(secondary.find('127.0.0.1')[0]!.source, 'probe');
    states = primary.remoteStates().map((s) => (s.key === key ? { ...s, state: 'down' as const } : s));
    reachable = true;
    await until('follows again', () => secondary.status(spec) === 0, 2000);
  } finally {
    server.close();
    primary.close();
    secondary.close();
  }
});

test('bad specs are named', () => {
  const plane = new HealthPlane();
  try {
    const errors = plane.want('z.', [
      { spec: { check: { kind: 'tcp', address: 'nowhere', port: 80 } } },
      { spec: { check: { kind: 'http', address: null, url: 'ftp://x/' } } },
      { spec: { check: { kind: 'tcp', address: '192.0.2.1', port: 80 }, timing: { fall: 0 } } },
    ]);
    assert.deepEqual(errors.map((e) => e.message), [
      'health check address "nowhere" is not an IP address',
      'health check URL "ftp://x/" must start with http:// or https://',
      'health check fall must be a number of at least 1, not 0',
    ]);
  } finally {
    plane.close();
  }
});

test('a zone with 1,000 checks: every one has a state within seconds (probes run 256 at a time)', { timeout: 30_000 }, async () => {
  const plane = new HealthPlane();
  try {
    const wants = Array.from({ length: 1000 }, (_, i) => ({ spec: { check: { kind: 'tcp' as const, address: `127.0.${(i >> 8) + 10}.${i & 255}`, port: 9 }, timing: { timeoutMs: 1000 } } }));
    assert.deepEqual(plane.want('big.', wants), []);
    const ms = await until('all checked', () => plane.list().every((t) => t.state !== 'unknown'), 20_000);
    assert.equal(plane.list().length, 1000);
    assert.ok(ms < 20_000);
  } finally {
    plane.close();
  }
});

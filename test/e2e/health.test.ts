import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultConfig } from '../../src/config/index.js';
import { startServer } from '../../src/cli/serve.js';
import type { RunningServer } from '../../src/cli/serve.js';
import { NO_OPS } from '../../src/cli/ops-options.js';
import { NO_REPLICATION } from '../../src/cli/xfr-serve.js';
import { DEFAULT_HEALTH } from '../../src/cli/health-serve.js';
import type { HealthSettings } from '../../src/cli/health-serve.js';
import { compileRule } from '../../src/geo/index.js';
import { createApi } from '../../src/api/index.js';
import { ApiKeyRing } from '../../src/api/keys.js';
import { execFile } from 'node:child_process';
import { cliArgs, dig } from './lib/serve-process.js';

// Two Geodesic nameservers on loopback: ns1 probes real TCP listeners on 127.0.0.2 and 127.0.0.3 (a LUA
// ifportup record and a declarative failover record) every 150 ms with rise 2 / fall 2; ns2 takes ns1's
// states over ns1's HTTP API. Listeners go down and up; answers follow within interval × fall / rise.
const INTERVAL = 150;
const RISE = 2;
const FALL = 2;
/** Scheduling, dig start-up and a loaded machine: added to every bound below. */
const SLACK = 1500;
const KEY = 'health-e2e-key';
const TOKEN = 'home-heartbeat-token-0123';
const dir = mkdtempSync(join(tmpdir(), 'geodesic-health-'));
const listeners = new Map<string, Server>();
let port = 0;
let ns1: RunningServer;
let ns2: RunningServer;
let api: Awaited<ReturnType<typeof createApi>>;
let apiUrl = '';

function listen(host: string, p: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => c.destroy());
    s.once('error', reject);
    s.listen(p, host, () => resolve(s));
  });
}

async function up(host: string): Promise<void> {
  listeners.set(host, await listen(host, port));
}

function down(host: string): Promise<void> {
  const s = listeners.get(host)!;
  listeners.delete(host);
  return new Promise((r) => s.close(() => r()));
}

const zoneText = (code: string): string => `"${code.replace(/(["\\])/g, '\\$1').replaceAll('\n', '\\010')}"`;

async function answers(server: RunningServer, name: string): Promise<string> {
  const out = await dig(server.udp[0]!.port, '+short', `${name}.h.test`, 'A');
  return out.trim().split('\n').filter((l) => l !== '').sort().join(' ');
}

/** Polls until the answer is `want`; returns the milliseconds it took. */
async function until(server: RunningServer, name: string, want: string, ms: number): Promise<number> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < ms) {
    last = await answers(server, name);
    if (last === want) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name}: still "${last}" after ${ms} ms, want "${want}"`);
}

async function start(health: HealthSettings): Promise<RunningServer> {
  const c = defaultConfig();
  c.listen = [{ host: '127.0.0.1', port: 0 }];
  c.zones.directory = join(dir, 'zones');
  c.geo.luaRecords = true;
  c.rrl.enabled = false;
  c.pidFile = null;
  return startServer(c, pino({ level: 'silent' }), NO_OPS, NO_REPLICATION, health);
}

before(async () => {
  // one port free on 127.0.0.2, .3 and .4
  for (let i = 0; port === 0 && i < 20; i++) {
    const probe = await listen('127.0.0.2', 0);
    const p = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    port = p;
    try {
      for (const h of ['127.0.0.2', '127.0.0.3']) await up(h);
    } catch {
      for (const h of [...listeners.keys()]) await down(h);
      port = 0;
    }
  }
  mkdirSync(join(dir, 'zones'));
  const failover = compileRule({ rule: 'failover', endpoints: [
    { name: 'edge-a', address: '127.0.0.2', priority: 1, check: { type: 'tcp', port } },
    { name: 'edge-b', address: '127.0.0.3', priority: 2, check: { type: 'tcp', port } },
  ] });
  const home = compileRule({ rule: 'failover', endpoints: [
    { name: 'home', address: '127.0.0.4', priority: 1, check: { type: 'heartbeat' } },
    { name: 'cloud', address: '127.0.0.5', priority: 2 },
  ] });
  writeFileSync(join(dir, 'zones', 'h.test.zone'), `$TTL 60
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
lua LUA A "ifportup(${port}, {'127.0.0.2', '127.0.0.3'}, {selector='all'})"
dyn LUA A ";local pool = {} for i = 2, 3 do pool[#pool + 1] = '127.0.0.' .. i end return ifportup(${port + 0}, pool, {selector='all', timeout=1})"
geo LUA A ${zoneText(failover)}
home LUA A ${zoneText(home)}
`);
  const defaults = { intervalMs: INTERVAL, rise: RISE, fall: FALL };
  ns1 = await start({ ...DEFAULT_HEALTH, defaults, heartbeats: [{ name: 'home', token: TOKEN, expireMs: 400 }] });
  api = await createApi({ catalog: null, fileZones: () => ns1.engine.zones, keys: new ApiKeyRing([KEY], null), services: { health: ns1.health! } });
  await api.listen({ host: '127.0.0.1', port: 0 });
  apiUrl = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
  ns2 = await start({ ...DEFAULT_HEALTH, defaults, follow: { url: apiUrl, apiKey: KEY, intervalMs: 100, timeoutMs: 1000 } });
});

after(async () => {
  await api?.close();
  await ns1?.close();
  await ns2?.close();
  for (const h of [...listeners.keys()]) await down(h);
  rmSync(dir, { recursive: true, force: true });
});

test('checks start when the zone loads: the first query already has the probed answer', { timeout: 30_000 }, async () => {
  assert.ok(port > 0, 'a port free on 127.0.0.2 and 127.0.0.3');
  await until(ns1, 'lua', '127.0.0.2 127.0.0.3', SLACK);
  await until(ns1, 'geo', '127.0.0.2', SLACK);
  const targets = ns1.health!.list().filter((t) => t.check.startsWith('tcp') && t.timing.timeoutMs !== 1000);
  assert.equal(targets.length, 2, 'one check per address, shared by both records');
  assert.deepEqual(targets[0]!.owners, ['h.test.']);
  // computed arguments: the record ran once at load, so its checks (timeout 1 s: other checks) are probed already
  const dyn = ns1.health!.list().filter((t) => t.timing.timeoutMs === 1000);
  assert.deepEqual(dyn.map((t) => [t.owners, t.records, t.state]), [[['h.test.'], ['dyn.h.test. LUA A'], 'up'], [['h.test.'], ['dyn.h.test. LUA A'], 'up']]);
  await until(ns1, 'dyn', '127.0.0.2 127.0.0.3', SLACK);
  assert.deepEqual(targets.find((t) => t.names.includes('edge-a'))!.records, ['geo.h.test. LUA A', 'lua.h.test. LUA A']);
});

test('a listener goes down: answers leave it within interval x fall, come back within interval x rise; ns2 agrees', { timeout: 60_000 }, async () => {
  await until(ns2, 'geo', '127.0.0.2', SLACK);
  await down('127.0.0.2');
  const left = await until(ns1, 'lua', '127.0.0.3', INTERVAL * FALL + SLACK);
  await until(ns1, 'geo', '127.0.0.3', SLACK);
  assert.ok(left <= INTERVAL * (FALL + 1) + SLACK, `left after ${left} ms`);
  // ns2 follows ns1's states (poll every 100 ms), whatever it would see itself
  await until(ns2, 'geo', '127.0.0.3', 100 * 3 + SLACK);
  assert.equal(await answers(ns2, 'lua'), await answers(ns1, 'lua'));
  assert.equal(ns2.health!.find('127.0.0.2')[0]!.source, 'primary');
  const h = ns1.health!.find('127.0.0.2')[0]!;
  assert.equal(h.state, 'down');
  assert.match(h.history.at(-1)!.reason, new RegExp(`${FALL} check\\(s\\) failed in a row: TCP connect: .*ECONNREFUSED`));
  await up('127.0.0.2');
  const back = await until(ns1, 'geo', '127.0.0.2', INTERVAL * RISE + SLACK);
  assert.ok(back <= INTERVAL * (RISE + 1) + SLACK, `back after ${back} ms`);
  await until(ns2, 'geo', '127.0.0.2', 100 * 3 + SLACK);
});

test('drain through the API: the endpoint leaves at once (and from the following ns2 within its poll); undrain brings it back', { timeout: 30_000 }, async () => {
  const put = (override: string | null) => fetch(`${apiUrl}/api/v1/servers/localhost/endpoints/edge-a`, {
    method: 'PUT', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ override, reason: 'e2e' }),
  });
  await until(ns1, 'geo', '127.0.0.2', SLACK);
  assert.equal((await put('drain')).status, 200);
  assert.equal(await answers(ns1, 'geo'), '127.0.0.3', 'the very next answer');
  assert.equal(await answers(ns1, 'lua'), '127.0.0.3', 'the LUA record shares the check of 127.0.0.2:port, now drained');
  await until(ns2, 'geo', '127.0.0.3', 100 * 3 + SLACK); // ns2 follows ns1's effective states
  assert.equal((await put(null)).status, 200);
  assert.equal(await answers(ns1, 'geo'), '127.0.0.2');
  assert.equal(await answers(ns1, 'lua'), '127.0.0.2 127.0.0.3');
  await until(ns2, 'geo', '127.0.0.2', 100 * 3 + SLACK);
});

test('heartbeats: the home endpoint answers while they come, the cloud one when they stop', { timeout: 30_000 }, async () => {
  const beat = () => fetch(`${apiUrl}/api/v1/heartbeat/${TOKEN}`, { method: 'POST' });
  assert.equal(await answers(ns1, 'home'), '127.0.0.5', 'no heartbeat yet');
  assert.equal((await beat()).status, 200);
  assert.equal(await answers(ns1, 'home'), '127.0.0.4');
  assert.equal((await fetch(`${apiUrl}/api/v1/heartbeat/wrong-token`, { method: 'POST' })).status, 404);
  const gone = await until(ns1, 'home', '127.0.0.5', 400 + SLACK);
  assert.ok(gone >= 200, `expired after ${gone} ms (expire 400 ms)`);
});

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(args), { timeout: 60_000, env: { ...process.env, GEODESIC_API_KEY: KEY } }, (e, out, err) => {
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, out, err });
    });
  });
}

test('geodesic endpoint drain / list / show / undrain through the API', { timeout: 120_000 }, async () => {
  const drain = await cli('endpoint', 'drain', 'edge-b', '--reason', 'disk swap', '--api', apiUrl);
  assert.equal(drain.code, 0, drain.err);
  assert.match(drain.out, /down \(drain; checks: up\)\s+tcp 127\.0\.0\.3:\d+\s+127\.0\.0\.3, edge-b/);
  assert.equal(await answers(ns1, 'lua'), '127.0.0.2');
  const list = await cli('endpoint', 'list', '--api', apiUrl);
  assert.match(list.out, /^state\s+check\s+names\s+since\s+source\s+last error$/m);
  assert.match(list.out, /heartbeat home/);
  const show = await cli('endpoint', 'show', 'edge-b', '--api', apiUrl);
  assert.match(show.out, /down\s+drain edge-b: disk swap/);
  assert.equal((await cli('endpoint', 'undrain', 'edge-b', '--api', apiUrl)).code, 0);
  assert.equal(await answers(ns1, 'lua'), '127.0.0.2 127.0.0.3');
  const bad = await cli('endpoint', 'show', 'nowhere', '--api', apiUrl);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /404 no endpoint or address "nowhere" is watched/);
  const off = await cli('endpoint', 'list', '--api', 'http://127.0.0.1:1');
  assert.match(off.err, /cannot reach the API at http:\/\/127\.0\.0\.1:1/);
});

test('geodesic geo whatif --explain: the rule that decided, with endpoint states from the API', { timeout: 120_000 }, async () => {
  await until(ns1, 'geo', '127.0.0.2', SLACK);
  const r = await cli('geo', 'whatif', 'geo.h.test', '--server', `127.0.0.1:${ns1.udp[0]!.port}`, '--from', '81.2.69.0/24',
    '--explain', '--api', apiUrl);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /vantage\s+client network \(ECS\)\s+answer\s+scope\s+rule/);
  assert.match(r.out, /81\.2\.69\.0\/24\s+A 127\.0\.0\.2\s+\S+\s+127\.0\.0\.2 ← failover: priority 1 up: edge-a/);
  await fetch(`${apiUrl}/api/v1/servers/localhost/endpoints/edge-a`, {
    method: 'PUT', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ override: 'drain' }),
  });
  try {
    const d = await cli('geo', 'whatif', 'geo.h.test', '--server', `127.0.0.1:${ns1.udp[0]!.port}`, '--from', '81.2.69.0/24', '--explain', '--api', apiUrl);
    assert.match(d.out, /A 127\.0\.0\.3\s+\S+\s+127\.0\.0\.3 ← failover: priority 2 up: edge-b; down: edge-a/);
    const plain = await cli('geo', 'whatif', 'lua.h.test', '--server', `127.0.0.1:${ns1.udp[0]!.port}`, '--from', '81.2.69.0/24', '--explain', '--api', apiUrl);
    assert.match(plain.out, /not a declarative geo record/);
  } finally {
    await fetch(`${apiUrl}/api/v1/servers/localhost/endpoints/edge-a`, {
      method: 'PUT', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ override: null }),
    });
  }
});

test('checks of deleted records stop: a reload without them leaves no TCP target', { timeout: 30_000 }, async () => {
  const file = join(dir, 'zones', 'h.test.zone');
  const { readFileSync } = await import('node:fs');
  writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((l) => !/^(lua|geo|dyn) /.test(l)).join('\n'));
  await ns1.reload();
  const start = Date.now();
  while (ns1.health!.list().some((t) => t.check.startsWith('tcp')) && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(ns1.health!.list().map((t) => t.check), ['heartbeat home']);
});

test('geodesic serve --api-listen serves the health routes (real process)', { timeout: 120_000 }, async () => {
  const { startServe } = await import('./lib/serve-process.js');
  const s = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--enable-lua-records',
    '--api-listen', '127.0.0.1:0', '--api-key', KEY, '--pid-file', join(dir, 'p.pid')]);
  try {
    let m: RegExpExecArray | null = null;
    for (let i = 0; i < 100 && m === null; i++) {
      m = /"event":"api-listening"[^\n]*"port":(\d+)/.exec(s.log());
      if (m === null) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(m !== null, s.log());
    const res = await fetch(`http://127.0.0.1:${m[1]}/api/v1/servers/localhost/health`, { headers: { 'X-API-Key': KEY } });
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(((await res.json()) as { targets: unknown[] }).targets));
  } finally {
    await s.stop();
  }
});

test('a declarative record written through the API (compile, PATCH) is answered and its checks start at once', { timeout: 120_000 }, async () => {
  const { startServe } = await import('./lib/serve-process.js');
  const data = join(dir, 'store');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(dir, 'h2.yaml'), `health: { interval: 150ms, rise: 1, fall: 1 }\ngeo: { lua-records: true }\n`);
  const s = await startServe(['--config', join(dir, 'h2.yaml'), '--data', data, '--listen', '127.0.0.1:0',
    '--api-listen', '127.0.0.1:0', '--api-key', KEY, '--pid-file', join(dir, 'q.pid')]);
  try {
    let m: RegExpExecArray | null = null;
    for (let i = 0; i < 100 && m === null; i++) {
      m = /"event":"api-listening"[^\n]*"port":(\d+)/.exec(s.log());
      if (m === null) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(m !== null, s.log());
    const base = `http://127.0.0.1:${m[1]}/api/v1/servers/localhost`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, { method, headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, json: text === '' ? null : JSON.parse(text) as Record<string, unknown> };
    };
    assert.equal((await call('POST', '/zones', { name: 'api.h.test.', kind: 'Native', nameservers: ['ns.api.h.test.'] })).status, 201);
    const rule = { rule: 'failover', endpoints: [
      { name: 'first', address: '127.0.0.2', priority: 1, check: { type: 'tcp', port } },
      { name: 'second', address: '127.0.0.3', priority: 2, check: { type: 'tcp', port } },
    ] };
    const c = await call('POST', '/geo/compile', { type: 'A', rule });
    assert.equal(c.status, 200);
    const p = await call('PATCH', '/zones/api.h.test.', { rrsets: [{ name: 'www.api.h.test.', type: 'LUA', ttl: 30, changetype: 'REPLACE', records: [{ content: c.json!.content }] }] });
    assert.equal(p.status, 204, JSON.stringify(p.json));
    const start = Date.now();
    let got = '';
    while (Date.now() - start < 3000) {
      got = (await dig(s.port, '+short', 'www.api.h.test', 'A')).trim();
      if (got === '127.0.0.2') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(got, '127.0.0.2');
    const h = await call('GET', '/health');
    const first = (h.json!.targets as Array<{ names: string[]; owners: string[]; state: string }>).find((t) => t.names.includes('first'))!;
    assert.deepEqual([first.owners, first.state], [['api.h.test.'], 'up']);
    const back = await call('GET', '/zones/api.h.test.?rrset_name=www.api.h.test.&rrset_type=LUA');
    const content = ((back.json!.rrsets as Array<{ records: Array<{ content: string }> }>)[0]!.records[0]!.content);
    assert.deepEqual((await call('POST', '/geo/parse', { content })).json, { type: 'A', rule });
  } finally {
    await s.stop();
  }
});

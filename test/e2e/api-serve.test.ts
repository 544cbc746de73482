// `geodesic serve --api-listen`: a PATCH is answered over DNS (dig) as soon as its 204 returns; zone files
// read-only; TLS with a certificate reloaded when its file changes; loopback-only without a key; a
// secondary zone created through the API is transferred from its primary by replication.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:https';
import { startServe, dig, cliArgs } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

const T = { timeout: 120_000 };
const KEY = 'e2e-api-key';
const Z = '/api/v1/servers/localhost/zones';

function apiPort(s: Served): number {
  const m = /"event":"api-listening"[^\n]*"port":(\d+)/.exec(s.log());
  if (m === null) throw new Error(`no api-listening line:\n${s.log()}`);
  return Number(m[1]);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
async function api(port: number, method: string, path: string, body?: unknown, key = KEY): Promise<{ status: number; json: any }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { 'x-api-key': key, accept: 'application/json' }, signal: AbortSignal.timeout(15_000),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, json: text === '' ? undefined : JSON.parse(text) };
}

const short = async (port: number, name: string, type = 'A'): Promise<string> =>
  (await dig(port, '+short', '+norec', name, type)).trim().split('\n').sort().join(' ');

describe('geodesic serve --api-listen', { ...T, concurrency: false }, () => {
  let dir: string;
  let s: Served;
  let port: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdns-api-e2e-'));
    mkdirSync(join(dir, 'zones'));
    writeFileSync(join(dir, 'zones', 'files.test.zone'), '$ORIGIN files.test.\n$TTL 300\n@ SOA ns1 h 1 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.53\n');
    s = await startServe(['--data', join(dir, 'data'), '--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0',
      '--api-listen', '127.0.0.1:0', '--api-key', KEY, '--no-rrl', '--pid-file', join(dir, 'pid')]);
    port = apiPort(s);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a zone that dig answers at once', async () => {
    const r = await api(port, 'POST', Z, { name: 'api.test.', kind: 'Native', nameservers: ['ns1.api.test.'], rrsets: [
      { name: 'www.api.test.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }] }] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(await short(s.port, 'www.api.test.'), '192.0.2.1');
  });

  it('each PATCH is in DNS answers when its 204 comes back (20 in a row)', async () => {
    for (let i = 1; i <= 20; i++) {
      const r = await api(port, 'PATCH', `${Z}/api.test.`, { rrsets: [
        { name: 'www.api.test.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: `192.0.2.${i}` }, { content: `198.51.100.${i}` }] }] });
      assert.equal(r.status, 204);
      assert.equal(await short(s.port, 'www.api.test.'), `192.0.2.${i} 198.51.100.${i}`);
    }
    const soa = (await dig(s.port, '+short', 'api.test.', 'SOA')).trim().split(' ');
    const z = await api(port, 'GET', `${Z}/api.test.?rrsets=false`);
    assert.equal(Number(soa[2]), z.json.serial);
  });

  it('concurrent PATCHes: all 2xx, none 5xx', async () => {
    const rs = await Promise.all(Array.from({ length: 16 }, (_, i) => api(port, 'PATCH', `${Z}/api.test.`, { rrsets: [
      { name: `c${i}.api.test.`, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: `"${i}"` }] }] })));
    assert.deepEqual(rs.map((r) => r.status), rs.map(() => 204));
    assert.equal(await short(s.port, 'c7.api.test.', 'TXT'), '"7"');
  });

  it('the zone file zone is listed and read-only', async () => {
    const l = await api(port, 'GET', Z);
    assert.ok(l.json.some((z: { name: string }) => z.name === 'files.test.'));
    const w = await api(port, 'PATCH', `${Z}/files.test.`, { rrsets: [{ name: 'x.files.test.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] });
    assert.equal(w.status, 422);
  });

  it('a wrong key is 401, the OpenAPI document is public', async () => {
    assert.equal((await api(port, 'GET', Z, undefined, 'nope')).status, 401);
    const d = await fetch(`http://127.0.0.1:${port}/api/docs/openapi.json`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(d.status, 200);
  });

  it('DELETE: the zone leaves DNS (REFUSED) when the 204 comes back', async () => {
    assert.equal((await api(port, 'DELETE', `${Z}/api.test.`)).status, 204);
    assert.match(await dig(s.port, '+norec', 'www.api.test.', 'A'), /status: REFUSED/);
  });
});

describe('secondary zones through the API', { ...T, concurrency: false }, () => {
  let dir: string;
  let primary: Served;
  let secondary: Served;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdns-api-sec-'));
    mkdirSync(join(dir, 'zones'));
    writeFileSync(join(dir, 'zones', 'sec.test.zone'), '$ORIGIN sec.test.\n$TTL 300\n@ SOA ns1 h 42 60 60 3600 60\n@ NS ns1\nns1 A 192.0.2.53\nwww A 192.0.2.80\n');
    primary = await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--axfr-allow', '127.0.0.0/8', '--no-rrl', '--pid-file', join(dir, 'p1')]);
    secondary = await startServe(['--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-key', KEY, '--no-rrl', '--pid-file', join(dir, 'p2')]);
  });
  after(async () => {
    await secondary?.stop();
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST kind Slave with masters: 201 at once, then the zone is transferred and answered', async () => {
    const port = apiPort(secondary);
    const r = await api(port, 'POST', Z, { name: 'sec.test.', kind: 'Slave', masters: [`127.0.0.1:${primary.port}`] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.kind, 'Slave');
    assert.deepEqual(r.json.masters, [`127.0.0.1:${primary.port}`]);
    let answer = '';
    for (let i = 0; i < 40 && answer !== '192.0.2.80'; i++) {
      await new Promise((res) => setTimeout(res, 250));
      answer = await short(secondary.port, 'www.sec.test.');
    }
    assert.equal(answer, '192.0.2.80');
    const g = await api(port, 'GET', `${Z}/sec.test.`);
    assert.equal(g.json.serial, 42);
    assert.equal(g.json.kind, 'Slave');
    assert.match((await api(port, 'PUT', `${Z}/sec.test./axfr-retrieve`)).json.result, /sec\.test\./);
    assert.equal((await api(port, 'DELETE', `${Z}/sec.test.`)).status, 204);
    assert.match(await dig(secondary.port, '+norec', 'www.sec.test.', 'A'), /status: REFUSED/);
  });
});

describe('the demo (npm start) has the API', T, () => {
  it('prints a key and the API address; a zone created there is answered by its DNS', async () => {
    const proc = spawn(process.execPath, cliArgs(['demo', '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0']), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      for (let i = 0; i < 240 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 250));
      const key = /with key (\S+):/.exec(out)?.[1];
      const apiAt = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
      const dnsAt = /-p (\d+) www\.example\.test/.exec(out)?.[1];
      assert.ok(key !== undefined && apiAt !== undefined && dnsAt !== undefined, out);
      const r = await api(Number(apiAt), 'POST', Z, { name: 'mine.test.', kind: 'Native', nameservers: ['ns1.mine.test.'],
        rrsets: [{ name: 'www.mine.test.', type: 'A', ttl: 60, records: [{ content: '192.0.2.7', disabled: false }] }] }, key);
      assert.equal(r.status, 201);
      assert.equal(await short(Number(dnsAt), 'www.mine.test.'), '192.0.2.7');
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(undefined); }, 5000); proc.once('exit', () => { clearTimeout(t); r(undefined); }); });
    }
  });
});

describe('API listener options', { ...T, concurrency: false }, () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'gdns-api-opt-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it('without any key it listens on loopback only, whatever address was asked', async () => {
    const s = await startServe(['--data', join(dir, 'd1'), '--listen', '127.0.0.1:0', '--api-listen', '0.0.0.0:0', '--pid-file', join(dir, 'p1')]);
    try {
      assert.match(s.log(), /"event":"api-loopback-only"/);
      assert.match(s.log(), /"event":"api-listening","address":"127\.0\.0\.1"/);
    } finally {
      await s.stop();
    }
  });

  it('/metrics shares the API listener, readable without a key', async () => {
    const s = await startServe(['--data', join(dir, 'd3'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-key', KEY,
      '--metrics-listen', '127.0.0.1:0', '--pid-file', join(dir, 'p3')]);
    try {
      const r = await fetch(`http://127.0.0.1:${apiPort(s)}/metrics`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^# HELP /m);
    } finally {
      await s.stop();
    }
  });

  it('several --api-listen addresses serve the same API (127.0.0.1 and ::1)', async () => {
    const s = await startServe(['--data', join(dir, 'd4'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-listen', '[::1]:0',
      '--api-key', KEY, '--pid-file', join(dir, 'p4')]);
    try {
      const port = apiPort(s);
      assert.match(s.log(), new RegExp(`"event":"api-listening","address":"::1","port":${port}`));
      for (const h of ['127.0.0.1', '[::1]']) {
        const r = await fetch(`http://${h}:${port}${Z}`, { headers: { 'x-api-key': KEY }, signal: AbortSignal.timeout(10_000) });
        assert.equal(r.status, 200, h);
      }
    } finally {
      await s.stop();
    }
  });

  it('TLS: serves the certificate, and a new one once the files change', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const make = (cn: string): void => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
        '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { stdio: 'ignore', timeout: 20_000 });
    };
    const peerCn = (port: number): Promise<string> => new Promise((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 10_000 }, () => {
        const cn = String(sock.getPeerCertificate().subject.CN);
        sock.end();
        resolve(cn);
      });
      sock.on('error', reject);
      sock.on('timeout', () => { sock.destroy(); reject(new Error('TLS timeout')); });
    });
    make('first.test');
    const s = await startServe(['--data', join(dir, 'd2'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-key', KEY,
      '--api-tls-cert', cert, '--api-tls-key', key, '--pid-file', join(dir, 'p2')]);
    try {
      const port = apiPort(s);
      assert.equal(await peerCn(port), 'first.test');
      const status = await new Promise<number>((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port, path: Z, rejectUnauthorized: false, headers: { 'x-api-key': KEY }, timeout: 10_000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        r.on('error', reject);
        r.end();
      });
      assert.equal(status, 200);
      await new Promise((r) => setTimeout(r, 1100)); // a different mtime
      make('second.test');
      let cn = '';
      for (let i = 0; i < 40 && cn !== 'second.test'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        cn = await peerCn(port);
      }
      assert.equal(cn, 'second.test');
    } finally {
      await s.stop();
    }
  });
});

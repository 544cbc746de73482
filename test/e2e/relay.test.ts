import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'node:net';
import type { Backend } from '../fixtures/relay/backends.js';
import { rawBackend, sleep, tlsBackend, tlsGreeting } from '../fixtures/relay/backends.js';
import { makeCert } from '../fixtures/relay/hello.js';

const CLI = ['--import', 'tsx', join(import.meta.dirname, '../../src/cli/main.ts')];

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe('geodesic relay (CLI, YAML config, SIGHUP reload, status, SIGTERM drain)', { timeout: 45_000 }, () => {
  let A: Backend, B: Backend, D: Backend;
  let dir: string;
  let child: ChildProcess | undefined;
  let stderr = '';
  let port = 0;
  let statusPort = 0;

  const config = (aPool: string): string => `
relay:
  health_listen: 127.0.0.1:${statusPort}
  drain_timeout: 2s
  defaults:
    client_hello_timeout: 2s
  listeners:
    - name: https
      listen: 127.0.0.1:${port}
      routes:
        - sni: a.e2e.test
          pool: ${aPool}
        - sni: "*.b.e2e.test"
          pool: b
      default: fallback
  pools:
    a:
      servers: [127.0.0.1:${A.port}]
    b:
      balance: least_conn
      servers:
        - 127.0.0.1:${B.port}
    fallback:
      proxy_protocol: v1
      servers: [127.0.0.1:${D.port}]
`;

  before(async () => {
    const cred = makeCert(['a.e2e.test', '*.b.e2e.test']);
    [A, B, D] = await Promise.all([tlsBackend('A', cred), tlsBackend('B', cred), rawBackend('D')]);
    [port, statusPort] = await Promise.all([freePort(), freePort()]);
    dir = mkdtempSync(join(tmpdir(), 'gdns-relay-e2e-'));
    writeFileSync(join(dir, 'relay.yaml'), config('a'));
    child = spawn(process.execPath, [...CLI, 'relay', '--config', join(dir, 'relay.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 100 && !stderr.includes('relay started'); i++) await sleep(100);
    assert.match(stderr, /relay started/);
  });

  after(async () => {
    child?.kill('SIGKILL');
    await Promise.all([A, B, D].map((b) => b?.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes TLS by SNI and sends PROXY v1 on the default route', async () => {
    assert.equal(await tlsGreeting(port, 'a.e2e.test'), 'A sni=a.e2e.test alpn=-');
    assert.equal(await tlsGreeting(port, 'x.b.e2e.test'), 'B sni=x.b.e2e.test alpn=-');
    const { rawGreeting } = await import('../fixtures/relay/backends.js');
    assert.equal(await rawGreeting(port, [Buffer.from('hello\n')]), 'D');
    await sleep(100);
    assert.match(D.received.at(-1)!.toString(), /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\nhello\n$/);
  });

  it('reloads on SIGHUP keeping open connections, and logs each connection', async () => {
    let kept: Socket | undefined;
    assert.equal(await tlsGreeting(port, 'a.e2e.test', { keep: (s) => (kept = s) }), 'A sni=a.e2e.test alpn=-');
    writeFileSync(join(dir, 'relay.yaml'), config('b'));
    child!.kill('SIGHUP');
    for (let i = 0; i < 50 && !stderr.includes('relay reloaded'); i++) await sleep(100);
    assert.match(stderr, /relay reloaded/);
    const echo = await new Promise<string>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), 3000);
      kept!.once('data', (d: Buffer) => (clearTimeout(t), resolve(d.toString())));
      kept!.write('ping');
    });
    assert.equal(echo, 'ping', 'connection opened before the reload still works');
    kept!.destroy();
    assert.equal(await tlsGreeting(port, 'a.e2e.test'), 'B sni=a.e2e.test alpn=-');
    await sleep(200);
    assert.match(stderr, /"sni":"a\.e2e\.test".*"msg":"conn"/);
  });

  it('prints status from the running relay', () => {
    const r = spawnSync(process.execPath, [...CLI, 'relay', 'status', '--url', `http://127.0.0.1:${statusPort}`], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /relay HEALTHY/);
    assert.match(r.stdout, /route a\.e2e\.test\s+\d+ open\s+\d+ total/);
    assert.match(r.stdout, /pool fallback \(round-robin\) up/);
  });

  it('check validates a file; a bad config is refused with its path', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'relay:\n  listeners: [{ listen: ":1", default: nope }]\n  pools: {}\n');
    const r = spawnSync(process.execPath, [...CLI, 'relay', 'check', '--config', bad], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown pool "nope"/);
  });

  it('drains and exits 0 on SIGTERM', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => resolve(-1), 10_000);
      child!.once('exit', (c) => (clearTimeout(t), resolve(c)));
      child!.kill('SIGTERM');
    });
    assert.equal(code, 0);
    assert.match(stderr, /relay stopped/);
  });
});

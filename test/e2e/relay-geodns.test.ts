import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sleep } from '../fixtures/relay/backends.js';
import { freePort } from './lib/free-port.js';
import { cliArgs, dig, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

// The seed's setup with Geodesic, on loopback addresses (docs/getting-started-edge.md): two
// nameservers serve example.test; three entry points (127.0.0.11-13) run `geodesic relay` for TCP
// and UDP in front of one cluster node, each with a health endpoint on the same port; an ifurlup
// record answers with the entry points whose /health says yes. Stop one relay: it leaves the
// answers of both nameservers; start it again: it comes back. Cut one relay's cluster: it leaves too.
const EDGES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];

describe('GeoDNS in front of three relays: a stopped entry point leaves the answers', { timeout: 180_000 }, () => {
  let dir: string;
  let cluster: Server;
  let clusterPort = 0;
  let edgePort = 0;
  let healthPort = 0;
  const relays = new Map<string, { proc: ChildProcess; log: () => string }>();
  const nameservers: Served[] = [];

  const quick = (ip: string): string[] => ['--listen', `${ip}:${edgePort}`, '--udp',
    '--route', `*.example.test=127.0.0.1:${clusterPort}`, '--default', `127.0.0.1:${clusterPort}`,
    '--proxy-protocol', 'v2', '--health-listen', `${ip}:${healthPort}`];
  const startRelay = async (ip: string, args = quick(ip)): Promise<void> => {
    const proc = spawn(process.execPath, cliArgs(['relay', ...args]), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 600 && !err.includes('relay started') && proc.exitCode === null; i++) await sleep(100);
    assert.match(err, /relay started/, `relay on ${ip} did not start:\n${err}`);
    relays.set(ip, { proc, log: () => err });
  };
  const stopRelay = async (ip: string): Promise<void> => {
    const r = relays.get(ip);
    relays.delete(ip);
    if (!r || r.proc.exitCode !== null) return;
    const k = setTimeout(() => r.proc.kill('SIGKILL'), 10_000);
    await new Promise((res) => { r.proc.once('exit', res); r.proc.kill('SIGTERM'); });
    clearTimeout(k);
  };
  /** The sorted A records of www.example.test from one nameserver. */
  const answer = async (ns: Served): Promise<string[]> =>
    (await dig(ns.port, '+short', 'www.example.test', 'A')).split('\n').filter((l) => /^\d+\./.test(l)).sort();
  /** Waits until both nameservers answer `want`; returns how long that took. */
  const until = async (want: string[], ms: number): Promise<number> => {
    const t0 = Date.now();
    let got: string[][] = [];
    while (Date.now() - t0 < ms) {
      got = await Promise.all(nameservers.map(answer));
      if (got.every((g) => g.join() === want.join())) return Date.now() - t0;
      await sleep(200);
    }
    assert.fail(`after ${ms} ms the nameservers answer ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdns-relay-geodns-'));
    cluster = createServer((s) => { s.on('error', () => undefined); s.resume(); s.end('cluster\n'); });
    await new Promise<void>((r) => cluster.listen(0, '127.0.0.1', r));
    clusterPort = (cluster.address() as { port: number }).port;
    [edgePort, healthPort] = [await freePort(EDGES), await freePort(EDGES)];
    mkdirSync(join(dir, 'zones'));
    const ips = EDGES.map((ip) => `'${ip}'`).join(',');
    writeFileSync(join(dir, 'zones', 'example.test.zone'), `$TTL 60
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
@ NS ns2
ns1 A 127.0.0.1
ns2 A 127.0.0.1
www 30 LUA A "ifurlup('http://edge.example.test:${healthPort}/health', {{${ips}}}, {selector='all', interval=1, timeout=1})"
`);
    await Promise.all(EDGES.map((ip) => startRelay(ip)));
    for (const name of ['ns1', 'ns2']) {
      nameservers.push(await startServe(['--zones', join(dir, 'zones'), '--listen', '127.0.0.1:0', '--enable-lua-records',
        '--pid-file', join(dir, `${name}.pid`)]));
    }
  });

  after(async () => {
    await Promise.all([...relays.keys()].map(stopRelay));
    await Promise.all(nameservers.map((s) => s.stop()));
    await new Promise((r) => cluster?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers with every entry point while all relays are up, without the stopped one, and with it again once back', async () => {
    await until(EDGES, 30_000);
    await stopRelay('127.0.0.12');
    const left = await until(['127.0.0.11', '127.0.0.13'], 30_000);
    assert.ok(left < 15_000, `the stopped entry point left the answers after ${left} ms`);
    await startRelay('127.0.0.12');
    await until(EDGES, 30_000);
  });

  it('relays the visitor to the cluster through each entry point that is answered', async () => {
    const { connect } = await import('node:net');
    for (const ip of EDGES) {
      const got = await new Promise<string>((resolve) => {
        const s = connect(edgePort, ip, () => s.write('not tls\r\n'));
        let data = '';
        const t = setTimeout(() => { s.destroy(); resolve(`timeout: ${data}`); }, 5000);
        s.on('data', (d: Buffer) => (data += d.toString()));
        s.on('close', () => { clearTimeout(t); resolve(data); });
        s.on('error', () => undefined);
      });
      assert.equal(got, 'cluster\n', `through ${ip}`);
    }
  });
  it('drops an entry point that lost the cluster (its /health says 503) and takes it back once the cluster is reachable', async () => {
    // 127.0.0.13 now fronts a cluster node of its own, checked every 200 ms
    const own = createServer((sock) => { sock.on('error', () => undefined); sock.resume(); sock.end('own\n'); });
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
    const ownPort = (own.address() as { port: number }).port;
    writeFileSync(join(dir, 'edge13.yaml'), `
relay:
  health_listen: 127.0.0.13:${healthPort}
  listeners:
    - { name: https, listen: "127.0.0.13:${edgePort}", routes: [{ sni: "*.example.test", pool: cluster }], default: cluster }
  pools:
    cluster:
      health_check: { type: tcp, interval: 200ms, timeout: 200ms, fall: 1, rise: 1 }
      servers: [127.0.0.1:${ownPort}]
`);
    await stopRelay('127.0.0.13');
    await startRelay('127.0.0.13', ['--config', join(dir, 'edge13.yaml')]);
    await until(EDGES, 30_000);
    await new Promise((r) => own.close(r)); // the tunnel to the cluster is gone; the relay itself runs on
    const left = await until(['127.0.0.11', '127.0.0.12'], 30_000);
    assert.ok(left < 15_000, `the entry point without a cluster left the answers after ${left} ms`);
    const again = createServer((sock) => { sock.on('error', () => undefined); sock.resume(); sock.end('own\n'); });
    await new Promise<void>((r) => again.listen(ownPort, '127.0.0.1', r));
    try {
      await until(EDGES, 30_000);
    } finally {
      await stopRelay('127.0.0.13');
      await new Promise((r) => again.close(r));
    }
  });
});

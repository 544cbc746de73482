import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Backend } from '../../test/fixtures/relay/backends.js';
import { echoBackend, rawBackend, rawGreeting, sleep, tlsBackend, tlsGreeting } from '../../test/fixtures/relay/backends.js';
import { captureClientHello, makeCert, reframe } from '../../test/fixtures/relay/hello.js';
import { nativeRelayStatus } from '../native/index.js';
import { connectionChannel } from './channels.js';
import type { ConnectionEvent } from './channels.js';
import { encodeProxyHeader } from './proxy-protocol.js';
import { relayOptionsFromConfig } from './relay-config.js';
import { RelayServer } from './relay-server.js';

const addr = (b: Backend): string => `127.0.0.1:${b.port}`;

// Every test on both TCP paths: the native loop (when the addon is built) and node:net.
const paths = [
  { name: 'native loop', env: undefined, skip: nativeRelayStatus().available ? false : `no native loop: ${nativeRelayStatus().reason}` },
  { name: 'node:net', env: '0', skip: false },
] as const;

for (const path of paths) describe(`RelayServer over loopback with real TLS (${path.name})`, { timeout: 40_000, skip: path.skip }, () => {
  let A: Backend, B: Backend, W: Backend, ACME: Backend, D: Backend, RAW: Backend;
  const relays: RelayServer[] = [];
  const start = async (cfg: Record<string, unknown>): Promise<RelayServer> => {
    const r = new RelayServer(relayOptionsFromConfig(cfg));
    relays.push(r);
    await r.start();
    return r;
  };
  const port = (r: RelayServer, name = 'l'): number => r.ports()[name] ?? 0;

  const saved = process.env['GEODESIC_NATIVE_RELAY'];
  before(async () => {
    if (path.env === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = path.env;
    const cred = makeCert(['a.test', 'b.test', '*.wild.test']);
    [A, B, W, ACME, D, RAW] = await Promise.all([
      tlsBackend('A', cred),
      tlsBackend('B', cred),
      tlsBackend('W', cred),
      tlsBackend('ACME', cred, ['acme-tls/1']),
      echoBackend('D'),
      rawBackend('RAW'),
    ]);
  });
  after(async () => {
    await Promise.all(relays.map((r) => r.close({ drainTimeoutMs: 0 })));
    await Promise.all([A, B, W, ACME, D, RAW].map((b) => b?.close()));
    if (saved === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = saved;
  });

  const routed = (extra: Record<string, unknown> = {}, pools: Record<string, unknown> = {}): Record<string, unknown> => ({
    listeners: [{
      name: 'l', listen: '127.0.0.1:0', default: 'd', client_hello_timeout: '400ms',
      routes: [
        { sni: 'a.test', pool: 'a' },
        { sni: 'b.test.', pool: 'b' },
        { sni: '*.wild.test', pool: 'w' },
        { sni: 'a.test', alpn: 'acme-tls/1', pool: 'acme' },
      ],
      ...extra,
    }],
    pools: { a: { servers: [addr(A)] }, b: { servers: [addr(B)] }, w: { servers: [addr(W)] }, acme: { servers: [addr(ACME)] }, d: { servers: [addr(D)] }, ...pools },
  });

  it('routes by SNI: exact, case and trailing dot, wildcard, ALPN, default for unknown names, no SNI and non-TLS', async () => {
    const r = await start(routed());
    const p = port(r);
    assert.equal(await tlsGreeting(p, 'a.test'), 'A sni=a.test alpn=-');
    assert.equal(await tlsGreeting(p, 'B.TEST'), 'B sni=B.TEST alpn=-');
    assert.equal(await tlsGreeting(p, 'x.y.wild.test'), 'W sni=x.y.wild.test alpn=-');
    assert.equal(await tlsGreeting(p, 'a.test', { alpn: ['acme-tls/1'] }), 'ACME sni=a.test alpn=acme-tls/1');
    assert.equal(await rawGreeting(p, [Buffer.from('GET / HTTP/1.0\r\n\r\n')]), 'D');
    const apex = await captureClientHello({ servername: 'wild.test' });
    assert.equal(await rawGreeting(p, [apex]), 'D', 'a wildcard does not match its own apex');
    assert.equal(await rawGreeting(p, [await captureClientHello({ servername: 'other.test' })]), 'D');
    const s = r.stats();
    assert.equal(s.listeners[0]!.routes['a.test']!.connections, 2);
    assert.equal(s.listeners[0]!.routes['*.wild.test']!.connections, 1);
  });

  it('reassembles hellos split over TCP segments and TLS records, and sends an oversized one to the default', async () => {
    const r = await start(routed({}, { b: { servers: [addr(RAW)] } }));
    const p = port(r);
    const hello = await captureClientHello({ servername: 'b.test' });
    const pos = hello.indexOf('b.test');
    const two = reframe(hello, pos - 5 + 3);
    const before = RAW.received.length;
    assert.equal(await rawGreeting(p, [hello.subarray(0, pos + 3), hello.subarray(pos + 3)], 150), 'RAW');
    assert.equal(await rawGreeting(p, [two.subarray(0, pos + 2), two.subarray(pos + 2, pos + 9), two.subarray(pos + 9)], 100), 'RAW');
    await sleep(50);
    assert.deepEqual(RAW.received[before], hello, 'bytes reach the backend unchanged');
    assert.deepEqual(RAW.received[before + 1], two);
    const big = await captureClientHello({ servername: 'b.test', ALPNProtocols: Array.from({ length: 100 }, (_, i) => `pad-${i}-${'p'.repeat(30)}`) });
    assert.ok(big.length > 3500);
    assert.equal(await rawGreeting(p, [big]), 'RAW', 'a 4 KB hello still routes');
    const r2 = await start(routed({ max_client_hello: 2048 }, { b: { servers: [addr(RAW)] } }));
    assert.equal(await rawGreeting(port(r2), [big]), 'D', 'over max_client_hello → default');
  });

  it('closes (FIN) after the ClientHello timeout when there is no route and no default', async () => {
    const r = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', client_hello_timeout: '300ms', routes: [{ sni: 'a.test', pool: 'a' }] }], pools: { a: { servers: [addr(A)] } } });
    const t0 = Date.now();
    const res = await new Promise<string>((resolve) => {
      const s = connect(port(r), '127.0.0.1');
      const t = setTimeout(() => resolve('timeout'), 3000);
      s.on('end', () => (clearTimeout(t), s.destroy(), resolve('fin')));
      s.on('error', (e: NodeJS.ErrnoException) => (clearTimeout(t), resolve(`error:${e.code}`)));
    });
    const took = Date.now() - t0;
    assert.equal(res, 'fin');
    assert.ok(took >= 250 && took < 1500, `closed after ${took} ms`);
    assert.equal(r.stats().listeners[0]!.counters.helloTimeouts, 1);
  });

  it('does not wait for client bytes on a peek: none listener (server speaks first)', async () => {
    const r = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd' }], pools: { d: { servers: [addr(D)] } } });
    const t0 = Date.now();
    assert.equal(await rawGreeting(port(r), []), 'D');
    assert.ok(Date.now() - t0 < 300);
  });

  it('sends PROXY v1 and v2 headers that the backend sees before the hello, and consumes a trusted inbound header', async () => {
    const hello = await captureClientHello({ servername: 'b.test' });
    for (const version of ['v1', 'v2'] as const) {
      const r = await start(routed({}, { b: { proxy_protocol: version, servers: [addr(RAW)] } }));
      const n = RAW.received.length;
      assert.equal(await rawGreeting(port(r), [hello]), 'RAW');
      await sleep(50);
      const got = RAW.received[n]!;
      const expectHdr = encodeProxyHeader(version, { sourceAddress: '127.0.0.1', sourcePort: 0, destAddress: '127.0.0.1', destPort: port(r) }, 'b.test');
      if (version === 'v1') assert.match(got.toString('latin1'), new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${port(r)}\\r\\n`));
      else {
        assert.deepEqual(got.subarray(0, 24), expectHdr.subarray(0, 24));
        assert.deepEqual(got.subarray(26, expectHdr.length), expectHdr.subarray(26));
      }
      const hdrLen = version === 'v1' ? got.indexOf('\r\n') + 2 : expectHdr.length;
      assert.deepEqual(got.subarray(hdrLen), hello);
    }
    const r = await start(routed({ accept_proxy_from: ['127.0.0.0/8'] }, { b: { proxy_protocol: 'v1', servers: [addr(RAW)] } }));
    const inbound = encodeProxyHeader('v2', { sourceAddress: '203.0.113.5', sourcePort: 40000, destAddress: '198.51.100.7', destPort: 443 });
    const n = RAW.received.length;
    assert.equal(await rawGreeting(port(r), [Buffer.concat([inbound, hello.subarray(0, 40)]), hello.subarray(40)], 50), 'RAW');
    await sleep(50);
    const line = 'PROXY TCP4 203.0.113.5 198.51.100.7 40000 443\r\n';
    assert.equal(RAW.received[n]!.toString('latin1', 0, line.length), line);
    assert.deepEqual(RAW.received[n]!.subarray(line.length), hello);
    assert.equal(await rawGreeting(port(r), [Buffer.from('no header here\r\n')]), 'closed', 'a trusted source must send a header');
  });

  it('fails over to the next server on connect failure, marks it down, and reports health', async () => {
    const dead = await echoBackend('dead');
    await dead.close();
    const events: ConnectionEvent[] = [];
    const sub = (m: unknown): void => void events.push(m as ConnectionEvent);
    connectionChannel.subscribe(sub);
    try {
      const r = await start({
        listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd' }],
        pools: { d: { balance: 'round_robin', connect_timeout: '1s', tries: 2, max_fails: 1, fail_timeout: '30s', servers: [`127.0.0.1:${dead.port}`, addr(D)] } },
        health_listen: '127.0.0.1:0',
      });
      const t0 = Date.now();
      assert.equal(await rawGreeting(port(r), []), 'D');
      assert.ok(Date.now() - t0 < 1000, 'failover well within connect_timeout');
      assert.equal(await rawGreeting(port(r), []), 'D');
      const ups = r.stats().pools[0]!.upstreams;
      assert.equal(ups[0]!.healthy, false);
      assert.equal(ups[0]!.failures, 1, 'second connection skipped the down server');
      assert.equal(ups[1]!.connections, 2);
      const res = await fetch(`http://127.0.0.1:${r.statusPort}/health`, { signal: AbortSignal.timeout(3000) });
      assert.equal(res.status, 200, 'one live server keeps the pool healthy');
      await sleep(50);
      assert.ok(events.some((e) => e.upstream === addr(D) && e.end === 'closed' && e.bytesDown > 0));
    } finally {
      connectionChannel.unsubscribe(sub);
    }
  });

  it('active health checks take a server out and put it back; /health turns 503 and back', async () => {
    const up = await echoBackend('U');
    const r = await start({
      listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'u' }],
      pools: { u: { servers: [addr(up)], health_check: { type: 'tcp', interval: '1h', timeout: '500ms', rise: 1, fall: 1 } } },
      health_listen: '127.0.0.1:0',
    });
    const health = async (): Promise<number> => (await fetch(`http://127.0.0.1:${r.statusPort}/health/u`, { signal: AbortSignal.timeout(3000) })).status;
    await r.checkNow();
    assert.equal(await health(), 200);
    const p = up.port;
    await up.close();
    await r.checkNow();
    assert.equal(await health(), 503);
    assert.equal(await rawGreeting(port(r), []), 'closed', 'no upstream → closed');
    const back = await echoBackend('U2');
    const srv = createServer((s) => {
      s.on('error', () => {});
      s.end('U3\n');
    });
    await new Promise<void>((res) => srv.listen(p, '127.0.0.1', () => res()));
    try {
      await r.checkNow();
      assert.equal(await health(), 200);
      assert.equal(await rawGreeting(port(r), []), 'U3');
    } finally {
      srv.close();
      await back.close();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${r.statusPort}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    assert.match(metrics, /geodesic_relay_upstream_up\{pool="u",upstream="127\.0\.0\.1:\d+"\} 1/);
  });

  it('reloads without dropping open connections; new connections follow the new routes', async () => {
    const cfg = routed({ idle_timeout: '10s' });
    const r = await start(cfg);
    const p = port(r);
    let kept: Socket | undefined;
    assert.equal(await tlsGreeting(p, 'a.test', { keep: (s) => (kept = s) }), 'A sni=a.test alpn=-');
    const next = routed({ idle_timeout: '10s', routes: [{ sni: 'a.test', pool: 'b' }] });
    await r.reload(relayOptionsFromConfig(next));
    assert.equal(port(r), p, 'same listener');
    const echo = await new Promise<string>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), 3000);
      kept!.once('data', (d: Buffer) => (clearTimeout(t), resolve(d.toString())));
      kept!.write('still here');
    });
    assert.equal(echo, 'still here');
    kept!.destroy();
    assert.equal(await tlsGreeting(p, 'a.test'), 'B sni=a.test alpn=-');
    const broken = { ...relayOptionsFromConfig(cfg), pools: [] };
    await assert.rejects(r.reload(broken), /unknown pool/);
    assert.equal(await tlsGreeting(p, 'a.test'), 'B sni=a.test alpn=-', 'a failed reload changed nothing');
  });

  it('enforces per-client caps, deny lists, total caps and idle timeouts', async () => {
    const r = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd', max_connections_per_client: 2, idle_timeout: '400ms' }], pools: { d: { servers: [addr(D)] } } });
    const held: Socket[] = [];
    const keep = (s: Socket): void => void held.push(s);
    assert.equal(await rawGreeting(port(r), [], 0, keep), 'D');
    assert.equal(await rawGreeting(port(r), [], 0, keep), 'D');
    assert.equal(await rawGreeting(port(r), []), 'closed', 'third from the same client refused');
    const closedAt = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      const t = setTimeout(() => resolve(-1), 3000);
      held[0]!.on('close', () => (clearTimeout(t), resolve(Date.now() - t0)));
    });
    assert.ok(closedAt >= 300 && closedAt < 1500, `idle close after ${closedAt} ms`);
    for (const s of held) s.destroy();
    assert.equal(r.stats().listeners[0]!.counters.rejected, 1);

    const denied = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd', deny: ['127.0.0.0/8'] }], pools: { d: { servers: [addr(D)] } } });
    assert.equal(await rawGreeting(port(denied), []), 'closed');
    const notAllowed = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd', allow: ['10.0.0.0/8'] }], pools: { d: { servers: [addr(D)] } } });
    assert.equal(await rawGreeting(port(notAllowed), []), 'closed');
    const capped = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd', max_connections: 1 }], pools: { d: { servers: [addr(D)] } } });
    const one: Socket[] = [];
    assert.equal(await rawGreeting(port(capped), [], 0, (s) => void one.push(s)), 'D');
    assert.equal(await rawGreeting(port(capped), []), 'closed');
    one[0]!.destroy();
  });

  it('drains: close() lets an open connection finish, then cuts it at the drain timeout', async () => {
    const r = await start({ listeners: [{ name: 'l', listen: '127.0.0.1:0', peek: 'none', default: 'd' }], pools: { d: { servers: [addr(D)] } } });
    let s: Socket | undefined;
    assert.equal(await rawGreeting(port(r), [], 0, (x) => (s = x)), 'D');
    const t0 = Date.now();
    const closed = new Promise<number>((res) => s!.on('close', () => res(Date.now() - t0)));
    await r.close({ drainTimeoutMs: 300 });
    const took = await closed;
    assert.ok(took >= 250, `cut after ${took} ms`);
    assert.equal(await rawGreeting(port(r), []).then((x) => x.startsWith('error') || x === 'closed'), true);
  });
});

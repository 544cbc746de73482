import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import { sleep } from '../../test/fixtures/relay/backends.js';
import { alpnExt, buildHello, makeCert, sniExt } from '../../test/fixtures/relay/hello.js';
import { cryptoFrame, initialPacket } from '../../test/fixtures/relay/quic.js';
import { nativeRelayStatus } from '../native/index.js';
import type { ConnectionEvent } from './channels.js';
import { encodeProxyHeader } from './proxy-protocol.js';
import { prometheusText } from './metrics-text.js';
import { QUIC_V1, QUIC_V2 } from './quic-initial.js';
import { relayOptionsFromConfig } from './relay-config.js';
import { RelayServer } from './relay-server.js';

const haveNgtcp2 = spawnSync('sh', ['-c', 'command -v gtlsclient && command -v gtlsserver'], { timeout: 5000 }).status === 0;

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  s.close();
  return p;
}

/** UDP backend that records datagrams and answers `NAME:` + payload. */
async function udpBackend(name: string): Promise<{ port: number; got: Buffer[]; sock: Socket }> {
  const sock = createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m, r) => {
    got.push(m);
    sock.send(Buffer.concat([Buffer.from(`${name}:`), m.subarray(m.length - 5)]), r.port, r.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, got, sock };
}

function udpAsk(port: number, msg: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => (s.close(), resolve('timeout')), 2000);
    s.on('message', (m) => (clearTimeout(t), s.close(), resolve(m.toString())));
    s.send(msg, port, '127.0.0.1');
  });
}

// Every test on both upstream paths: sockets in C (replies sent back without JS) and node:dgram.
const paths = [
  { name: 'native', env: undefined, skip: nativeRelayStatus().available ? false : `no native loop: ${nativeRelayStatus().reason}` },
  { name: 'node:dgram upstreams', env: '0', skip: false },
] as const;

for (const path of paths) describe(`UDP relay: sessions, QUIC SNI routing, PROXY v2 over UDP (${path.name})`, { timeout: 60_000, skip: path.skip }, () => {
  const saved = process.env['GEODESIC_NATIVE_RELAY'];
  before(() => {
    if (path.env === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = path.env;
  });
  after(() => {
    if (saved === undefined) delete process.env['GEODESIC_NATIVE_RELAY']; else process.env['GEODESIC_NATIVE_RELAY'] = saved;
  });

  const relays: RelayServer[] = [];
  const children: ChildProcess[] = [];
  let dir = '';
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(relays.map((r) => r.close({ drainTimeoutMs: 0 })));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gdns-relay-udp-'));
  });

  it('routes real QUIC handshakes (ngtcp2) by SNI to two servers', { skip: haveNgtcp2 ? false : 'ngtcp2-client/ngtcp2-server not installed' }, async () => {
    const cred = makeCert(['localhost', 'vm']);
    writeFileSync(join(dir, 'key.pem'), cred.key);
    writeFileSync(join(dir, 'cert.pem'), cred.cert);
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'index.html'), 'hello\n');
    const servers: { port: number; out: string[] }[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freeUdpPort();
      const out: string[] = [];
      const c = spawn('gtlsserver', ['-d', join(dir, 'www'), '--timeout=5s', '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')], { stdio: ['ignore', 'pipe', 'pipe'] });
      c.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      c.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      children.push(c);
      servers.push({ port, out });
    }
    await sleep(300);
    const r = new RelayServer(relayOptionsFromConfig({
      listeners: [{ name: 'q', protocol: 'udp', listen: '127.0.0.1:0', routes: [{ sni: 'localhost', pool: 'a' }, { sni: 'vm', pool: 'b' }] }],
      pools: { a: { servers: [`127.0.0.1:${servers[0]!.port}`] }, b: { servers: [`127.0.0.1:${servers[1]!.port}`] } },
    }));
    relays.push(r);
    await r.start();
    const port = r.ports().q!;
    const client = (host: string): number | null =>
      spawnSync('gtlsclient', ['-q', '--exit-on-first-stream-close', '--timeout=3s', host, String(port), `https://${host}/index.html`], { timeout: 10_000 }).status;
    const seen = (i: number): boolean => servers[i]!.out.join('').includes('pkt rx');
    assert.equal(client('localhost'), 0, 'handshake and request through the relay');
    await sleep(100);
    assert.equal(seen(0), true);
    assert.equal(seen(1), false, 'server B saw nothing of the localhost connection');
    assert.equal(client('vm'), 0);
    await sleep(100);
    assert.equal(seen(1), true);
    const ups = r.stats().pools.map((p) => p.upstreams[0]!.connections);
    assert.deepEqual(ups, [1, 1], 'one session pinned to each server');
    const st = r.stats().listeners[0]!;
    assert.equal(st.routes.localhost!.connections, 1);
    assert.equal(st.routes.vm!.connections, 1);
  });

  it('sends non-QUIC datagrams to the default with a PROXY v2 (DGRAM) header, pins sessions and expires them', async () => {
    const d = await udpBackend('D');
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', idle_timeout: '400ms', routes: [{ sni: 'x.test', pool: 'd' }], default: 'd' }],
        pools: { d: { proxy_protocol: 'v2', servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      const port = r.ports().u!;
      assert.equal(await udpAsk(port, Buffer.from('wireguard-ish hello')), 'D:hello');
      const got = d.got[0]!;
      const hdr = encodeProxyHeader('v2', { sourceAddress: '127.0.0.1', sourcePort: 0, destAddress: '127.0.0.1', destPort: port }, undefined, true);
      assert.deepEqual(got.subarray(0, 13), hdr.subarray(0, 13));
      assert.equal(got[13], 0x12, 'AF_INET + DGRAM');
      assert.deepEqual(got.subarray(16, 24), hdr.subarray(16, 24));
      assert.equal(got.readUInt16BE(26), port);
      assert.equal(got.subarray(hdr.length).toString(), 'wireguard-ish hello');
      assert.equal(r.stats().listeners[0]!.counters.active, 1, 'the session lives until idle_timeout');
      await sleep(900);
      assert.equal(r.stats().listeners[0]!.counters.active, 0, 'expired after idle_timeout');
      assert.equal(r.stats().listeners[0]!.routes.default!.connections, 1);
    } finally {
      d.sock.close();
    }
  });

  it('counts the datagrams its sessions carry in C (stats and /metrics text)', async () => {
    const d = await udpBackend('D');
    const c = createSocket('udp4');
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', routes: [], default: 'd' }],
        pools: { d: { servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      const replies: string[] = [];
      c.on('message', (m) => replies.push(m.toString()));
      for (let i = 0; i < 5; i++) {
        c.send(Buffer.from(`ping${i}`), r.ports().u!, '127.0.0.1');
        for (let t = 0; t < 200 && replies.length <= i; t++) await sleep(5);
      }
      assert.equal(replies.length, 5);
      const dg = r.stats().listeners[0]!.datagrams;
      const text = prometheusText(r.stats());
      if (path.env === undefined) {
        assert.ok(dg !== undefined && dg.up >= 4 && dg.down === 5 && dg.upDropped === 0 && dg.downDropped === 0, JSON.stringify(dg));
        assert.match(text, /geodesic_relay_listener_datagrams_total\{listener="u",direction="down"\} 5/);
      } else {
        assert.equal(dg, undefined, 'the node:dgram path has no C sessions to count');
      }
    } finally {
      c.close();
      d.sock.close();
    }
  });

  it('holds split QUIC Initials until the SNI is known, forwards them in order, and caps sessions per client', async () => {
    const [a, d] = await Promise.all([udpBackend('A'), udpBackend('D')]);
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', max_connections_per_client: 1, routes: [{ sni: 'h3.example', pool: 'a' }], default: 'd' }],
        pools: { a: { servers: [`127.0.0.1:${a.port}`] }, d: { servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      const port = r.ports().u!;
      const dcid = Buffer.from('0011223344556677', 'hex');
      const hs = buildHello([sniExt('h3.example'), alpnExt(['h3'])]).subarray(5);
      const p1 = initialPacket(1, dcid, 0, cryptoFrame(0, hs.subarray(0, 50)));
      const p2 = initialPacket(1, dcid, 1, cryptoFrame(50, hs.subarray(50)));
      const client = createSocket('udp4');
      await new Promise<void>((res) => client.bind(0, '127.0.0.1', () => res()));
      const replies: string[] = [];
      client.on('message', (m) => replies.push(m.toString()));
      client.send(p1, port, '127.0.0.1');
      await sleep(100);
      assert.equal(a.got.length + d.got.length, 0, 'first Initial held: the SNI is not complete yet');
      client.send(p2, port, '127.0.0.1');
      for (let i = 0; i < 20 && a.got.length < 2; i++) await sleep(50);
      assert.deepEqual(a.got, [p1, p2], 'both Initials, in order, to the SNI route');
      assert.equal(d.got.length, 0);
      assert.equal(replies.length, 2, 'replies come back through the relay');
      const second = createSocket('udp4');
      await new Promise<void>((res) => second.bind(0, '127.0.0.1', () => res()));
      second.send(Buffer.from('another session'), port, '127.0.0.1');
      await sleep(200);
      second.close();
      client.close();
      assert.equal(d.got.length, 0, 'a second session from the same address is refused');
      assert.equal(r.stats().listeners[0]!.counters.rejected, 1);
    } finally {
      a.sock.close();
      d.sock.close();
    }
  });
  it('routes coalesced Initials (the ClientHello over two packets in one datagram) by SNI, with PROXY v2 in front', async () => {
    const [a, d] = await Promise.all([udpBackend('A'), udpBackend('D')]);
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', routes: [{ sni: 'h3.example', pool: 'a' }], default: 'd' }],
        pools: { a: { proxy_protocol: 'v2', servers: [`127.0.0.1:${a.port}`] }, d: { servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      const port = r.ports().u!;
      for (const version of [QUIC_V1, QUIC_V2]) {
        const dcid = Buffer.from(version === QUIC_V1 ? '8899aabbccddeeff' : '0102030405060708', 'hex');
        const hs = buildHello([sniExt('h3.example'), alpnExt(['h3'])]).subarray(5);
        const both = Buffer.concat([
          initialPacket(version, dcid, 0, cryptoFrame(0, hs.subarray(0, 60)), 400),
          initialPacket(version, dcid, 1, cryptoFrame(60, hs.subarray(60)), 400),
        ]);
        const n = a.got.length;
        assert.match(await udpAsk(port, both), /^A:/, `QUIC ${version === QUIC_V1 ? 'v1' : 'v2'}`);
        const got = a.got[n]!;
        const hdr = encodeProxyHeader('v2', { sourceAddress: '127.0.0.1', sourcePort: 0, destAddress: '127.0.0.1', destPort: port }, 'h3.example', true);
        assert.deepEqual(got.subarray(0, 12), hdr.subarray(0, 12), 'PROXY v2 signature');
        assert.equal(got[13], 0x12, 'AF_INET + DGRAM');
        assert.ok(got.includes(Buffer.from('h3.example')), 'the SNI as PP2_TYPE_AUTHORITY');
        assert.deepEqual(got.subarray(got.length - both.length), both, 'the datagram itself, unchanged, after the header');
      }
      assert.equal(d.got.length, 0);
    } finally {
      a.sock.close();
      d.sock.close();
    }
  });
  it('closes a session whose upstream is unreachable (ICMP) and counts a passive failure; replies count as activity', async () => {
    const gone = await freeUdpPort();
    const echo = createSocket('udp4');
    echo.on('message', (_m, rinfo) => {
      let n = 0;
      const t = setInterval(() => { echo.send('tick', rinfo.port, rinfo.address); if (++n === 5) clearInterval(t); }, 200);
    });
    await new Promise<void>((res) => echo.bind(0, '127.0.0.1', () => res()));
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [
          { name: 'dead', protocol: 'udp', listen: '127.0.0.1:0', peek: 'none', default: 'x' },
          { name: 'live', protocol: 'udp', listen: '127.0.0.1:0', peek: 'none', idle_timeout: '600ms', default: 'e' },
        ],
        pools: { x: { servers: [`127.0.0.1:${gone}`], max_fails: 1 }, e: { servers: [`127.0.0.1:${echo.address().port}`] } },
      }));
      relays.push(r);
      await r.start();
      const events: ConnectionEvent[] = [];
      const onEvent = (e: unknown): void => void events.push(e as ConnectionEvent);
      subscribe('gdns:relay:connection', onEvent);
      try {
        const c = createSocket('udp4');
        await new Promise<void>((res) => c.bind(0, '127.0.0.1', () => res()));
        c.send(Buffer.from('anyone there?'), r.ports().dead!, '127.0.0.1');
        await sleep(100);
        c.send(Buffer.from('anyone there?'), r.ports().dead!, '127.0.0.1');
        for (let i = 0; i < 40 && events.length === 0; i++) await sleep(50);
        assert.equal(events[0]?.end, 'upstream error: ECONNREFUSED');
        assert.equal(r.stats().pools.find((p) => p.name === 'x')!.upstreams[0]!.failures, 1);
        // the live session: the client sends once, the upstream keeps sending (as QUIC servers do)
        let replies = 0;
        c.on('message', () => { replies++; });
        c.send(Buffer.from('hello'), r.ports().live!, '127.0.0.1');
        await sleep(1200); // ticks every 200 ms for 1 s: the 600 ms idle timeout must not fire
        const liveStats = (): number => r.stats().listeners.find((l) => l.name === 'live')!.counters.active;
        assert.equal(liveStats(), 1, 'replies keep the session alive');
        assert.ok(replies >= 4, `${replies} ticks reached the client`);
        await sleep(1000);
        assert.equal(liveStats(), 0, 'idle 600 ms after the last tick');
        c.close();
        const done = events.find((e) => e.listener === 'live');
        assert.equal(done?.end, 'idle-timeout');
        assert.equal(done?.bytesUp, 5);
        assert.equal(done?.bytesDown, replies * 4);
      } finally {
        unsubscribe('gdns:relay:connection', onEvent);
      }
    } finally {
      echo.close();
    }
  });

  it('relays many clients\' sessions both ways, counts every byte, and keeps a session alive on client traffic alone', async () => {
    const d = await udpBackend('D');
    const silent = createSocket('udp4'); // an upstream that never answers
    const heard: Buffer[] = [];
    silent.on('message', (m) => heard.push(m));
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
    const events: ConnectionEvent[] = [];
    const onEvent = (e: unknown): void => void events.push(e as ConnectionEvent);
    subscribe('gdns:relay:connection', onEvent);
    const clients: Socket[] = [];
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [
          { name: 'u', protocol: 'udp', listen: '127.0.0.1:0', peek: 'none', idle_timeout: '500ms', default: 'd' },
          { name: 's', protocol: 'udp', listen: '127.0.0.1:0', peek: 'none', idle_timeout: '500ms', default: 's' },
        ],
        pools: { d: { servers: [`127.0.0.1:${d.port}`] }, s: { servers: [`127.0.0.1:${silent.address().port}`] } },
      }));
      relays.push(r);
      await r.start();
      const replies = new Map<Socket, string[]>();
      for (let k = 0; k < 30; k++) {
        const c = createSocket('udp4');
        await new Promise<void>((res) => c.bind(0, '127.0.0.1', () => res()));
        replies.set(c, []);
        c.on('message', (m) => replies.get(c)!.push(m.toString()));
        clients.push(c);
      }
      for (let n = 0; n < 10; n++) {
        for (const c of clients) c.send(Buffer.from(`dgram${n}`), r.ports().u!, '127.0.0.1');
        for (let t = 0; t < 40 && [...replies.values()].some((v) => v.length < n + 1); t++) await sleep(10);
      }
      for (const got of replies.values()) assert.deepEqual(got.sort(), Array.from({ length: 10 }, (_, n) => `D:gram${n}`).sort());
      assert.equal(d.got.length, 300);
      const lone = clients[0]!;
      for (let n = 0; n < 8; n++) { lone.send(Buffer.from('ping'), r.ports().s!, '127.0.0.1'); await sleep(150); }
      const active = (name: string): number => r.stats().listeners.find((l) => l.name === name)!.counters.active;
      assert.equal(heard.length, 8);
      assert.equal(active('s'), 1, 'client datagrams every 150 ms keep a 500 ms idle session open');
      for (let t = 0; t < 40 && (active('u') > 0 || active('s') > 0); t++) await sleep(50);
      assert.equal(active('u'), 0);
      assert.equal(active('s'), 0);
      const ended = events.filter((e) => e.listener === 'u');
      assert.equal(ended.length, 30);
      for (const e of ended) {
        assert.equal(e.end, 'idle-timeout');
        assert.equal(e.bytesUp, 60, '10 datagrams of 6 bytes, whichever side carried them');
        assert.equal(e.bytesDown, 70);
      }
      assert.equal(events.find((e) => e.listener === 's')?.bytesUp, 32);
      const u = r.stats().listeners.find((l) => l.name === 'u')!;
      assert.equal(u.routes.default!.bytesUp, 1800);
      assert.equal(u.routes.default!.bytesDown, 2100);
    } finally {
      unsubscribe('gdns:relay:connection', onEvent);
      for (const c of clients) c.close();
      d.sock.close();
      silent.close();
    }
  });

  it('keeps a routed session on its one upstream socket past client_hello_timeout', async () => {
    const d = await udpBackend('D');
    const c = createSocket('udp4');
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', client_hello_timeout: '200ms', default: 'd' }],
        pools: { d: { servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      await new Promise<void>((res) => c.bind(0, '127.0.0.1', () => res()));
      let replies = 0;
      c.on('message', () => { replies++; });
      for (let n = 0; n < 10; n++) { c.send(Buffer.from(`tick${n}`), r.ports().u!, '127.0.0.1'); await sleep(100); }
      for (let t = 0; t < 20 && replies < 10; t++) await sleep(25);
      assert.equal(replies, 10);
      const st = r.stats();
      assert.equal(st.listeners[0]!.counters.helloTimeouts, 0, 'the hello deadline is over once the session is routed');
      assert.equal(st.pools[0]!.upstreams[0]!.connections, 1, 'one upstream socket for the whole session');
      assert.equal(st.listeners[0]!.counters.active, 1);
      assert.equal(new Set(d.got.map(String)).size, 10);
    } finally {
      c.close();
      d.sock.close();
    }
  });

  it('sends malformed and truncated QUIC Initials to the default route, then relays the session\'s datagrams', async () => {
    const [a, d] = await Promise.all([udpBackend('A'), udpBackend('D')]);
    try {
      const r = new RelayServer(relayOptionsFromConfig({
        listeners: [{ name: 'q', protocol: 'udp', listen: '127.0.0.1:0', client_hello_timeout: '300ms', routes: [{ sni: 'h3.example', pool: 'a' }], default: 'd' }],
        pools: { a: { servers: [`127.0.0.1:${a.port}`] }, d: { servers: [`127.0.0.1:${d.port}`] } },
      }));
      relays.push(r);
      await r.start();
      const port = r.ports().q!;
      const dcid = Buffer.from('0011223344556677', 'hex');
      const good = initialPacket(1, dcid, 0, cryptoFrame(0, buildHello([sniExt('h3.example')]).subarray(5)));
      const bad = [
        Buffer.from([0xc3, 0, 0, 0, 1]), // a long header cut after the version
        Buffer.concat([good.subarray(0, 40), Buffer.alloc(200, 0xff)]), // keys derive, decryption fails
        Buffer.from([0xc0, 0, 0, 0, 1, 255, ...Buffer.alloc(30)]), // connection ID length 255
        Buffer.alloc(1200), // zeros: a short header
      ];
      for (const [k, m] of bad.entries()) {
        const c = createSocket('udp4');
        await new Promise<void>((res) => c.bind(0, '127.0.0.1', () => res()));
        const got: string[] = [];
        c.on('message', (x) => got.push(x.toString()));
        c.send(m, port, '127.0.0.1');
        for (let t = 0; t < 40 && got.length === 0; t++) await sleep(25);
        for (const n of [1, 2, 3]) c.send(Buffer.from(`later${n}`), port, '127.0.0.1');
        for (let t = 0; t < 40 && got.length < 4; t++) await sleep(25);
        c.close();
        assert.equal(got.length, 4, `datagram ${k}: ${got.join(',')}`);
        assert.deepEqual(got.slice(1).sort(), ['D:ater1', 'D:ater2', 'D:ater3']);
      }
      assert.equal(a.got.length, 0);
      assert.equal(r.stats().listeners[0]!.counters.active, bad.length);
    } finally {
      a.sock.close();
      d.sock.close();
    }
  });
});

// A child process without the addon: the UDP listener runs on node:dgram both ways.
const CHILD = `
import { createSocket } from 'node:dgram';
import { nativeStatus } from ${JSON.stringify(new URL('../native/index.ts', import.meta.url).pathname)};
import { relayOptionsFromConfig, RelayServer } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
const back = createSocket('udp4');
back.on('message', (m, r) => back.send(Buffer.concat([Buffer.from('B:'), m]), r.port, r.address));
await new Promise((r) => back.bind(0, '127.0.0.1', r));
const relay = new RelayServer(relayOptionsFromConfig({
  listeners: [{ name: 'u', protocol: 'udp', listen: '127.0.0.1:0', peek: 'none', default: 'd' }],
  pools: { d: { servers: ['127.0.0.1:' + back.address().port] } },
}));
await relay.start();
const c = createSocket('udp4');
const got = [];
c.on('message', (m) => got.push(m.toString()));
for (const m of ['one', 'two', 'three']) {
  c.send(m, relay.ports().u, '127.0.0.1');
  for (let t = 0; t < 100 && !got.includes('B:' + m); t++) await new Promise((r) => setTimeout(r, 20));
}
const st = relay.stats().listeners[0];
c.close();
await relay.close({ drainTimeoutMs: 0 });
back.close();
console.log(JSON.stringify({ status: nativeStatus(), got, active: st.counters.active }));
process.exit(0);
`;

describe('UDP relay without the addon', { timeout: 30_000 }, () => {
  it('runs a session on node:dgram both ways', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gdns-relay-udp-'));
    try {
      const file = join(tmp, 'child.mts');
      writeFileSync(file, CHILD);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
        encoding: 'utf8', timeout: 20_000, env: { ...process.env, GEODESIC_NATIVE_PATH: '/nonexistent/geodesic_native.node' },
      });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { status: { available: boolean }; got: string[]; active: number };
      assert.equal(out.status.available, false);
      assert.deepEqual(out.got, ['B:one', 'B:two', 'B:three']);
      assert.equal(out.active, 1, 'one session for the three datagrams');
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  });
});

import { describe, it as test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { RELAY_ENDS, RelayEvent, addressRecord, nativeRelay, nativeRelayStatus } from './index.js';
import type { NativeListener, RelayEventKind } from './index.js';
import { client, pattern, readAll, sha } from './test-relay-kit.js';

const status = nativeRelayStatus();
const skip = status.available ? false : `native relay loop unavailable: ${status.reason}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const echo = (s: Socket): void => { s.on('error', () => undefined); s.pipe(s); };

interface Ev { kind: RelayEventKind; id: number; a: number; b: number; c: number; bytes?: string }
interface End { end: string; errno: number; bytesUp: number; bytesDown: number }

interface Rig {
  readonly port: number;
  readonly backPort: number;
  readonly events: Ev[];
  readonly ends: End[];
  readonly listener: NativeListener;
  ended(n: number, ms: number): Promise<End[]>;
  close(): Promise<void>;
}

interface RigOptions {
  /** what JS does with each event (default: connect to the backend at the first data event, head first) */
  decide?: (e: Ev, r: Rig) => void;
  acceptEvents?: boolean;
  helloMs?: number;
  idleMs?: number;
  head?: Buffer;
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

/** A native listener on loopback in front of `backend`, with a small decision policy in JS. */
async function rig(backend: (s: Socket) => void, o: RigOptions = {}): Promise<Rig> {
  const relay = nativeRelay();
  if (!relay) throw new Error('no native relay');
  const open = new Set<Socket>();
  const back = createServer({ allowHalfOpen: true }, (s) => { open.add(s); s.once('close', () => open.delete(s)); backend(s); });
  const backPort = await listen(back);
  const events: Ev[] = [];
  const ends: End[] = [];
  let wake: (() => void) | undefined;
  const connect = (id: number): number => relay.connect(id, addressRecord('127.0.0.1', backPort), o.head, 2000, o.idleMs ?? 0, 0, 0, true);
  const decide = o.decide ?? ((e: Ev): void => {
    if (e.kind === RelayEvent.data || e.kind === RelayEvent.accept) assert.equal(connect(e.id), 0);
  });
  const holder: { rig?: Rig } = {};
  const listener = relay.listen('127.0.0.1', 0, 128, (kind, id, a, b, c, d, e, data) => {
    const ev: Ev = { kind, id, a, b, c };
    if (kind === RelayEvent.data) ev.bytes = data.toString('latin1', a, a + b);
    events.push(ev);
    if (kind === RelayEvent.closed) {
      ends.push({ end: RELAY_ENDS[a] ?? '?', errno: b, bytesUp: c, bytesDown: d });
      void e;
      wake?.();
      return;
    }
    decide(ev, holder.rig as Rig);
  });
  listener.configure(o.acceptEvents ?? false, true, o.helloMs ?? 5000, 4096);
  const self: Rig = {
    port: listener.port, backPort, events, ends, listener,
    ended(n, ms) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${ends.length}/${n} connections ended after ${ms} ms`)), ms);
        const check = (): void => { if (ends.length >= n) { clearTimeout(t); resolve(ends); } };
        wake = check;
        check();
      });
    },
    async close() {
      listener.stop(true);
      for (const s of open) s.destroy();
      await new Promise((r) => back.close(r));
    },
  };
  holder.rig = self;
  return self;
}

describe('native relay loop', { skip, timeout: 120_000 }, () => {
  const it = (name: string, fn: () => Promise<void>): void => void test(name, { timeout: 20_000 }, fn);
  const relay = nativeRelay();

  it('moves 24 MiB each way at once (echo) with intact bytes, head first; head bytes not counted', async () => {
    const r = await rig(echo, { head: Buffer.from('PROXY hello ') });
    try {
      const c = await client(r.port);
      const data = pattern(24 << 20, 1);
      const got = readAll(c, 20_000);
      c.end(data);
      const back = await got;
      assert.equal(back.length, data.length + 12);
      assert.equal(back.subarray(0, 12).toString(), 'PROXY hello ');
      assert.equal(sha(back.subarray(12)), sha(data));
      const [res] = await r.ended(1, 5000);
      assert.deepEqual(res, { end: 'closed', errno: 0, bytesUp: data.length, bytesDown: data.length + 12 });
      c.destroy();
    } finally { await r.close(); }
  });

  it('moves a 32 MiB download made by the upstream (server speaks first: connected at accept)', async () => {
    const data = pattern(32 << 20, 2);
    const r = await rig((s) => { s.on('error', () => undefined); s.end(data); }, { acceptEvents: true });
    try {
      const c = await client(r.port);
      const back = await readAll(c, 20_000);
      assert.equal(sha(back), sha(data));
      c.end();
      const [res] = await r.ended(1, 5000);
      assert.deepEqual([res?.end, res?.bytesDown, res?.bytesUp], ['closed', data.length, 0]);
      assert.deepEqual(r.events.map((e) => e.kind), [RelayEvent.accept, RelayEvent.connected, RelayEvent.closed]);
    } finally { await r.close(); }
  });

  it('passes the client FIN on and keeps the other direction open (half-close)', async () => {
    const r = await rig((s) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => setTimeout(() => s.end(`after FIN: ${Buffer.concat(parts).toString()}`), 100));
    });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      c.end('ping');
      assert.equal((await got).toString(), 'after FIN: ping');
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.end, 'closed');
      c.destroy();
    } finally { await r.close(); }
  });

  it('passes the upstream FIN on while the client keeps sending', async () => {
    let received = '';
    let upDone!: () => void;
    const upEnded = new Promise<void>((res) => { upDone = res; });
    const r = await rig((s) => { s.end('bye'); s.on('data', (d: Buffer) => { received += d.toString(); }); s.on('end', upDone); });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      c.write('go|');
      assert.equal((await got).toString(), 'bye');
      c.write('still ');
      await sleep(50);
      c.end('here');
      await upEnded;
      assert.equal(received, 'go|still here');
      const [res] = await r.ended(1, 5000);
      assert.deepEqual([res?.end, res?.bytesUp, res?.bytesDown], ['closed', 13, 3]);
      c.destroy();
    } finally { await r.close(); }
  });

  it('closes both sides after the idle timeout, and traffic keeps it open', async () => {
    let upEnded!: () => void;
    const upstreamFin = new Promise<void>((res) => { upEnded = res; });
    const r = await rig((s) => { s.on('error', () => undefined); s.on('end', upEnded); s.pipe(s); }, { idleMs: 300 });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      const t0 = Date.now();
      for (let i = 0; i < 6; i++) { c.write('x'); await sleep(100); }
      assert.equal(r.ends.length, 0, 'closed while traffic was flowing');
      const back = await got;
      const waited = Date.now() - t0;
      assert.equal(back.toString(), 'xxxxxx');
      assert.ok(waited >= 800 && waited < 3000, `closed after ${waited} ms`);
      const [res] = await r.ended(1, 2000);
      assert.equal(res?.end, 'idle-timeout');
      await upstreamFin;
      c.destroy();
    } finally { await r.close(); }
  });

  it('stops reading the upstream while the client does not read (backpressure), then delivers all', async () => {
    const data = pattern(64 << 20, 3);
    let handed = 0;
    const r = await rig((s) => {
      s.on('error', () => undefined);
      let off = 0;
      const more = (): void => {
        while (off < data.length) {
          const chunk = data.subarray(off, off + 65536);
          off += chunk.length;
          handed = off;
          if (!s.write(chunk)) return void s.once('drain', more);
        }
        s.end();
      };
      more();
    }, { acceptEvents: true });
    try {
      const c = await client(r.port);
      c.pause();
      await sleep(500);
      const a = handed;
      await sleep(300);
      assert.equal(handed, a, 'the upstream kept writing towards a client that reads nothing');
      assert.ok(a < 48 << 20, `${a} bytes left the upstream towards a paused client`);
      const got = readAll(c, 20_000);
      c.resume();
      assert.equal(sha(await got), sha(data));
      c.end();
      await r.ended(1, 5000);
    } finally { await r.close(); }
  });

  it('runs 100 connections at once with intact bytes and frees them all', async () => {
    const r = await rig(echo);
    try {
      await Promise.all(Array.from({ length: 100 }, async (_, i) => {
        const c = await client(r.port);
        const data = pattern(256 * 1024 + i, 100 + i);
        const got = readAll(c, 20_000);
        c.end(data);
        assert.equal(sha(await got), sha(data));
        c.destroy();
      }));
      const res = await r.ended(100, 10_000);
      assert.ok(res.every((x) => x.end === 'closed'));
      assert.equal(r.listener.stats().open, 0);
      assert.equal(relay?.info().connections, 0);
    } finally { await r.close(); }
  });

  it('peeks the client bytes on every new segment and relays them (they stay in the kernel)', async () => {
    const r = await rig(echo, {
      decide: (e, rr) => {
        if (e.kind === RelayEvent.data && e.bytes === 'abcd') assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', rr.backPort), undefined, 2000, 0, 0, 0, true), 0);
      },
    });
    try {
      const c = await client(r.port);
      c.setNoDelay(true);
      const got = readAll(c, 5000);
      c.write('ab');
      await sleep(80);
      c.write('cd');
      await sleep(80);
      c.end('|e');
      assert.equal((await got).toString(), 'abcd|e');
      assert.deepEqual(r.events.filter((e) => e.kind === RelayEvent.data).map((e) => [e.bytes, e.c]), [['ab', 0], ['abcd', 0]]);
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.bytesUp, 6);
    } finally { await r.close(); }
  });

  it('consumes an inbound header before relaying, reports the client address, and tells accepts first', async () => {
    let addr: [string, number] | undefined;
    const r = await rig(echo, {
      acceptEvents: true,
      decide: (e, rr) => {
        if (e.kind === RelayEvent.accept) { addr = relay?.address(e.id, false); relay?.peek(e.id); }
        if (e.kind === RelayEvent.data && e.bytes?.includes('|')) {
          assert.equal(relay?.consume(e.id, 4), 0);
          assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', rr.backPort), Buffer.from('H:'), 2000, 0, 0, 0, true), 0);
        }
      },
    });
    try {
      const c = await client(r.port);
      const local = c.localPort;
      const got = readAll(c, 5000);
      c.end('HDR|payload');
      assert.equal((await got).toString(), 'H:payload');
      assert.deepEqual(addr, ['127.0.0.1', local]);
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.bytesUp, 7);
    } finally { await r.close(); }
  });

  it('reports a refused connect, keeps the client, and connects to the next server', async () => {
    const dead = createServer();
    const deadPort = await listen(dead);
    await new Promise((res) => dead.close(res));
    const r = await rig(echo, {
      decide: (e, rr) => {
        if (e.kind === RelayEvent.data) assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', deadPort), undefined, 2000, 0, 0, 0, true), 0);
        if (e.kind === RelayEvent.connectFailed) assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', rr.backPort), undefined, 2000, 0, 0, 0, true), 0);
      },
    });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      c.end('retry');
      assert.equal((await got).toString(), 'retry');
      const failed = r.events.find((e) => e.kind === RelayEvent.connectFailed);
      assert.equal(failed?.a, 111); // ECONNREFUSED
    } finally { await r.close(); }
  });

  it('closes with a FIN when asked (no route), and hello timeouts reach JS', async () => {
    const r = await rig(echo, {
      helloMs: 150,
      decide: (e) => {
        if (e.kind === RelayEvent.data || e.kind === RelayEvent.timeout) relay?.close(e.id, true);
      },
    });
    try {
      const c = await client(r.port);
      let reset = false;
      c.on('error', () => { reset = true; });
      c.write('no route for this');
      assert.equal((await readAll(c, 3000)).length, 0);
      assert.equal(reset, false, 'a reset instead of a FIN');
      const t0 = Date.now();
      const quiet = await client(r.port);
      await readAll(quiet, 3000);
      const waited = Date.now() - t0;
      assert.ok(waited >= 140 && waited < 2000, `hello timeout after ${waited} ms`);
      assert.ok(r.events.some((e) => e.kind === RelayEvent.timeout));
      const res = await r.ended(2, 3000);
      assert.ok(res.every((x) => x.end === 'aborted'));
      c.destroy();
      quiet.destroy();
    } finally { await r.close(); }
  });

  it('reports an upstream reset as an upstream error and closes the client', async () => {
    const r = await rig((s) => { s.on('error', () => undefined); setTimeout(() => s.resetAndDestroy(), 100); }, { acceptEvents: true });
    try {
      const c = await client(r.port);
      c.on('error', () => undefined);
      await readAll(c, 3000);
      const [res] = await r.ended(1, 3000);
      assert.deepEqual([res?.end, res?.errno], ['upstream-error', 104]); // ECONNRESET
      c.destroy();
    } finally { await r.close(); }
  });

  it('ends open connections when the listener stops with abort, and refuses a port in use', async () => {
    const r = await rig(echo);
    try {
      const c = await client(r.port);
      const got = readAll(c, 3000);
      c.write('x');
      await sleep(100);
      r.listener.stop(true);
      await got;
      const [res] = await r.ended(1, 3000);
      assert.equal(res?.end, 'aborted');
      c.destroy();
      const other = await rig(echo);
      try {
        assert.throws(() => relay?.listen('127.0.0.1', other.port, 16, () => undefined), { code: 'EADDRINUSE' });
      } finally { await other.close(); }
    } finally { await r.close(); }
  });

  it('listens dual-stack on ::, names IPv4 clients ::ffff:a.b.c.d, and connects to IPv6 upstreams', async () => {
    const { connect: tcp } = await import('node:net');
    const back = createServer((s) => { s.on('error', () => undefined); s.end('v6 backend'); });
    const backPort = await new Promise<number>((res, rej) => {
      back.once('error', rej);
      back.listen(0, '::1', () => res((back.address() as AddressInfo).port));
    }).catch(() => 0);
    if (backPort === 0) return; // no IPv6 loopback on this machine
    const seen: string[] = [];
    const listener = relay!.listen('::', 0, 16, (kind, id) => {
      if (kind === RelayEvent.accept) {
        seen.push(relay!.address(id, false)?.[0] ?? '?');
        assert.equal(relay!.connect(id, addressRecord('::1', backPort), undefined, 2000, 0, 0, 0, true), 0);
      }
    });
    listener.configure(true, true, 5000, 4096);
    try {
      for (const host of ['127.0.0.1', '::1']) {
        const got = await new Promise<string>((resolve) => {
          const c = tcp({ port: listener.port, host }, () => c.end());
          let data = '';
          c.on('data', (d: Buffer) => (data += d.toString()));
          c.on('close', () => resolve(data));
          c.on('error', () => resolve('error'));
        });
        assert.equal(got, 'v6 backend', `from ${host}`);
      }
      assert.deepEqual(seen, ['::ffff:127.0.0.1', '::1']);
    } finally {
      listener.stop(true);
      await new Promise((res) => back.close(res));
    }
  });

  it('gives up a connect that gets no answer at the connect deadline (ETIMEDOUT), and ends a connection at its total deadline', async () => {
    // a listener that never accepts, its queue already full: further SYNs are dropped
    const { spawn } = await import('node:child_process');
    const py = spawn('python3', ['-c', [
      'import socket, sys, time',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'held = []',
      'for _ in range(4):',
      '  c = socket.socket(); c.setblocking(False)',
      '  try: c.connect(s.getsockname())',
      '  except BlockingIOError: pass',
      '  held.append(c)',
      'print(s.getsockname()[1], flush=True); time.sleep(30)',
    ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const blackhole = await new Promise<number>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      let t0 = 0;
      const r = await rig(echo, {
        decide: (e, rr) => {
          if (e.kind === RelayEvent.data && e.bytes === 'x') { t0 = Date.now(); assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', blackhole), undefined, 300, 0, 0, 0, true), 0); }
          if (e.kind === RelayEvent.connectFailed) assert.equal(relay?.connect(e.id, addressRecord('127.0.0.1', rr.backPort), undefined, 2000, 0, 400, 0, true), 0);
        },
      });
      try {
        const c = await client(r.port);
        const got = readAll(c, 5000);
        c.write('x');
        const failed = await new Promise<Ev>((resolve) => {
          const check = (): void => { const f = r.events.find((e) => e.kind === RelayEvent.connectFailed); if (f) resolve(f); else setTimeout(check, 20); };
          check();
        });
        const waited = Date.now() - t0;
        assert.equal(failed.a, 110, 'ETIMEDOUT'); // ETIMEDOUT
        assert.ok(waited >= 280 && waited < 2000, `connect deadline after ${waited} ms`);
        for (let i = 0; i < 10; i++) { c.write('y'); await sleep(100); } // traffic does not extend the total deadline
        await got;
        const [res] = await r.ended(1, 3000);
        assert.equal(res?.end, 'total-timeout');
        c.destroy();
      } finally { await r.close(); }
    } finally {
      py.kill();
    }
  });

  it('is off with GEODESIC_NATIVE_RELAY=0', () => {
    process.env['GEODESIC_NATIVE_RELAY'] = '0';
    try {
      assert.equal(nativeRelay(), null);
      assert.deepEqual(nativeRelayStatus(), { available: false, reason: 'GEODESIC_NATIVE_RELAY=0' });
    } finally { delete process.env['GEODESIC_NATIVE_RELAY']; }
    return Promise.resolve();
  });
});

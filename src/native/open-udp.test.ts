import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { nativeStatus, openUdp, peerAddress, peerPort, UdpBindError } from './index.js';
import type { UdpBatch } from './index.js';
import { idOf, query, testClient, UDP_PATHS } from './test-client.js';

/** Copies each query into its reply slot and sets QR (a DNS-shaped echo). */
function echo(b: UdpBatch): void {
  for (let i = 0; i < b.count; i++) {
    const len = b.rxLen[i] ?? 0;
    b.tx.set(b.rx.subarray(i * b.slot, i * b.slot + len), i * b.slot);
    if (len > 2) b.tx[i * b.slot + 2] = (b.tx[i * b.slot + 2] ?? 0) | 0x80;
    b.txLen[i] = len;
  }
}

const status = nativeStatus();
const PATHS = UDP_PATHS;

for (const path of PATHS) {
  describe(`openUdp (${path.name} path)`, { skip: path.skip, timeout: 20_000 }, () => {
    const open = (host: string, handler: (b: UdpBatch) => void, extra: { slot?: number } = {}) =>
      openUdp({ host, port: 0, fallback: path.fallback, ...extra }, handler);

    it('answers over IPv4 and reports the path and the peer', async () => {
      const peers: string[] = [];
      const ep = await open('127.0.0.1', (b) => {
        for (let i = 0; i < b.count; i++) peers.push(`${peerAddress(b, i)} ${peerPort(b, i)}`);
        echo(b);
      });
      const c = await testClient('127.0.0.1', ep.port);
      try {
        assert.equal(ep.native, !path.fallback);
        assert.ok(ep.port > 0);
        c.send(query(0x1234, 5));
        const [r] = await c.waitFor(1, 2000);
        assert.ok(r, 'no reply');
        assert.equal(idOf(r), 0x1234);
        assert.equal(r.length, 17);
        assert.equal((r[2] ?? 0) & 0x80, 0x80);
        assert.deepEqual(peers, [`127.0.0.1 ${c.port}`]);
      } finally { await c.close(); await ep.close(); }
    });

    it('answers over IPv6 (::1)', async () => {
      const peers: string[] = [];
      const ep = await open('::1', (b) => {
        for (let i = 0; i < b.count; i++) peers.push(`${peerAddress(b, i)} ${peerPort(b, i)} ${b.addr[i * 20]}`);
        echo(b);
      });
      const c = await testClient('::1', ep.port);
      try {
        c.send(query(7));
        const [r] = await c.waitFor(1, 2000);
        assert.ok(r, 'no reply');
        assert.equal(idOf(r), 7);
        assert.deepEqual(peers, [`::1 ${c.port} 6`]);
      } finally { await c.close(); await ep.close(); }
    });

    it('answers many packets from several clients, each to its sender', async () => {
      let maxBatch = 0;
      const ep = await open('127.0.0.1', (b) => { maxBatch = Math.max(maxBatch, b.count); echo(b); });
      const clients = await Promise.all([0, 1, 2, 3].map(() => testClient('127.0.0.1', ep.port)));
      try {
        const per = 500;
        for (let k = 0; k < per; k += 100) { // windows of 100 per client keep loopback buffers from overflowing
          for (const [n, c] of clients.entries()) for (let j = k; j < k + 100; j++) c.send(query(n * 1000 + j));
          await Promise.all(clients.map((c) => c.waitFor(k + 100, 5000)));
        }
        for (const [n, c] of clients.entries()) {
          const got = (await c.waitFor(per, 5000)).map(idOf).sort((a, b) => a - b);
          assert.equal(got.length, per, `client ${n} got ${got.length}`);
          assert.deepEqual(got, Array.from({ length: per }, (_, j) => n * 1000 + j));
        }
        if (!path.fallback) assert.ok(maxBatch > 1, `native batches should hold several packets (max ${maxBatch})`);
        assert.equal(ep.stats().rxPackets, 4 * per);
      } finally { await Promise.all(clients.map((c) => c.close())); await ep.close(); }
    });

    it('drops oversized datagrams and passes empty ones', async () => {
      const lens: number[] = [];
      const ep = await open('127.0.0.1', (b) => {
        for (let i = 0; i < b.count; i++) lens.push(b.rxLen[i] ?? -1);
        echo(b);
        for (let i = 0; i < b.count; i++) if (b.rxLen[i] === 0) { b.tx[i * b.slot] = 0x45; b.txLen[i] = 1; }
      }, { slot: 512 });
      const c = await testClient('127.0.0.1', ep.port);
      try {
        c.send(query(1, 600 - 12));
        c.send(new Uint8Array(0));
        c.send(query(2, 500));
        const got = await c.waitFor(2, 2000);
        await c.waitFor(3, 200); // nothing more may come
        assert.deepEqual(got.map((r) => r.length), [1, 512]);
        assert.deepEqual(lens, [0, 512]);
        assert.equal(ep.stats().droppedOversize, 1);
      } finally { await c.close(); await ep.close(); }
    });

    it('sends nothing for packets the handler drops (txLen 0)', async () => {
      const ep = await open('127.0.0.1', (b) => {
        echo(b);
        for (let i = 0; i < b.count; i++) if ((b.rx[i * b.slot + 1] ?? 0) % 2 === 1) b.txLen[i] = 0;
      });
      const c = await testClient('127.0.0.1', ep.port);
      try {
        for (let id = 0; id < 40; id++) c.send(query(id));
        await c.waitFor(20, 2000);
        const got = await c.waitFor(21, 300);
        assert.deepEqual(got.map(idOf).sort((a, b) => a - b), Array.from({ length: 20 }, (_, k) => 2 * k));
      } finally { await c.close(); await ep.close(); }
    });

    it('closes from inside a busy handler: that batch is answered, nothing is handled after', async () => {
      let batches = 0;
      let afterClose = 0;
      let closing: Promise<void> | undefined;
      const ep = await open('127.0.0.1', (b) => {
        if (closing) { afterClose++; return; }
        batches++;
        echo(b);
        closing = ep.close();
      });
      const c = await testClient('127.0.0.1', ep.port);
      try {
        for (let id = 0; id < 300; id++) c.send(query(id));
        const got = await c.waitFor(1, 2000);
        assert.ok(got.length >= 1);
        await closing;
        await c.waitFor(1000, 200);
        assert.equal(batches, 1);
        assert.equal(afterClose, 0);
        const again = createSocket('udp4');
        await new Promise<void>((resolve, reject) => { again.once('error', reject); again.bind(ep.port, '127.0.0.1', resolve); });
        again.close();
      } finally { await c.close(); await ep.close(); }
    });

    it('binds 0.0.0.0 and :: on the same port, each answering its own family', async () => {
      const v4 = await open('0.0.0.0', (b) => { echo(b); b.tx[0] = 4; });
      let v6: Awaited<ReturnType<typeof open>> | undefined;
      try {
        v6 = await openUdp({ host: '::', port: v4.port, fallback: path.fallback }, (b) => { echo(b); b.tx[0] = 6; });
        const c4 = await testClient('127.0.0.1', v4.port);
        const c6 = await testClient('::1', v4.port);
        c4.send(query(1));
        c6.send(query(1));
        const [r4] = await c4.waitFor(1, 2000);
        const [r6] = await c6.waitFor(1, 2000);
        await c4.close();
        await c6.close();
        assert.equal(r4?.[0], 4);
        assert.equal(r6?.[0], 6);
      } finally { await v6?.close(); await v4.close(); }
    });

    it('an IPv6 socket takes no IPv4 traffic (IPV6_V6ONLY)', async () => {
      const ep = await open('::', echo);
      const c4 = await testClient('127.0.0.1', ep.port);
      const c6 = await testClient('::1', ep.port);
      try {
        c6.send(query(6));
        c4.send(query(4));
        assert.equal((await c6.waitFor(1, 2000)).length, 1);
        assert.equal((await c4.waitFor(1, 300)).length, 0);
      } finally { await c4.close(); await c6.close(); await ep.close(); }
    });

    it('close() is idempotent and frees the port', async () => {
      const ep = await open('127.0.0.1', echo);
      await Promise.all([ep.close(), ep.close()]);
      const again = await open('127.0.0.1', echo);
      await again.close();
      const reuse = await openUdp({ host: '127.0.0.1', port: ep.port, fallback: path.fallback }, echo);
      assert.equal(reuse.port, ep.port);
      await reuse.close();
    });

    it('rejects with an error naming host:port when the port is taken', async () => {
      const taken = createSocket('udp4');
      await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
      const port = taken.address().port;
      try {
        await assert.rejects(openUdp({ host: '127.0.0.1', port, fallback: path.fallback }, echo), (err: unknown) => {
          assert.ok(err instanceof UdpBindError);
          assert.equal(err.code, 'GDNS_ERR_UDP_BIND');
          assert.equal(err.syscallCode, 'EADDRINUSE');
          assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}.*EADDRINUSE`));
          return true;
        });
      } finally { taken.close(); }
    });

    it('rejects an address that is not local', async () => {
      await assert.rejects(openUdp({ host: '192.0.2.1', port: 0, fallback: path.fallback }, echo),
        /cannot open UDP 192\.0\.2\.1:0: EADDRNOTAVAIL/);
    });
  });
}

/** Child process: sends 1000 12-byte datagrams to 127.0.0.1:argv[1] and exits once they are out. */
const FLOOD = `const s = require('node:dgram').createSocket('udp4'); let n = 0; const q = Buffer.alloc(12);
  for (let k = 0; k < 1000; k++) s.send(q, Number(process.argv[1]), '127.0.0.1', () => { if (++n === 1000) s.close(); });`;

describe('native batch loop', { skip: status.available ? false : `addon unavailable: ${status.reason}`, timeout: 20_000 }, () => {
  it('yields to the event loop after 16 batches of a backlog', async () => {
    let tick = 0;
    let live = true;
    const spin = (): void => { tick++; if (live) setImmediate(spin); };
    spin();
    const perTick = new Map<number, number>();
    let first = true;
    let handled = 0;
    const ep = await openUdp({ host: '127.0.0.1', port: 0, batch: 8 }, (b) => {
      if (first) { // hold the loop while a child process queues a backlog in the socket
        first = false;
        const child = spawnSync(process.execPath, ['-e', FLOOD, String(portOf())], { timeout: 10_000 });
        assert.equal(child.status, 0, String(child.stderr));
      }
      handled += b.count;
      perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
      echo(b);
    });
    const portOf = (): number => ep.port;
    const c = await testClient('127.0.0.1', ep.port);
    try {
      c.send(query(1));
      for (let k = 0; k < 100 && handled < 1001; k++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(handled, 1001);
      const most = Math.max(...perTick.values());
      assert.equal(most, 16, `batches per loop turn: ${[...perTick.values()].join(',')}`);
    } finally { live = false; await c.close(); await ep.close(); }
  });
});

describe('nativeStatus', () => {
  it('says why when the addon is unavailable', () => {
    const s = nativeStatus();
    assert.equal(typeof s.available, 'boolean');
    assert.equal(s.available, s.reason === null);
  });
});

import { describe, it as test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { spliceInfo, spliceStatus } from './index.js';
import { client, pattern, readAll, rig, sha } from './splice-test-kit.js';

const status = spliceStatus();
const skip = status.available ? false : `splice pump unavailable: ${status.reason}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const echo = (s: Socket): void => { s.on('error', () => undefined); s.pipe(s); };

describe('splice pump', { skip, timeout: 60_000 }, () => {
  const it = (name: string, fn: () => Promise<void>): void => void test(name, { timeout: 15_000 }, fn);
  it('moves 24 MiB each way at once (echo) with intact bytes, head first', async () => {
    const r = await rig(echo, { head: [Buffer.from('PROXY '), Buffer.from('hello ')] });
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
      assert.deepEqual(res, { end: 'closed', code: undefined, bytesUp: data.length, bytesDown: data.length + 12 });
      c.destroy();
    } finally { await r.close(); }
  });

  it('moves a 32 MiB download made by the upstream with intact bytes', async () => {
    const data = pattern(32 << 20, 2);
    const r = await rig((s) => { s.on('error', () => undefined); s.end(data); });
    try {
      const c = await client(r.port);
      const back = await readAll(c, 20_000);
      assert.equal(sha(back), sha(data));
      c.end();
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.end, 'closed');
      assert.equal(res?.bytesDown, data.length);
      assert.equal(res?.bytesUp, 0);
    } finally { await r.close(); }
  });

  it('passes the client FIN on and keeps the other direction open (half-close)', async () => {
    let sawEnd = false;
    const r = await rig((s) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => { sawEnd = true; setTimeout(() => s.end(`after FIN: ${Buffer.concat(parts).toString()}`), 100); });
    });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      c.end('ping');
      assert.equal((await got).toString(), 'after FIN: ping');
      assert.ok(sawEnd);
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.end, 'closed');
      c.destroy();
    } finally { await r.close(); }
  });

  it('passes the upstream FIN on while the client keeps sending', async () => {
    let received = '';
    let upDone!: () => void;
    const upEnded = new Promise<void>((res) => { upDone = res; });
    const r = await rig((s) => {
      s.end('bye');
      s.on('data', (d: Buffer) => { received += d.toString(); });
      s.on('end', upDone);
    });
    try {
      const c = await client(r.port);
      assert.equal((await readAll(c, 5000)).toString(), 'bye');
      c.write('still ');
      await sleep(50);
      c.end('here');
      await upEnded;
      assert.equal(received, 'still here');
      const [res] = await r.ended(1, 5000);
      assert.deepEqual([res?.end, res?.bytesUp, res?.bytesDown], ['closed', 10, 3]);
      c.destroy();
    } finally { await r.close(); }
  });

  it('closes both sides after the idle timeout, and traffic keeps it open', async () => {
    let upEnded!: () => void;
    const upstreamFin = new Promise<void>((res) => { upEnded = res; });
    const r = await rig((s) => { s.on('error', () => undefined); s.on('end', upEnded); s.pipe(s); }, { idleTimeoutMs: 300 });
    try {
      const c = await client(r.port);
      const got = readAll(c, 5000);
      const t0 = Date.now();
      for (let i = 0; i < 6; i++) { c.write('x'); await sleep(100); }
      assert.equal(r.results.length, 0, 'closed while traffic was flowing');
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
    const r = await rig((s) => { s.on('error', () => undefined); s.end(data); });
    try {
      const c = await client(r.port);
      c.pause();
      await sleep(400);
      const a = r.pumps[0]?.stats().bytesDown ?? -1;
      await sleep(200);
      const b = r.pumps[0]?.stats().bytesDown ?? -1;
      assert.equal(a, b, 'bytes kept moving towards a client that reads nothing');
      assert.ok(a > 0 && a < 32 << 20, `${a} bytes went towards a paused client`);
      const got = readAll(c, 20_000);
      c.resume();
      assert.equal(sha(await got), sha(data));
      c.end();
      await r.ended(1, 5000);
    } finally { await r.close(); }
  });

  it('runs 100 pumps at once with intact bytes and releases them all', async () => {
    const r = await rig(echo);
    try {
      const jobs = Array.from({ length: 100 }, async (_, i) => {
        const c = await client(r.port);
        const data = pattern(256 * 1024 + i, 100 + i);
        const got = readAll(c, 20_000);
        c.end(data);
        assert.equal(sha(await got), sha(data));
        c.destroy();
      });
      await Promise.all(jobs);
      const res = await r.ended(100, 10_000);
      assert.ok(res.every((x) => x.end === 'closed'));
      const info = spliceInfo();
      assert.equal(info?.pumps, 0);
      assert.ok((info?.sparePipes ?? 0) > 0 && (info?.pipeBytes ?? 0) >= 65536);
    } finally { await r.close(); }
  });

  it('hands over bytes Node had already read from the client', async () => {
    const r = await rig((s) => { s.on('error', () => undefined); s.pipe(s); }, { head: [Buffer.from('H|')] }, 150);
    try {
      const c = await client(r.port);
      c.write('early|');
      await sleep(300); // the relay has read 'early|' into Node's buffer before the pump started
      const got = readAll(c, 5000);
      c.end('late');
      assert.equal((await got).toString(), 'H|early|late');
      const [res] = await r.ended(1, 5000);
      assert.equal(res?.bytesUp, 10);
      c.destroy();
    } finally { await r.close(); }
  });

  it('close() ends both sides at once (aborted)', async () => {
    let upClosed!: () => void;
    const upGone = new Promise<void>((res) => { upClosed = res; });
    const r = await rig((s) => { s.on('error', () => undefined); s.resume(); s.on('end', () => s.end()); s.on('close', upClosed); });
    try {
      const c = await client(r.port);
      c.write('x');
      await sleep(100);
      const fin = readAll(c, 3000);
      r.pumps[0]?.close();
      await fin;
      await upGone;
      const [res] = await r.ended(1, 3000);
      assert.equal(res?.end, 'aborted');
      c.destroy();
    } finally { await r.close(); }
  });

  it('reports an upstream reset as upstream-error and closes the client', async () => {
    const r = await rig((s) => { s.on('error', () => undefined); setTimeout(() => s.resetAndDestroy(), 100); });
    try {
      const c = await client(r.port);
      c.on('error', () => undefined);
      await readAll(c, 3000);
      const [res] = await r.ended(1, 3000);
      assert.equal(res?.end, 'upstream-error');
      assert.equal(res?.code, 'ECONNRESET');
      c.destroy();
    } finally { await r.close(); }
  });

  it('is off with GEODESIC_SPLICE=0: startSplicePump leaves the sockets alone', async () => {
    process.env['GEODESIC_SPLICE'] = '0';
    try {
      assert.deepEqual(spliceStatus(), { available: false, reason: 'GEODESIC_SPLICE=0' });
      const r = await rig(echo);
      try {
        const c = await client(r.port);
        await sleep(100);
        assert.deepEqual(r.pumps, [null]);
        c.destroy();
      } finally { await r.close(); }
    } finally { delete process.env['GEODESIC_SPLICE']; }
  });
});


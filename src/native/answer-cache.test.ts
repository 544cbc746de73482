import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAnswerCache, nativeStatus, openUdp } from './index.js';
import type { AnswerCache, UdpBatch } from './index.js';
import { testClient } from './test-client.js';

interface Q { id: number; name: string; type?: number; edns?: { size?: number; do?: boolean; option?: number[] } }

/** A DNS query in wire format (RD set). */
function q({ id, name, type = 1, edns }: Q): Uint8Array {
  const labels = name.split('.').filter(Boolean).flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]);
  const opt = edns ? [0, 0, 41, (edns.size ?? 1232) >> 8, (edns.size ?? 1232) & 0xff, 0, 0, edns.do ? 0x80 : 0, 0,
    0, edns.option?.length ?? 0, ...(edns.option ?? [])] : [];
  return Uint8Array.from([id >> 8, id & 0xff, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0, ...labels, 0, 0, type, 0, 1, ...opt]);
}

const qid = (m: Uint8Array): number => ((m[0] ?? 0) << 8) | (m[1] ?? 0);

/** Answers like an engine would: the query's header and question, QR+AA, then a marker byte; puts it in the cache. */
function answering(cache: AnswerCache, seen: number[], puts: boolean[]) {
  return (b: UdpBatch): void => {
    for (let i = 0; i < b.count; i++) {
      const len = b.rxLen[i] ?? 0;
      const query = b.rx.subarray(i * b.slot, i * b.slot + len);
      seen.push(qid(query));
      const ans = b.tx.subarray(i * b.slot, i * b.slot + len + 1);
      ans.set(query);
      ans[2] = (ans[2] ?? 0) | 0x84;
      ans[len] = 0xa5;
      b.txLen[i] = len + 1;
      puts.push(cache.put(query, ans) >= 0);
    }
  };
}

const status = nativeStatus();

/** A cached endpoint answering with `answering`, and one client. */
async function cachedServer(slots: number, fallback = false) {
  const cache = createAnswerCache({ slots });
  const seen: number[] = [];
  const puts: boolean[] = [];
  const ep = await openUdp({ host: '127.0.0.1', port: 0, cache, fallback }, answering(cache, seen, puts));
  const c = await testClient('127.0.0.1', ep.port);
  const close = async (): Promise<void> => { await c.close(); await ep.close(); };
  return { cache, seen, puts, ep, c, close };
}

describe('answer cache in the native batch loop', { skip: status.available ? false : `addon unavailable: ${status.reason}`, timeout: 20_000 }, () => {
  it('answers a repeated question in C with the new ID and letter case', async () => {
    const { cache, seen, puts, c, close } = await cachedServer(1024);
    try {
      c.send(q({ id: 1, name: 'www.example.com', edns: {} }));
      await c.waitFor(1, 2000);
      const second = q({ id: 2, name: 'WwW.ExAmple.COM', edns: {} });
      c.send(second);
      const [, r2] = await c.waitFor(2, 2000);
      assert.deepEqual(seen, [1]);
      assert.deepEqual(puts, [true]);
      assert.ok(r2);
      assert.equal(qid(r2), 2);
      assert.deepEqual([...r2.subarray(12, second.length)], [...second.subarray(12)]);
      assert.equal(r2[2], 0x85);
      assert.equal(r2.at(-1), 0xa5);
      assert.deepEqual(cache.stats(), { entries: 1, hits: 1, misses: 1, puts: 1, tapDropped: 0 });
    } finally { await close(); }
  });

  it('keys on type, DO, EDNS presence and size; never caches queries with EDNS options', async () => {
    const { cache, seen, puts, c, close } = await cachedServer(1024);
    const ecs = [0, 8, 0, 7, 0, 1, 24, 0, 192, 0, 2];
    const variants: Q[] = [
      { id: 10, name: 'a.example' }, { id: 11, name: 'a.example', type: 28 }, { id: 12, name: 'a.example', edns: {} },
      { id: 13, name: 'a.example', edns: { do: true } }, { id: 14, name: 'a.example', edns: { size: 4096 } },
      { id: 15, name: 'a.example', edns: { option: ecs } },
    ];
    try {
      let n = 0;
      for (const round of [0, 100]) {
        for (const v of variants) { c.send(q({ ...v, id: v.id + round })); await c.waitFor(++n, 2000); }
      }
      assert.deepEqual(seen, [10, 11, 12, 13, 14, 15, 115]);
      assert.deepEqual(puts, [true, true, true, true, true, false, false]);
      assert.equal(cache.stats().hits, 5);
    } finally { await close(); }
  });

  it('answers hits and misses of one batch to the right clients; clear() empties it', async () => {
    const cache = createAnswerCache({ slots: 4096 });
    const seen: number[] = [];
    const ep = await openUdp({ host: '127.0.0.1', port: 0, cache }, answering(cache, seen, []));
    const [a, b] = await Promise.all([testClient('127.0.0.1', ep.port), testClient('127.0.0.1', ep.port)]);
    try {
      for (let k = 0; k < 20; k++) a.send(q({ id: k, name: `h${k}.example` }));
      await a.waitFor(20, 2000);
      for (let k = 0; k < 40; k++) (k % 2 ? a : b).send(q({ id: 1000 + k, name: `h${k}.example` })); // h0..h19 cached
      const ra = (await a.waitFor(40, 2000)).slice(20).map(qid).sort((x, y) => x - y);
      const rb = (await b.waitFor(20, 2000)).map(qid).sort((x, y) => x - y);
      assert.deepEqual(ra, Array.from({ length: 20 }, (_, j) => 1001 + 2 * j));
      assert.deepEqual(rb, Array.from({ length: 20 }, (_, j) => 1000 + 2 * j));
      assert.deepEqual(seen.slice(20).sort((x, y) => x - y), Array.from({ length: 20 }, (_, j) => 1020 + j));
      cache.clear();
      a.send(q({ id: 7, name: 'h0.example' }));
      await a.waitFor(41, 2000);
      assert.equal(seen.at(-1), 7);
      assert.equal(cache.stats().entries, 1);
    } finally { await a.close(); await b.close(); await ep.close(); }
  });

  it('refuses an answer whose question is not the query\'s', () => {
    const cache = createAnswerCache({ slots: 16 });
    const query = q({ id: 1, name: 'x.example' });
    const other = q({ id: 1, name: 'y.example' });
    other[2] = 0x85;
    assert.equal(cache.put(query, other), -1);
    assert.equal(cache.put(query, query.subarray(0, 14)), -1);
    assert.equal(cache.stats().puts, 0);
  });

  it('tap: a record of every hit (slot, client, query as received, answer length, time), taken in bulk', async () => {
    const cache = createAnswerCache({ slots: 1024 });
    const slots: number[] = [];
    const ep = await openUdp({ host: '127.0.0.1', port: 0, cache }, (b: UdpBatch) => {
      for (let i = 0; i < b.count; i++) {
        const query = b.rx.subarray(i * b.slot, i * b.slot + b.rxLen[i]!);
        const ans = b.tx.subarray(i * b.slot, i * b.slot + query.length + 1);
        ans.set(query);
        ans[2] = ans[2]! | 0x84;
        b.txLen[i] = query.length + 1;
        slots.push(cache.put(query, ans));
      }
    });
    const c = await testClient('127.0.0.1', ep.port);
    const out = new Uint8Array(1 << 20);
    try {
      cache.tap(1 << 16);
      c.send(q({ id: 1, name: 'www.example.com' }));
      c.send(q({ id: 2, name: 'mail.example.com', edns: {} }));
      await c.waitFor(2, 2000);
      const before = Date.now();
      const asked = [q({ id: 3, name: 'WWW.example.com' }), q({ id: 4, name: 'mail.Example.com', edns: {} })];
      for (const m of asked) c.send(m);
      await c.waitFor(4, 2000);
      const n = cache.takeTap(out);
      const v = new DataView(out.buffer, 0, n);
      const got: Array<{ slot: number; alen: number; query: number[]; port: number; ms: number; ns: number }> = [];
      for (let o = 0; o < n; o += v.getUint16(o, true)) {
        const len = v.getUint16(o, true);
        assert.deepEqual([out[o + 20], ...out.subarray(o + 24, o + 28)], [4, 127, 0, 0, 1]);
        got.push({ slot: v.getUint32(o + 4, true), alen: v.getUint16(o + 2, true), query: [...out.subarray(o + 40, o + len)],
          port: v.getUint16(o + 22), ms: v.getFloat64(o + 8, true), ns: v.getUint32(o + 16, true) });
      }
      assert.deepEqual(got.map((r) => r.slot), slots);
      assert.deepEqual(got.map((r) => r.query), asked.map((m) => [...m]));
      assert.deepEqual(got.map((r) => r.alen), asked.map((m) => m.length + 1));
      for (const r of got) {
        assert.equal(r.port, c.port);
        assert.ok(r.ms >= before - 1000 && r.ms <= Date.now() + 1000, `time ${r.ms}`);
        assert.ok(r.ns < 1e9);
      }
      assert.equal(cache.takeTap(out), 0);
      // A full tap drops records and counts them; nothing else changes.
      const many = 2000; // ~70 bytes a record: more than 64 KiB
      for (let k = 0; k < many; k++) { c.send(asked[k % 2]!); if (k % 100 === 99) await c.waitFor(4 + k + 1, 2000); }
      await c.waitFor(4 + many, 4000);
      const kept = cache.takeTap(out);
      const st = cache.stats();
      assert.ok(kept <= 1 << 16 && kept > 0);
      assert.ok(st.tapDropped > 0, 'records dropped once the tap was full');
      cache.tap(0);
      c.send(asked[0]!);
      await c.waitFor(5 + many, 2000);
      assert.equal(cache.takeTap(out), 0);
    } finally { await c.close(); await ep.close(); }
  });

  it('is inert on the node:dgram path', async () => {
    const { seen, c, close } = await cachedServer(16, true);
    try {
      c.send(q({ id: 1, name: 'x.example' }));
      await c.waitFor(1, 2000);
      c.send(q({ id: 2, name: 'x.example' }));
      await c.waitFor(2, 2000);
      assert.deepEqual(seen, [1, 2]);
    } finally { await close(); }
  });
});

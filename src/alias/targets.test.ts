import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RRType, nameFromText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { AliasTargets } from './index.js';
import type { AliasEvent, LookupResult } from './index.js';

const T = nameFromText('edge.cdn.test.');
const ip = (last: number): Uint8Array => new Uint8Array([203, 0, 113, last]);

/** A resolver whose answer the test sets; null fails. */
function fakeResolver(): { lookup: (n: Name, t: number) => Promise<LookupResult>; answer: LookupResult | null; calls: number } {
  const r = {
    answer: { rdata: [ip(1)], ttl: 1 } as LookupResult | null,
    calls: 0,
    lookup: (_n: Name, t: number): Promise<LookupResult> => {
      r.calls++;
      if (t === RRType.AAAA) return Promise.resolve({ rdata: [], ttl: 60 });
      return r.answer === null ? Promise.reject(new Error('SERVFAIL from 127.0.0.1:53')) : Promise.resolve(r.answer);
    },
  };
  return r;
}

const last = (a: { rdata: readonly Uint8Array[] } | null): number | null => (a === null ? null : a.rdata[0]?.[3] ?? -1);

/** Polls until `check` holds; fails after `ms`. Returns the time it took. */
async function until(what: string, ms: number, check: () => boolean): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - t0;
}

test('a tracked target is resolved at once; settled() waits for it; queries read it synchronously', async () => {
  const r = fakeResolver();
  const t = new AliasTargets({ lookup: r.lookup });
  t.track([T]);
  await t.settled(1000);
  assert.equal(last(t.addresses(T, RRType.A)), 1);
  assert.deepEqual(t.addresses(T, RRType.AAAA)?.rdata, []);
  t.close();
});

test('an unknown target: null (SERVFAIL) for the first query, looked up from then on', async () => {
  const r = fakeResolver();
  const t = new AliasTargets({ lookup: r.lookup });
  assert.equal(t.addresses(T, RRType.A), null);
  await t.settled(1000);
  assert.equal(last(t.addresses(T, RRType.A)), 1);
  t.close();
});

test('refreshed ahead of its TTL: a change at the target is served within the TTL', async () => {
  const r = fakeResolver();
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 50 });
  t.track([T]);
  await t.settled(1000);
  r.answer = { rdata: [ip(2)], ttl: 1 };
  const took = await until('the new address', 3000, () => last(t.addresses(T, RRType.A)) === 2); // refreshed at 0.9 s
  assert.ok(took >= 700, `after ${took} ms`);
  t.close();
});

test('the TTL served stays put while the addresses do (a caching resolver counts it down)', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 2 };
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 50, maxRefreshMs: 100 });
  t.track([T]);
  await t.settled(1000);
  r.answer = { rdata: [ip(1)], ttl: 1 };
  await sleep(250);
  assert.equal(t.addresses(T, RRType.A)?.ttl, 2);
  r.answer = { rdata: [ip(3)], ttl: 1 };
  await until('new addresses with their TTL', 3000, () => t.addresses(T, RRType.A)?.ttl === 1);
  t.close();
});

test('a TTL lowered at the origin is followed once a whole TTL passed without the old one', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 3 };
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 50, maxRefreshMs: 100 });
  t.track([T]);
  await t.settled(1000);
  r.answer = { rdata: [ip(1)], ttl: 2 };
  await sleep(1000);
  assert.equal(t.addresses(T, RRType.A)?.ttl, 3); // close to the old TTL: a refetch seen late, kept
  r.answer = { rdata: [ip(1)], ttl: 0 };
  await sleep(1000);
  assert.equal(t.addresses(T, RRType.A)?.ttl, 3); // within the old TTL: kept
  await sleep(5500); // the window that saw TTL 2 ends at ~3 s; the next, seeing only 0, at ~6 s
  assert.equal(t.addresses(T, RRType.A)?.ttl, 0);
  t.close();
});

test('policy servfail: a failing target keeps its answer until its TTL ends, then SERVFAIL; recovers', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 3 };
  const events: AliasEvent[] = [];
  let servedAtFailure: number | null = null;
  const t = new AliasTargets({
    lookup: r.lookup, minRefreshMs: 50,
    onEvent: (e) => {
      events.push(e);
      if (e.kind === 'failed' && e.type === 'A') servedAtFailure = last(t.addresses(T, RRType.A));
    },
  });
  t.track([T]);
  await t.settled(1000);
  r.answer = null;
  // The refresh at 2.7 s fails: the answer stays until the TTL (3 s) ends, then SERVFAIL.
  const took = await until('SERVFAIL', 6000, () => t.addresses(T, RRType.A) === null);
  assert.ok(took >= 2500, `SERVFAIL after ${took} ms`);
  assert.equal(servedAtFailure, 1);
  assert.ok(events.some((e) => e.kind === 'failed' && e.error?.includes('SERVFAIL') && e.serving === 'previous answer until its TTL ends'));
  assert.ok(events.some((e) => e.kind === 'expired'));
  r.answer = { rdata: [ip(4)], ttl: 1 };
  await until('recovered', 3000, () => last(t.addresses(T, RRType.A)) === 4); // retried with backoff from 50 ms
  assert.ok(events.some((e) => e.kind === 'recovered'));
  t.close();
});

test('policy stale: the last good answer serves (TTL capped) for maxStale past its TTL, then SERVFAIL', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 1 };
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 50, failure: 'stale', maxStaleMs: 1500, staleTtl: 0 });
  t.track([T]);
  await t.settled(1000);
  r.answer = null;
  await until('stale', 3000, () => t.addresses(T, RRType.A)?.stale === true);
  const a = t.addresses(T, RRType.A);
  assert.equal(last(a), 1);
  assert.equal(a?.ttl, 0);
  const took = await until('SERVFAIL after max stale', 4000, () => t.addresses(T, RRType.A) === null);
  assert.ok(took >= 1000, `stale for ${took} ms`);
  t.close();
});

test('a target never resolved fails with SERVFAIL whatever the policy', async () => {
  const r = fakeResolver();
  r.answer = null;
  const t = new AliasTargets({ lookup: r.lookup, failure: 'stale' });
  t.track([T]);
  await t.settled(1000);
  assert.equal(t.addresses(T, RRType.A), null);
  assert.equal(t.status()[0]?.types[0]?.error, 'SERVFAIL from 127.0.0.1:53');
  t.close();
});

test('lookups at once are bounded; the rest wait their turn', async () => {
  let running = 0;
  let peak = 0;
  const t = new AliasTargets({
    concurrency: 3,
    lookup: async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
      return { rdata: [ip(1)], ttl: 300 };
    },
  });
  t.track(Array.from({ length: 20 }, (_, i) => nameFromText(`t${i}.cdn.test.`)));
  await t.settled(2000);
  assert.equal(peak, 3);
  assert.equal(t.status().filter((s) => s.types.every((x) => x.addresses !== null)).length, 20);
  t.close();
});

test('a target no zone names any more is dropped once no query asked for it for 10 minutes', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 0 };
  let now = 1_000_000;
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 20, now: () => now });
  t.track([T]);
  await t.settled(1000);
  t.track([]);
  assert.equal(t.size, 1);
  now += 5 * 60_000;
  await sleep(100);
  assert.equal(t.size, 1); // 5 minutes: kept
  now += 6 * 60_000;
  await sleep(100);
  assert.equal(t.size, 0);
  t.close();
});

test('policy servfail: an expiry timer that fires a little early (clocks differ) still expires the answer, and says so', async () => {
  const r = fakeResolver();
  r.answer = { rdata: [ip(1)], ttl: 1 };
  const start = 1_000_000;
  let clock = start;
  const events: AliasEvent[] = [];
  const t = new AliasTargets({ lookup: r.lookup, minRefreshMs: 50, now: () => clock, onEvent: (e) => events.push(e) });
  t.track([T]);
  await t.settled(1000);
  r.answer = null;
  clock = start + 500; // the refresh (due at 0.9 s) fails halfway through the TTL: an expiry timer is set
  await until('failed', 3000, () => events.some((e) => e.kind === 'failed'));
  clock = start + 999; // the timer fires while the wall clock still reads 1 ms before the TTL's end
  await until('SERVFAIL', 3000, () => t.addresses(T, RRType.A) === null);
  clock = start + 2000;
  await sleep(50);
  assert.ok(events.some((e) => e.kind === 'expired' && e.type === 'A'), JSON.stringify(events));
  t.close();
});

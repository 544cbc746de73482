import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Engine } from '../engine/index.js';
import { nativeStatus } from '../native/index.js';
import { nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { ResponseRateLimiter, DEFAULT_RRL } from './rrl.js';
import { listenUdp } from './udp-server.js';

// Response rate limiting on both UDP paths: on the native one, repeated static answers come from the C
// answer cache, which limits them over the limiter's own buckets: a client gets what it gets from the
// JavaScript path (node:dgram), answer for answer.
const origin = nameFromText('example.test.');
const zone = buildZone(origin, parseZoneText('$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.10\n', { origin }));
const status = nativeStatus();

/** 40 queries for one name, 50 ms apart in rounds of 10; what came back: full answers, truncated ones, none. */
async function flood(forceDgram: boolean): Promise<{ full: number; tc: number; none: number; hits: number }> {
  const engine = new Engine();
  engine.setZones(new ZoneSet([zone]));
  const rrl = new ResponseRateLimiter({ ...DEFAULT_RRL, rate: 5, slip: 2, exempt: [] });
  const l = await listenUdp({ host: '127.0.0.1', port: 0, engine, rrl, forceDgram });
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const got = new Map<number, Buffer>();
  sock.on('message', (m) => got.set(m.readUInt16BE(0), m));
  try {
    const q = (id: number): Buffer => Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 4, 116, 101, 115, 116, 0, 0, 1, 0, 1]);
    for (let id = 0; id < 40; id++) {
      sock.send(q(id), l.endpoint.port, '127.0.0.1');
      if (id % 10 === 9) await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    sock.close();
    l.stop();
    await l.endpoint.close();
  }
  let full = 0, tc = 0;
  for (const m of got.values()) { if ((m[2]! & 2) !== 0) { tc++; assert.equal(m.readUInt16BE(6), 0); } else full++; }
  return { full, tc, none: 40 - got.size, hits: l.cache?.stats().hits ?? 0 };
}

test('rate limiting: the native cache limits its repeats as the JavaScript path limits answers', { skip: status.available ? false : `addon unavailable: ${status.reason}`, timeout: 20_000 }, async () => {
  const js = await flood(true);
  const c = await flood(false);
  assert.ok(c.hits >= 30, `the native cache answered ${c.hits} of 40`);
  assert.equal(js.hits, 0);
  // 5 a second: ~5 full answers (plus what refills in ~0.2 s), then every second limited one truncated.
  for (const r of [js, c]) {
    assert.ok(r.full >= 5 && r.full <= 7, JSON.stringify(r));
    assert.ok(Math.abs(r.tc - r.none) <= 1, JSON.stringify(r));
  }
  assert.ok(Math.abs(js.full - c.full) <= 1 && Math.abs(js.tc - c.tc) <= 1, `${JSON.stringify(js)} vs ${JSON.stringify(c)}`);
});

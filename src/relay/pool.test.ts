import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Balance, PoolOptions, ServerOptions } from './options.js';
import { Pool } from './pool.js';

const srv = (port: number, weight = 1, backup = false): ServerOptions => ({ host: '127.0.0.1', port, weight, backup, maxConnections: 0 });
const pool = (balance: Balance, servers: ServerOptions[]): Pool =>
  new Pool({ name: 'p', balance, servers, proxyProtocol: undefined, connectTimeoutMs: 1000, tries: 2, maxFails: 1, failTimeoutMs: 10_000, healthCheck: undefined } satisfies PoolOptions);
const counts = (p: Pool, n: number, client = (i: number) => `10.0.0.${i % 250}`): Map<number, number> => {
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const u = p.pick(client(i), undefined, 1000);
    if (u) m.set(u.opts.port, (m.get(u.opts.port) ?? 0) + 1);
  }
  return m;
};

describe('Pool', () => {
  it('round-robin honours weights smoothly', () => {
    const p = pool('round-robin', [srv(1, 3), srv(2, 1)]);
    const seq = Array.from({ length: 8 }, () => p.pick('c', undefined, 0)?.opts.port);
    assert.deepEqual(seq, [1, 1, 2, 1, 1, 1, 2, 1]);
  });

  it('least-conn picks the least loaded server per weight', () => {
    const p = pool('least-conn', [srv(1), srv(2), srv(3, 2)]);
    const [a, b, c] = p.upstreams;
    a!.active = 3;
    b!.active = 1;
    c!.active = 4;
    assert.equal(p.pick('c', undefined, 0)?.opts.port, 2);
    b!.active = 5;
    assert.equal(p.pick('c', undefined, 0)?.opts.port, 3);
  });

  it('hash is stable per client and moves only the removed server\'s clients', () => {
    const p = pool('hash', [srv(1), srv(2), srv(3)]);
    const before = Array.from({ length: 300 }, (_, i) => p.pick(`192.0.2.${i}`, undefined, 0)?.opts.port);
    assert.deepEqual(before, Array.from({ length: 300 }, (_, i) => p.pick(`192.0.2.${i}`, undefined, 0)?.opts.port));
    const dist = counts(p, 300, (i) => `192.0.2.${i}`);
    for (const n of dist.values()) assert.ok(n > 60, `spread ${[...dist.values()]}`);
    p.upstreams[1]!.checkUp = false;
    const after = Array.from({ length: 300 }, (_, i) => p.pick(`192.0.2.${i}`, undefined, 0)?.opts.port);
    for (let i = 0; i < 300; i++) if (before[i] !== 2) assert.equal(after[i], before[i]);
  });

  it('backups serve only when every primary is down; passive failures mark a server down for fail_timeout', () => {
    const p = pool('round-robin', [srv(1), srv(2, 1, true)]);
    assert.deepEqual([...counts(p, 10).keys()], [1]);
    p.upstreams[0]!.fail(1000, 'ECONNREFUSED', 1, 10_000);
    assert.equal(p.pick('c', undefined, 1000)?.opts.port, 2);
    assert.equal(p.pick('c', undefined, 11_001)?.opts.port, 1, 'back after fail_timeout');
    assert.equal(p.healthy(1000), true);
    p.upstreams[1]!.fail(1000, 'ECONNREFUSED', 1, 10_000);
    assert.equal(p.healthy(1000), false);
    assert.equal(p.pick('c', undefined, 1000)?.opts.port, 1, 'all passively down: tried anyway');
    p.upstreams[0]!.checkUp = false;
    assert.equal(p.pick('c', undefined, 1000)?.opts.port, 2, 'an active check verdict is respected');
  });

  it('skips servers already tried and full servers', () => {
    const p = pool('round-robin', [srv(1), { ...srv(2), maxConnections: 1 }]);
    assert.equal(p.pick('c', new Set([p.upstreams[0]!]), 0)?.opts.port, 2);
    p.upstreams[1]!.active = 1;
    assert.equal(p.pick('c', new Set([p.upstreams[0]!]), 0), undefined);
  });
});

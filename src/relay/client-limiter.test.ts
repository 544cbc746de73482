import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientLimiter } from './client-limiter.js';

describe('ClientLimiter', () => {
  it('caps open connections per client and frees on release', () => {
    const l = new ClientLimiter(2, 0);
    assert.equal(l.admit('a', 0), 'ok');
    assert.equal(l.admit('a', 0), 'ok');
    assert.equal(l.admit('a', 0), 'per-client');
    assert.equal(l.admit('b', 0), 'ok');
    l.release('a');
    assert.equal(l.admit('a', 0), 'ok');
  });

  it('limits the connection rate per client with a refilling bucket', () => {
    const l = new ClientLimiter(0, 5);
    const ok = Array.from({ length: 8 }, () => l.admit('a', 1000)).filter((r) => r === 'ok').length;
    assert.equal(ok, 5);
    assert.equal(l.admit('a', 1100), 'rate');
    assert.equal(l.admit('a', 1400), 'ok', '0.4 s refills 2 tokens');
  });
});

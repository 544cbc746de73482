import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromObject } from './load-config.js';

test('alias: off by default; a section turns it on; resolvers, failure policy, max stale, timeout, axfr', () => {
  assert.equal(configFromObject({}, 'a.yaml', '/').alias.enabled, false);
  assert.deepEqual(configFromObject({ alias: { failure: 'stale' } }, 'a.yaml', '/').alias,
    { enabled: true, resolvers: [], failure: 'stale', maxStaleMs: 3_600_000, timeoutMs: 1500, axfr: 'alias' });
  const c = configFromObject({
    alias: { resolvers: ['127.0.0.1:5353', '[::1]:53'], failure: 'stale', 'max-stale': '10m', timeout: '500ms', axfr: 'addresses' },
  }, 'a.yaml', '/');
  assert.deepEqual(c.alias, {
    enabled: true, resolvers: ['127.0.0.1:5353', '[::1]:53'], failure: 'stale', maxStaleMs: 600_000, timeoutMs: 500, axfr: 'addresses',
  });
  assert.equal(configFromObject({ alias: { enabled: false, resolvers: '10.0.0.1' } }, 'a.yaml', '/').alias.enabled, false);
  assert.throws(() => configFromObject({ alias: { failure: 'retry' } }, 'a.yaml', '/'), /alias.failure: expected one of servfail, stale/);
  assert.throws(() => configFromObject({ alias: { resolver: '10.0.0.1' } }, 'a.yaml', '/'), /unknown setting "alias.resolver"/);
});

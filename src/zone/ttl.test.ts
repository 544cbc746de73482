import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTtl } from './ttl.js';

test('plain and unit TTLs', () => {
  assert.equal(parseTtl('3600'), 3600);
  assert.equal(parseTtl('0'), 0);
  assert.equal(parseTtl('1h30m'), 5400);
  assert.equal(parseTtl('1w2d'), 7 * 86400 + 2 * 86400);
  assert.equal(parseTtl('1H'), 3600);
  assert.equal(parseTtl('2d3h4m5s'), 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
});

test('non-TTL words', () => {
  for (const w of ['A', 'IN', 'h', '1h30', 'mx', '', '1x', '-1']) assert.equal(parseTtl(w), undefined, w);
});

test('TTL above 2^31-1 is refused', () => {
  assert.throws(() => parseTtl('2147483648'), RangeError);
  assert.equal(parseTtl('2147483647'), 2147483647);
  assert.throws(() => parseTtl('99999w'), RangeError);
});

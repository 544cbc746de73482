import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameKey } from '../wire/index.js';
import { keyOf } from './name-key.js';

test('keyOf equals wire nameKey for every byte value', () => {
  for (let b = 0; b < 256; b++) {
    const name = Uint8Array.from([3, b, 65, 0x9f, 1, b, 0]);
    assert.equal(keyOf(name), nameKey(name), `byte ${b}`);
    const plain = Uint8Array.from([2, b & 0x7f, 90, 0]);
    assert.equal(keyOf(plain), nameKey(plain));
  }
  const n = Uint8Array.from([1, 65, 0]);
  keyOf(n);
  assert.equal(n[1], 65, 'input not modified');
});

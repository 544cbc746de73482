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

test('PlainKeyMaker.key equals nameKey(nameFromText()) for plain names, null otherwise', async () => {
  const { nameFromText } = await import('../wire/index.js');
  const { PlainKeyMaker } = await import('./name-key.js');
  const origin = nameFromText('Example.COM.');
  const maker = new PlainKeyMaker();
  maker.setOrigin(nameKey(origin));
  const plainTextKey = (t: string, _o: string): string | null => maker.key(t);
  const okey = nameKey(origin);
  for (const t of ['www', 'WWW.Sub', 'a-b_c.*', 'x.example.org.', 'A.', '*', 'a'.repeat(63)]) {
    assert.equal(plainTextKey(t, okey), nameKey(nameFromText(t, origin)), t);
  }
  for (const t of ['a\\.b', '@', '.', 'a..b', '', 'é', 'a'.repeat(64), `${'a'.repeat(60)}.`.repeat(5)]) {
    assert.equal(plainTextKey(t, okey), null, t);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ROOT, nameFromText, nameToText, nameLower, nameKey, nameEqual, nameIsBelowOrAt, nameLabelCount, nameParent,
  nameCompareCanonical, nameWildcard, nameLength, WireError,
} from './index.js';

const n = (s: string): Uint8Array => nameFromText(s);
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WireError);
    return e.code;
  }
  return 'no error';
};

test('nameFromText: absolute, relative, @, escapes', () => {
  assert.deepEqual([...n('a.bc.')], [1, 97, 2, 98, 99, 0]);
  assert.deepEqual([...n('.')], [0]);
  const origin = n('example.com.');
  assert.equal(nameToText(nameFromText('www', origin)), 'www.example.com.');
  assert.equal(nameToText(nameFromText('@', origin)), 'example.com.');
  assert.deepEqual([...n('a\\.b.c.')], [3, 97, 46, 98, 1, 99, 0]);
  assert.deepEqual([...n('\\065\\032x.')], [3, 65, 32, 120, 0]);
});

test('nameFromText rejects bad names with SYNTAX', () => {
  for (const bad of ['a..b.', '..', '', `${'x'.repeat(64)}.`, `${'abcdefghi.'.repeat(26)}`, 'rel', '\\256.', 'a\\']) {
    assert.equal(code(() => nameFromText(bad)), 'GDNS_ERR_WIRE_SYNTAX', bad);
  }
  assert.equal(nameFromText(`${'x'.repeat(63)}.`).length, 65);
});

test('nameToText escapes like dig', () => {
  assert.equal(nameToText(Uint8Array.from([5, 0x61, 0x2e, 0x20, 0x22, 0xff, 1, 0x40, 0])), 'a\\.\\032\\"\\255.\\@.');
  assert.equal(nameToText(ROOT), '.');
  assert.equal(nameToText(n('Ex-Ample.COM.')), 'Ex-Ample.COM.');
});

test('case-insensitive helpers', () => {
  const a = n('WWW.Example.COM.');
  assert.ok(nameEqual(a, n('www.example.com.')));
  assert.ok(!nameEqual(a, n('www.example.org.')));
  assert.equal(nameKey(a), nameKey(n('www.example.com.')));
  const l = n('www.example.com.');
  assert.equal(nameLower(l), l);
  assert.deepEqual(nameLower(a), l);
  assert.ok(nameIsBelowOrAt(a, n('example.com.')));
  assert.ok(nameIsBelowOrAt(a, a));
  assert.ok(nameIsBelowOrAt(a, ROOT));
  assert.ok(!nameIsBelowOrAt(n('wwwexample.com.'), n('example.com.')));
  assert.ok(!nameIsBelowOrAt(n('xample.com.'), n('example.com.')));
  assert.equal(nameLabelCount(a), 3);
  assert.equal(nameLabelCount(ROOT), 0);
  assert.equal(nameToText(nameParent(a)), 'Example.COM.');
  assert.equal(nameParent(ROOT), ROOT);
  assert.equal(nameToText(nameWildcard(n('example.'))), '*.example.');
  assert.equal(nameLength(Uint8Array.from([9, 1, 97, 0, 7]), 1), 3);
  assert.equal(code(() => nameLength(Uint8Array.from([1, 97]), 0)), 'GDNS_ERR_WIRE_TRUNCATED');
});

test('canonical order is RFC 4034 §6.1', () => {
  const sorted = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.',
    '\\001.z.example.', '*.z.example.', '\\200.z.example.'];
  const shuffled = [...sorted].reverse().map(n);
  shuffled.sort(nameCompareCanonical);
  assert.deepEqual(shuffled.map(nameToText), sorted.map((s) => nameToText(n(s))));
});

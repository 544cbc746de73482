import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKey, iscPrivateKey, makeKey, parseIscPrivateKey } from './index.js';

test('BIND private key text round-trips for algorithms 8, 13, 14 and 15 (same public key, same key tag)', () => {
  for (const alg of [8, 13, 14, 15]) {
    const key = generateKey(alg);
    const text = iscPrivateKey(key);
    assert.match(text, new RegExp(`^Private-key-format: v1\\.2\\nAlgorithm: ${alg} \\(`));
    const back = parseIscPrivateKey(text);
    assert.equal(back.algorithm, alg);
    const again = makeKey(back.algorithm, back.privateKey, { flags: key.flags });
    assert.equal(again.keyTag, key.keyTag);
    assert.deepEqual(again.publicKey, key.publicKey);
  }
});

test('a damaged private key text is refused with PowerDNS\'s message', () => {
  assert.throws(() => parseIscPrivateKey('Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AAAA\n'), /Key could not be parsed/);
  assert.throws(() => parseIscPrivateKey('hello'), /Key could not be parsed/);
  assert.throws(() => parseIscPrivateKey('Algorithm: 5 (RSASHA1)\nPrivateKey: AAAA\n'), /unsupported DNSSEC algorithm/);
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, ZSK_FLAGS } from './key.js';
import { keyRecord, keysOf, newZoneKeyFile, readZoneKeys, signOptionsOf, writeZoneKeys, zoneKeyPath } from './key-file.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a key file round-trips every algorithm; mode 0600; names per zone', () => {
  const file = newZoneKeyFile('Example.COM');
  const keys = [generateKey(13), generateKey(14, { flags: ZSK_FLAGS }), generateKey(15, { active: false }), generateKey(8)];
  file.keys = keys.map((k) => keyRecord(k));
  file.nsec3.salt = 'abcd';
  writeZoneKeys(join(dir, 'keys'), file);
  const path = zoneKeyPath(join(dir, 'keys'), 'example.com.');
  assert.equal(path, join(dir, 'keys', 'example.com.json'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const back = readZoneKeys(join(dir, 'keys'), 'example.com');
  assert.ok(back !== null);
  assert.deepEqual(keysOf(back).map((k) => [k.algorithm, k.flags, k.keyTag, k.active]), keys.map((k) => [k.algorithm, k.flags, k.keyTag, k.active]));
  assert.deepEqual([...signOptionsOf(back, 5).nsec3!.salt!], [0xab, 0xcd]);
  assert.equal(zoneKeyPath(dir, '.'), join(dir, 'root.json'));
});

test('no file: null; a broken file: GDNS_ERR_DNSSEC_KEY_FILE', () => {
  assert.equal(readZoneKeys(dir, 'missing.example.'), null);
  writeFileSync(join(dir, 'broken.example.json'), '{ not json');
  assert.throws(() => readZoneKeys(dir, 'broken.example.'), { code: 'GDNS_ERR_DNSSEC_KEY_FILE' });
});

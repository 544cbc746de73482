import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError, decodeClientSubnet, decodeCookie, encodeClientSubnet } from './index.js';
import { hex } from './testdata/oracle.js';

test('ECS encode cuts the address to the source prefix and keeps the scope', () => {
  const data = encodeClientSubnet({ family: 1, sourcePrefix: 22, scopePrefix: 20, address: Uint8Array.of(192, 0, 7, 255) });
  assert.equal(hex(data), '00011614' + 'c00004');
  assert.deepEqual(decodeClientSubnet(data), { family: 1, sourcePrefix: 22, scopePrefix: 20, address: Uint8Array.of(192, 0, 4, 0) });
  const v6 = encodeClientSubnet({ family: 2, sourcePrefix: 0, scopePrefix: 0, address: new Uint8Array(16) });
  assert.equal(hex(v6), '00020000');
  assert.equal(decodeClientSubnet(v6).address.length, 16);
  const full = encodeClientSubnet({ family: 2, sourcePrefix: 128, scopePrefix: 64, address: new Uint8Array(16).fill(0xab) });
  assert.equal(decodeClientSubnet(full).address[15], 0xab);
  assert.throws(() => encodeClientSubnet({ family: 1, sourcePrefix: 33, scopePrefix: 0, address: new Uint8Array(4) }), WireError);
});

test('ECS decode rejects what RFC 7871 §6 forbids', () => {
  for (const bad of ['000118', '00030000', '00012100' + '0102030405', '0001' + '1821' + '010203', '00011800' + '01020304', '00011700' + '0102ff']) {
    assert.throws(() => decodeClientSubnet(Uint8Array.from(Buffer.from(bad, 'hex'))), (e: unknown) => e instanceof WireError && e.code === 'GDNS_ERR_WIRE_BAD_ECS', bad);
  }
});

test('cookies: 8 octets client only, 16-40 with a server cookie', () => {
  assert.equal(decodeCookie(new Uint8Array(8)).server, null);
  assert.equal(decodeCookie(new Uint8Array(40)).server!.length, 32);
  for (const n of [0, 7, 9, 15, 41]) assert.throws(() => decodeCookie(new Uint8Array(n)), WireError, String(n));
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocBatch } from './udp-batch.js';
import { peerAddress, peerPort, writePeer } from './udp-address.js';

describe('udp address records', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['203.0.113.255', '203.0.113.255'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1%lo', 'fe80::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [input, text] of cases) {
    it(`round-trips ${input}`, () => {
      const b = allocBatch(512, 3);
      writePeer(b.addr, 2, input, 53001);
      assert.equal(peerAddress(b, 2), text);
      assert.equal(peerPort(b, 2), 53001);
      assert.equal(b.addr[40], input.includes(':') ? 6 : 4);
      assert.equal(b.addr[39], 0, 'neighbouring record untouched');
    });
  }
});

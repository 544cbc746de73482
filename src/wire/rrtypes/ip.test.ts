import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4FromText } from './ip.js';

test('IPv4 text: dotted quads in, everything else refused', () => {
  for (const s of ['0.0.0.0', '255.255.255.255', '10.0.0.9', '192.0.2.1']) assert.equal([...ipv4FromText(s, 'A')].join('.'), s);
  for (const s of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '1.2.3.', '.1.2.3', 'a.b.c.d', '1.2.3.4 ', '1000.1.1.1', '1.2.3.04']) {
    assert.throws(() => ipv4FromText(s, 'A'), /is not an IPv4 address/, JSON.stringify(s));
  }
});

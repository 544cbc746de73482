import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextSerial, parseSerialPolicy, serialLess } from './serial-policy.js';

const NOV30 = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('serial policies', () => {
  const cases: [string, number, number][] = [
    ['increment', 7, 8],
    ['increment', 0xffffffff, 0],
    ['date', 1, 2026113001],
    ['date', 2026113001, 2026113002],
    ['date', 2026113099, 2026113100],
    ['date', 2027010101, 2027010102],
    ['epoch', 5, Math.floor(NOV30 / 1000)],
    ['epoch', Math.floor(NOV30 / 1000) + 10, Math.floor(NOV30 / 1000) + 11],
  ];
  for (const [policy, old, want] of cases) {
    it(`${policy}: ${old} → ${want}`, () => assert.equal(nextSerial(parseSerialPolicy(policy), old, NOV30), want));
  }

  it('accepts PowerDNS SOA-EDIT-API values and refuses others', () => {
    assert.equal(parseSerialPolicy('DEFAULT'), 'date');
    assert.equal(parseSerialPolicy('INCREASE'), 'increment');
    assert.equal(parseSerialPolicy('EPOCH'), 'epoch');
    assert.equal(parseSerialPolicy('SOA-EDIT-INCREASE'), 'increment');
    assert.throws(() => parseSerialPolicy('sometimes'), { code: 'GDNS_ERR_SERIAL_POLICY' });
  });

  it('compares serials as RFC 1982 says', () => {
    assert.equal(serialLess(0xffffffff, 1), true);
    assert.equal(serialLess(1, 0xffffffff), false);
    assert.equal(serialLess(3, 3), false);
  });
});

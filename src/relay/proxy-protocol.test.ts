import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProxyHeader, parseProxyHeader, V2_SIGNATURE } from './proxy-protocol.js';

const v4 = { sourceAddress: '::ffff:192.0.2.10', sourcePort: 51000, destAddress: '198.51.100.1', destPort: 443 };
const v6 = { sourceAddress: '2001:db8::1', sourcePort: 1234, destAddress: '2001:db8:0:0:0:0:0:2', destPort: 443 };

describe('PROXY protocol', () => {
  it('v1 writes TCP4 (IPv4-mapped addresses unmapped) and TCP6 lines', () => {
    assert.equal(encodeProxyHeader('v1', v4).toString(), 'PROXY TCP4 192.0.2.10 198.51.100.1 51000 443\r\n');
    assert.equal(encodeProxyHeader('v1', v6).toString(), 'PROXY TCP6 2001:db8::1 2001:db8:0:0:0:0:0:2 1234 443\r\n');
  });

  it('v2 writes the binary header, addresses and an authority TLV', () => {
    const h = encodeProxyHeader('v2', v4, 'a.example');
    assert.deepEqual(h.subarray(0, 12), V2_SIGNATURE);
    assert.equal(h[12], 0x21);
    assert.equal(h[13], 0x11);
    assert.equal(h.readUInt16BE(14), 12 + 3 + 9);
    assert.deepEqual([...h.subarray(16, 24)], [192, 0, 2, 10, 198, 51, 100, 1]);
    assert.equal(h.readUInt16BE(24), 51000);
    assert.equal(h.readUInt16BE(26), 443);
    assert.equal(h[28], 0x02);
    assert.equal(h.subarray(31).toString(), 'a.example');
    const h6 = encodeProxyHeader('v2', v6);
    assert.equal(h6[13], 0x21);
    assert.equal(h6.length, 16 + 36);
    assert.deepEqual([...h6.subarray(16, 18)], [0x20, 0x01]);
    assert.equal(h6[47], 2);
  });

  it('round-trips both versions and reports need-more on prefixes', () => {
    for (const version of ['v1', 'v2'] as const) {
      for (const a of [v4, v6]) {
        const h = Buffer.concat([encodeProxyHeader(version, a, 'x.test'), Buffer.from([0x16, 3, 1])]);
        const p = parseProxyHeader(h);
        assert.equal(p.kind, 'header');
        if (p.kind !== 'header') return;
        assert.equal(p.length, h.length - 3);
        assert.equal(p.addresses?.sourcePort, a.sourcePort);
        assert.equal(p.addresses?.destPort, a.destPort);
        for (let cut = 0; cut < p.length; cut++) assert.equal(parseProxyHeader(h.subarray(0, cut)).kind, 'need-more', `${version} cut ${cut}`);
      }
    }
  });

  it('rejects garbage, bad v1 lines and reads LOCAL/UNKNOWN as no addresses', () => {
    assert.equal(parseProxyHeader(Buffer.from([0x16, 3, 1])).kind, 'invalid');
    assert.equal(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n')).kind, 'invalid');
    assert.equal(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3 5.6.7.8 1 1\r\n')).kind, 'invalid');
    assert.equal(parseProxyHeader(Buffer.from('PROXY ' + 'x'.repeat(120))).kind, 'invalid');
    const unknown = parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'));
    assert.deepEqual(unknown, { kind: 'header', length: 15, addresses: undefined });
    const local = Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0, 0])]);
    assert.deepEqual(parseProxyHeader(local), { kind: 'header', length: 16, addresses: undefined });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alpnExt, buildHello, sniExt } from '../../test/fixtures/relay/hello.js';
import { cryptoFrame, initialPacket } from '../../test/fixtures/relay/quic.js';
import { clientInitialKeys, QUIC_V1, QUIC_V2, QuicHelloCollector, readInitialPackets } from './quic-initial.js';

const dcid = Buffer.from('8394c8f03e515708', 'hex');
const hs = (name: string): Buffer => buildHello([sniExt(name), alpnExt(['h3'])]).subarray(5);

describe('QUIC Initial peek', () => {
  it('derives the RFC 9001 A.1 and RFC 9369 A.1 client Initial keys', () => {
    const k1 = clientInitialKeys(QUIC_V1, dcid)!;
    assert.equal(k1.key.toString('hex'), '1f369613dd76d5467730efcbe3b1a22d');
    assert.equal(k1.iv.toString('hex'), 'fa044b2f42a3fd3b46fb255c');
    assert.equal(k1.hp.toString('hex'), '9f50449e04a0e810283a1e9933adedd2');
    const k2 = clientInitialKeys(QUIC_V2, dcid)!;
    assert.equal(k2.key.toString('hex'), '8b1a0bc121284290a29e0971b5cd045d');
    assert.equal(k2.iv.toString('hex'), '91f73e2351d8fa91660e909f');
    assert.equal(k2.hp.toString('hex'), '45b95e15235d6f45a6b19cbcb0294ba9');
    assert.equal(clientInitialKeys(0xff00001d, dcid), undefined);
  });

  for (const version of [QUIC_V1, QUIC_V2]) {
    it(`reads the SNI from one Initial (v${version === 1 ? 1 : 2})`, () => {
      const c = new QuicHelloCollector(16384);
      const r = c.add(initialPacket(version, dcid, 0, cryptoFrame(0, hs('quic.example'))));
      assert.equal(r.kind, 'hello');
      assert.equal(r.kind === 'hello' && r.sni, 'quic.example');
      assert.deepEqual(r.kind === 'hello' && r.alpn, ['h3']);
    });

    it(`reassembles a ClientHello over two Initials, in either order, and coalesced (v${version === 1 ? 1 : 2})`, () => {
      const h = hs('split.example');
      const p1 = initialPacket(version, dcid, 0, cryptoFrame(0, h.subarray(0, 60)));
      const p2 = initialPacket(version, dcid, 1, cryptoFrame(60, h.subarray(60)));
      const a = new QuicHelloCollector(16384);
      assert.equal(a.add(p1).kind, 'need-more');
      assert.equal(a.add(p2).kind, 'hello');
      const b = new QuicHelloCollector(16384);
      assert.equal(b.add(p2).kind, 'need-more');
      const r = b.add(p1);
      assert.equal(r.kind === 'hello' && r.sni, 'split.example');
      const small1 = initialPacket(version, dcid, 0, cryptoFrame(0, h.subarray(0, 60)), 100);
      const small2 = initialPacket(version, dcid, 1, cryptoFrame(60, h.subarray(60)), 100);
      const both = readInitialPackets(Buffer.concat([small1, small2]));
      assert.equal(both.kind === 'initial' && both.fragments.length, 2);
      assert.equal(new QuicHelloCollector(16384).add(Buffer.concat([small1, small2])).kind, 'hello');
    });
  }

  it('says not-quic for other datagrams, and refuses a hello over the limit', () => {
    const c = new QuicHelloCollector(16384);
    assert.equal(c.add(Buffer.from('plain udp payload')).kind, 'not-quic');
    assert.equal(new QuicHelloCollector(16384).add(Buffer.alloc(1200, 0xc3)).kind, 'not-quic');
    const corrupted = initialPacket(QUIC_V1, dcid, 0, cryptoFrame(0, hs('x.example')));
    corrupted[corrupted.length - 1] = (corrupted[corrupted.length - 1] ?? 0) ^ 1;
    assert.equal(new QuicHelloCollector(16384).add(corrupted).kind, 'not-quic');
    assert.equal(new QuicHelloCollector(64).add(initialPacket(QUIC_V1, dcid, 0, cryptoFrame(0, hs('x.example')))).kind, 'too-large');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alpnExt, buildHello, captureClientHello, records, reframe, sniExt } from '../../test/fixtures/relay/hello.js';
import { peekClientHello } from './sni.js';

const hello = (r: ReturnType<typeof peekClientHello>) => {
  assert.equal(r.kind, 'hello', JSON.stringify(r));
  return r as Extract<typeof r, { kind: 'hello' }>;
};

describe('peekClientHello', () => {
  it('reads SNI and ALPN from a real Node TLS ClientHello', async () => {
    const h = await captureClientHello({ servername: 'WWW.Example.COM', ALPNProtocols: ['h2', 'http/1.1'] });
    const r = hello(peekClientHello(h));
    assert.equal(r.sni, 'www.example.com');
    assert.deepEqual(r.alpn, ['h2', 'http/1.1']);
    assert.equal(r.ech, false);
    assert.equal(r.bytes, h.length);
  });

  it('says need-more for every proper prefix and finds the name once complete', async () => {
    const h = await captureClientHello({ servername: 'a.bench.test' });
    for (let cut = 0; cut < h.length; cut += 7) assert.equal(peekClientHello(h.subarray(0, cut)).kind, 'need-more', `cut ${cut}`);
    assert.equal(hello(peekClientHello(h)).sni, 'a.bench.test');
  });

  it('reassembles a hello split over two TLS records (cut inside the name) and over many 1-byte-ish records', async () => {
    const h = await captureClientHello({ servername: 'b.bench.test' });
    const pos = h.indexOf('b.bench.test');
    const two = reframe(h, pos - 5 + 3);
    assert.equal(hello(peekClientHello(two)).sni, 'b.bench.test');
    for (let cut = 0; cut < two.length; cut += 5) assert.equal(peekClientHello(two.subarray(0, cut)).kind, 'need-more');
    const hs = h.subarray(5, 5 + h.readUInt16BE(3));
    assert.equal(hello(peekClientHello(records(hs, 3))).sni, 'b.bench.test');
  });

  it('handles a big (~10 KB, post-quantum sized) hello and refuses one over the limit', async () => {
    const big = await captureClientHello({ servername: 'big.test', ALPNProtocols: Array.from({ length: 250 }, (_, i) => `x-pad-${i}-${'p'.repeat(30)}`) });
    assert.ok(big.length > 9000);
    assert.equal(hello(peekClientHello(big)).sni, 'big.test');
    assert.equal(peekClientHello(big, 4096).kind, 'too-large');
    assert.equal(peekClientHello(big.subarray(0, 100), 4096).kind, 'too-large');
  });

  it('ignores GREASE extensions, notes ECH and routes on the outer SNI', () => {
    const h = buildHello([[0x0a0a, Buffer.alloc(0)], sniExt('public.example.net'), [0xfe0d, Buffer.alloc(200, 9)], [0x1a1a, Buffer.from([0])], alpnExt(['h2'])]);
    const r = hello(peekClientHello(h));
    assert.equal(r.sni, 'public.example.net');
    assert.equal(r.ech, true);
    assert.deepEqual(r.alpn, ['h2']);
  });

  it('strips a trailing dot; no SNI gives undefined', () => {
    assert.equal(hello(peekClientHello(buildHello([sniExt('Example.ORG.')]))).sni, 'example.org');
    assert.equal(hello(peekClientHello(buildHello([alpnExt(['acme-tls/1'])]))).sni, undefined);
  });

  it('classifies non-TLS and malformed input', () => {
    assert.equal(peekClientHello(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'not-tls');
    assert.equal(peekClientHello(Buffer.from('SSH-2.0-OpenSSH\r\n')).kind, 'not-tls');
    assert.equal(peekClientHello(Buffer.from([0x16, 0x02])).kind, 'not-tls');
    assert.equal(peekClientHello(Buffer.from([0x16, 0x03, 0x01, 0, 0])).kind, 'invalid');
    assert.equal(peekClientHello(buildHello([sniExt('bad name!')])).kind, 'invalid');
    const h = buildHello([sniExt('ok.test')]);
    h[5] = 2; // ServerHello, not ClientHello
    assert.equal(peekClientHello(h).kind, 'invalid');
    const cut = buildHello([sniExt('ok.test')]);
    cut.writeUInt16BE(cut.readUInt16BE(cut.length - 14) + 50, cut.length - 14); // extension length overrun
    assert.notEqual(peekClientHello(cut).kind, 'hello');
  });

  it('never throws on random bytes after a handshake record header', () => {
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(5 + (i % 300));
      for (let j = 0; j < b.length; j++) b[j] = (i * 7919 + j * 104729) & 0xff;
      b[0] = 0x16;
      b[1] = 3;
      b.writeUInt16BE(b.length - 5, 3);
      peekClientHello(b);
    }
  });
});

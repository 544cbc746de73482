import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { RRType, base64Decode, base64Encode, hexEncode, nameFromText, rdataFromText, tokenize } from '../wire/index.js';
import { algorithmOf } from './algorithms.js';
import { dsRdata } from './ds.js';
import { dnskeyRdata, generateKey, keyTagOf, makeKey, ZSK_FLAGS } from './key.js';
import { signRRset } from './rrsig.js';

const rdata = (type: number, text: string, origin = '.'): Uint8Array =>
  rdataFromText(type, tokenize(text), nameFromText(origin));

test('key tag and DS digests of the RFC 6605 §6.1 P-256 example', () => {
  const dnskey = rdata(RRType.DNSKEY, '257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==');
  assert.equal(keyTagOf(dnskey), 55648);
  const ds = dsRdata(nameFromText('example.net.'), dnskey, 2);
  assert.equal(hexEncode(ds).toLowerCase(), 'd960' + '0d' + '02' + 'b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17');
  assert.equal(dsRdata(nameFromText('EXAMPLE.net.'), dnskey, 4).length, 4 + 48);
  assert.throws(() => dsRdata(nameFromText('example.net.'), dnskey, 1), { code: 'GDNS_ERR_DNSSEC_ALGORITHM' });
});

test('RFC 8080 §6.1 Ed25519: key tag, DS and the exact (deterministic) RRSIG over MX', () => {
  const pub = base64Decode('l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=', 'key');
  const seed = base64Decode('ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=', 'key');
  const priv = createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(seed).toString('base64url'), x: Buffer.from(pub).toString('base64url') } });
  const key = makeKey(15, priv);
  assert.deepEqual(key.publicKey, pub);
  assert.equal(key.keyTag, 3613);
  const ds = dsRdata(nameFromText('example.com.'), dnskeyRdata(key), 2);
  assert.equal(hexEncode(ds.subarray(4)).toLowerCase(), '3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b');
  const owner = nameFromText('example.com.');
  const sig = signRRset({ name: owner, type: RRType.MX, ttl: 3600, rdata: [rdata(RRType.MX, '10 mail.example.com.')] }, owner, key,
    { inception: 1438207200, expiration: 1440021600 });
  assert.equal(base64Encode(sig.subarray(sig.length - 64)),
    'oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==');
});

test('each algorithm makes keys of the right size whose RRSIGs verify with node:crypto', () => {
  const sizes: Record<number, number> = { 13: 64, 14: 96, 15: 32 };
  for (const alg of [13, 14, 15, 8]) {
    const key = generateKey(alg, { flags: ZSK_FLAGS });
    if (alg === 8) assert.equal(key.publicKey.length, 1 + 3 + 256);
    else assert.equal(key.publicKey.length, sizes[alg]);
    assert.equal(dnskeyRdata(key)[1], 0); // flags 256
    const owner = nameFromText('www.Example.org.');
    const set = { name: owner, type: RRType.A, ttl: 300, rdata: [Uint8Array.of(192, 0, 2, 1), Uint8Array.of(192, 0, 2, 2)] };
    const sig = signRRset(set, nameFromText('example.org.'), key, { inception: 1, expiration: 2 });
    assert.equal(sig[2], alg);
    assert.equal(sig[3], 3); // labels
    const head = 18 + nameFromText('example.org.').length;
    const signed = [sig.subarray(0, head)];
    for (const rd of set.rdata) {
      signed.push(nameFromText('www.example.org.'), Uint8Array.of(0, 1, 0, 1, 0, 0, 1, 44, 0, 4), rd);
    }
    const data = Buffer.concat(signed);
    const hash = algorithmOf(alg).hash;
    const pubKey = createPublicKey(key.privateKey);
    const ok = alg === 13 || alg === 14
      ? verify(hash, data, { key: pubKey, dsaEncoding: 'ieee-p1363' }, sig.subarray(head))
      : verify(hash, data, pubKey, sig.subarray(head));
    assert.equal(ok, true, `algorithm ${alg}`);
  }
});

test('a wildcard owner signs with the labels of its parent', () => {
  const key = generateKey(15);
  const sig = signRRset({ name: nameFromText('*.wild.example.'), type: RRType.A, ttl: 60, rdata: [Uint8Array.of(1, 2, 3, 4)] },
    nameFromText('example.'), key, { inception: 1, expiration: 2 });
  assert.equal(sig[3], 2);
});

test('algorithm names as PowerDNS accepts them; others are refused with a stable code', () => {
  for (const [name, n] of [['ECDSAP256SHA256', 13], ['ecdsa256', 13], ['13', 13], ['ecdsa384', 14], ['ed25519', 15], ['RSASHA256', 8], [8, 8]] as const) {
    assert.equal(algorithmOf(name).number, n);
  }
  assert.throws(() => algorithmOf('rsasha1'), { code: 'GDNS_ERR_DNSSEC_ALGORITHM' });
  assert.throws(() => algorithmOf(16), { code: 'GDNS_ERR_DNSSEC_ALGORITHM' });
});

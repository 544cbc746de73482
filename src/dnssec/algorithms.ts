import { generateKeyPairSync, sign as cryptoSign, createPrivateKey, createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { DnssecError } from './errors.js';

/** One DNSSEC signing algorithm (RFC 8624 numbers) as node:crypto does it. */
export interface Algorithm {
  readonly number: number;
  readonly mnemonic: string;
  /** Hash given to crypto.sign (null: the algorithm hashes itself, Ed25519). */
  readonly hash: string | null;
  generate(): KeyObject;
  /** DNSKEY public key field (RFC 6605 x|y, RFC 8080 raw, RFC 3110 exponent/modulus). */
  publicKey(priv: KeyObject): Uint8Array;
  /** Raw signature as RRSIG carries it. */
  sign(priv: KeyObject, data: Uint8Array): Uint8Array;
}

function b64url(s: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(s ?? '', 'base64url'));
}

function jwkOf(priv: KeyObject): JsonWebKey {
  return createPublicKey(priv).export({ format: 'jwk' });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function ecdsa(number: number, mnemonic: string, curve: string, hash: string): Algorithm {
  return {
    number, mnemonic, hash,
    generate: () => generateKeyPairSync('ec', { namedCurve: curve }).privateKey,
    publicKey: (priv) => { const j = jwkOf(priv); return concat(b64url(j.x), b64url(j.y)); },
    sign: (priv, data) => new Uint8Array(cryptoSign(hash, data, { key: priv, dsaEncoding: 'ieee-p1363' })),
  };
}

const RSASHA256: Algorithm = {
  number: 8, mnemonic: 'RSASHA256', hash: 'sha256',
  generate: () => generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 }).privateKey,
  publicKey: (priv) => {
    const j = jwkOf(priv);
    const e = b64url(j.e);
    const n = b64url(j.n);
    const len = e.length < 256 ? Uint8Array.of(e.length) : Uint8Array.of(0, e.length >> 8, e.length & 0xff);
    return concat(len, e, n);
  },
  sign: (priv, data) => new Uint8Array(cryptoSign('sha256', data, priv)),
};

const ED25519: Algorithm = {
  number: 15, mnemonic: 'ED25519', hash: null,
  generate: () => generateKeyPairSync('ed25519').privateKey,
  publicKey: (priv) => b64url(jwkOf(priv).x),
  sign: (priv, data) => new Uint8Array(cryptoSign(null, data, priv)),
};

const ALGORITHMS: readonly Algorithm[] = [
  RSASHA256,
  ecdsa(13, 'ECDSAP256SHA256', 'prime256v1', 'sha256'),
  ecdsa(14, 'ECDSAP384SHA384', 'secp384r1', 'sha384'),
  ED25519,
];

/** Names PowerDNS accepts for each algorithm (pdnsutil add-zone-key / API `algorithm`). */
const ALIASES: Record<string, number> = {
  rsasha256: 8, ecdsap256sha256: 13, ecdsa256: 13, ecdsap384sha384: 14, ecdsa384: 14, ed25519: 15,
};

/** The algorithm for a number or a name (`13`, `ECDSAP256SHA256`, `ecdsa256`, `ed25519`...). */
export function algorithmOf(id: number | string): Algorithm {
  const text = String(id).trim().toLowerCase();
  const number = /^\d+$/.test(text) ? Number(text) : ALIASES[text];
  const alg = ALGORITHMS.find((a) => a.number === number);
  if (alg === undefined) {
    throw new DnssecError('GDNS_ERR_DNSSEC_ALGORITHM',
      `unsupported DNSSEC algorithm ${String(id)} (use 13/ECDSAP256SHA256, 14/ECDSAP384SHA384, 15/ED25519 or 8/RSASHA256)`);
  }
  return alg;
}

/** A private key from its JWK (key files). */
export function privateKeyFromJwk(jwk: JsonWebKey): KeyObject {
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

import { createECDH, createPrivateKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { algorithmOf } from './algorithms.js';
import { DnssecError } from './errors.js';
import type { DnssecKey } from './key.js';

const RSA_FIELDS: [string, keyof JsonWebKey][] = [
  ['Modulus', 'n'], ['PublicExponent', 'e'], ['PrivateExponent', 'd'], ['Prime1', 'p'], ['Prime2', 'q'],
  ['Exponent1', 'dp'], ['Exponent2', 'dq'], ['Coefficient', 'qi'],
];

const b64 = (u: string | undefined): string => Buffer.from(u ?? '', 'base64url').toString('base64');
const b64u = (s: string): string => Buffer.from(s, 'base64').toString('base64url');

/** The private key in BIND's "Private-key-format: v1.2" text (PowerDNS's `privatekey`, pdnsutil export-zone-key). */
export function iscPrivateKey(key: DnssecKey): string {
  const alg = algorithmOf(key.algorithm);
  const jwk = key.privateKey.export({ format: 'jwk' });
  const lines = ['Private-key-format: v1.2', `Algorithm: ${alg.number} (${alg.mnemonic})`];
  if (alg.number === 8) for (const [label, f] of RSA_FIELDS) lines.push(`${label}: ${b64(jwk[f] as string | undefined)}`);
  else lines.push(`PrivateKey: ${b64(jwk.d)}`);
  return lines.join('\n') + '\n';
}

/** A private key and its algorithm from BIND's private key text (what PowerDNS's POST cryptokeys takes). */
export function parseIscPrivateKey(text: string): { algorithm: number; privateKey: KeyObject } {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m) fields.set(m[1]!.toLowerCase(), m[2]!);
  }
  const bad = (why: string): DnssecError => new DnssecError('GDNS_ERR_DNSSEC_KEY_FILE', `Key could not be parsed. Make sure your key format is correct. (${why})`);
  const algText = fields.get('algorithm');
  if (algText === undefined) throw bad('no Algorithm line');
  const number = Number(/^\d+/.exec(algText)?.[0] ?? NaN);
  const alg = algorithmOf(Number.isFinite(number) ? number : algText);
  try {
    if (alg.number === 8) {
      const jwk: JsonWebKey = { kty: 'RSA' };
      for (const [label, f] of RSA_FIELDS) {
        const v = fields.get(label.toLowerCase());
        if (v === undefined) throw bad(`no ${label} line`);
        (jwk as Record<string, string>)[f] = b64u(v);
      }
      return { algorithm: 8, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
    }
    const raw = fields.get('privatekey');
    if (raw === undefined) throw bad('no PrivateKey line');
    const d = Buffer.from(raw, 'base64');
    if (alg.number === 15) {
      if (d.length !== 32) throw bad('an Ed25519 private key has 32 bytes');
      const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), d]);
      return { algorithm: 15, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
    }
    const curve = alg.number === 13 ? 'prime256v1' : 'secp384r1';
    const size = alg.number === 13 ? 32 : 48;
    if (d.length !== size) throw bad(`an ${alg.mnemonic} private key has ${size} bytes`);
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    const jwk: JsonWebKey = {
      kty: 'EC', crv: alg.number === 13 ? 'P-256' : 'P-384', d: d.toString('base64url'),
      x: pub.subarray(1, 1 + size).toString('base64url'), y: pub.subarray(1 + size).toString('base64url'),
    };
    return { algorithm: alg.number, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
  } catch (err) {
    if (err instanceof DnssecError) throw err;
    throw bad((err as Error).message);
  }
}

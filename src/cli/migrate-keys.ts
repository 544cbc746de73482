import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** DER prefixes: SEC1 ECPrivateKey without a public key (Node derives it), PKCS#8 for Ed25519. */
const EC_OID = { 13: '06082a8648ce3d030107', 14: '06052b81040022' } as const;
const ED25519_PKCS8 = '302e020100300506032b657004220420';

function der(tag: number, body: Buffer): Buffer {
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const b64url = (b64: string): string => Buffer.from(b64, 'base64').toString('base64url');

/**
 * The private key of a PowerDNS `cryptokeys.content` (BIND's Private-key-format v1.x text) as a Node key,
 * with its algorithm number. Algorithms 8 (RSASHA256), 13, 14 (ECDSA) and 15 (Ed25519).
 */
export function parseBindPrivateKey(text: string): { algorithm: number; key: KeyObject } {
  const f = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) f.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const algorithm = Number.parseInt(f.get('Algorithm') ?? '', 10);
  const need = (k: string): string => {
    const v = f.get(k);
    if (v === undefined) throw new Error(`the private key has no "${k}:" line`);
    return v;
  };
  if (algorithm === 13 || algorithm === 14) {
    const d = Buffer.from(need('PrivateKey'), 'base64');
    const body = Buffer.concat([Buffer.from('020101', 'hex'), der(0x04, d), der(0xa0, Buffer.from(EC_OID[algorithm], 'hex'))]);
    return { algorithm, key: createPrivateKey({ key: der(0x30, body), format: 'der', type: 'sec1' }) };
  }
  if (algorithm === 15) {
    const seed = Buffer.from(need('PrivateKey'), 'base64');
    return { algorithm, key: createPrivateKey({ key: Buffer.concat([Buffer.from(ED25519_PKCS8, 'hex'), seed]), format: 'der', type: 'pkcs8' }) };
  }
  if (algorithm === 8) {
    const jwk = {
      kty: 'RSA', n: b64url(need('Modulus')), e: b64url(need('PublicExponent')), d: b64url(need('PrivateExponent')),
      p: b64url(need('Prime1')), q: b64url(need('Prime2')), dp: b64url(need('Exponent1')), dq: b64url(need('Exponent2')),
      qi: b64url(need('Coefficient')),
    };
    return { algorithm, key: createPrivateKey({ key: jwk, format: 'jwk' }) };
  }
  throw new Error(`DNSSEC algorithm ${f.get('Algorithm') ?? '?'} is not supported (8, 13, 14 and 15 are)`);
}

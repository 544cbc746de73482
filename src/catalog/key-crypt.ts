import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { CatalogError } from './errors.js';

const PREFIX = 'enc:v1:';

/**
 * Private DNSSEC keys at rest: PKCS#8 PEM, or with a secret (config `dnssec.secret`) `enc:v1:` and
 * base64 of IV (12) | tag (16) | AES-256-GCM ciphertext, the AES key derived from the secret with scrypt
 * (N=2^15: a guessed passphrase costs an attacker with the database ~0.1 s per guess).
 */
export class KeyCrypt {
  private readonly key: Buffer | null;

  constructor(secret: string | null | undefined) {
    this.key = secret ? scryptSync(secret, 'geodesic dnssec keys v1', 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 }) : null;
  }

  get encrypting(): boolean {
    return this.key !== null;
  }

  seal(pem: string): string {
    if (this.key === null) return pem;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(pem, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }

  open(stored: string, what: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (this.key === null) {
      throw new CatalogError('GDNS_ERR_DNSSEC_SECRET', `the private key of ${what} is encrypted in the store; give the secret it was written with (config dnssec.secret-file, --dnssec-secret-file or GEODESIC_DNSSEC_SECRET)`);
    }
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch (err) {
      throw new CatalogError('GDNS_ERR_DNSSEC_SECRET', `the private key of ${what} does not decrypt with the configured DNSSEC secret (another secret wrote it)`, { cause: err });
    }
  }
}

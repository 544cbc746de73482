import { createHash } from 'node:crypto';
import { nameLower } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { DnssecError } from './errors.js';
import { keyTagOf } from './key.js';

/** DS digest types Geodesic makes: 2 = SHA-256, 4 = SHA-384 (RFC 4509, RFC 6605). */
export const DS_DIGESTS: Readonly<Record<number, string>> = { 2: 'sha256', 4: 'sha384' };

/** DS rdata (RFC 4034 §5.1.4): key tag, algorithm, digest type, digest(owner | DNSKEY rdata). */
export function dsRdata(owner: Name, dnskey: Uint8Array, digestType = 2): Uint8Array {
  const hash = DS_DIGESTS[digestType];
  if (hash === undefined) throw new DnssecError('GDNS_ERR_DNSSEC_ALGORITHM', `unsupported DS digest type ${digestType} (use 2 or 4)`);
  const digest = createHash(hash).update(nameLower(owner)).update(dnskey).digest();
  const tag = keyTagOf(dnskey);
  const out = new Uint8Array(4 + digest.length);
  out[0] = tag >> 8;
  out[1] = tag & 0xff;
  out[2] = dnskey[3]!;
  out[3] = digestType;
  out.set(digest, 4);
  return out;
}

import { createHash } from 'node:crypto';
import { nameLower } from '../wire/index.js';
import type { Name } from '../wire/index.js';

/** RFC 5155 §5: IH(salt, x, 0) = H(x | salt); IH(salt, x, k) = H(IH(salt, x, k-1) | salt); SHA-1. */
export function nsec3Hash(name: Name, salt: Uint8Array, iterations: number): Uint8Array {
  let digest = createHash('sha1').update(nameLower(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Base32hex without padding, lower case (the first label of an NSEC3 owner). */
export function base32hexLower(b: Uint8Array): string {
  let out = '';
  let bits = 0, acc = 0;
  for (const byte of b) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32HEX[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32HEX[(acc << (5 - bits)) & 31];
  return out;
}

/** Alias of base32hexLower (the name the engine uses). */
export const base32hex = base32hexLower;

/** The hashed owner label of `name` as NSEC3 owners spell it. */
export function nsec3HashText(name: Name, salt: Uint8Array, iterations: number): string {
  return base32hexLower(nsec3Hash(name, salt, iterations));
}

import type { Name } from '../wire/index.js';

const ascii = new TextDecoder('latin1'); // WHATWG "latin1" is windows-1252: used only for bytes < 0x80

/**
 * Same string as wire's nameKey (lower-cased wire bytes as latin1), built without per-byte string
 * concatenation: a flat string, fast to hash and small to keep as a Map key.
 */
export function keyOf(name: Name): string {
  let bytes = name;
  let high = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 65 && c <= 90) {
      if (bytes === name) bytes = name.slice();
      bytes[i] = c + 32;
    } else if (c >= 0x80) high = true;
  }
  if (!high) return ascii.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

import { WireError } from './errors.js';
import type { Name } from './name.js';

/** Bit set in scanName's result when the name used at least one compression pointer. */
export const NAME_COMPRESSED = 0x40000000;

function check(buf: Uint8Array, p: number, len: number, lastTarget: number): number {
  if (p + 1 >= len) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'compression pointer cut short');
  const target = ((buf[p]! & 0x3f) << 8) | buf[p + 1]!;
  if (target >= len || target < 12) throw new WireError('GDNS_ERR_WIRE_POINTER_OUT_OF_BOUNDS', `compression pointer to ${target} outside the message body`);
  if (target >= p) throw new WireError('GDNS_ERR_WIRE_FORWARD_POINTER', `compression pointer at ${p} points forward to ${target}`);
  if (target >= lastTarget) throw new WireError('GDNS_ERR_WIRE_POINTER_LOOP', `compression pointer at ${p} loops back to ${target}`);
  return target;
}

/** 0x40-0x7f read as a length over 63 (or the obsolete extended label type); 0x80-0xbf is reserved. */
export function labelError(l: number, p: number): never {
  if (l < 0x80) throw new WireError('GDNS_ERR_WIRE_LABEL_TOO_LONG', `label at ${p} has length ${l} (over 63)`);
  throw new WireError('GDNS_ERR_WIRE_BAD_LABEL_TYPE', `label type 0x${(l & 0xc0).toString(16)} at ${p} is not supported`);
}

/**
 * Validates the (possibly compressed) name at `off` in buf[0, len) and returns the offset just after
 * it in place, OR-ed with NAME_COMPRESSED when it used a pointer. Pointers must point strictly
 * backwards, each before the previous target (so no loop is possible); expanded length <= 255.
 */
export function scanName(buf: Uint8Array, off: number, len: number): number {
  let p = off;
  let total = 1;
  let after = -1;
  let lastTarget = off;
  for (;;) {
    if (p >= len) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'name runs past the end of the message');
    const l = buf[p]!;
    if (l === 0) return after < 0 ? p + 1 : after | NAME_COMPRESSED;
    if (l >= 0xc0) {
      const target = check(buf, p, len, lastTarget);
      if (after < 0) after = p + 2;
      lastTarget = target;
      p = target;
      continue;
    }
    if (l > 63) labelError(l, p);
    total += l + 1;
    if (total > 255) throw new WireError('GDNS_ERR_WIRE_NAME_TOO_LONG', `name at ${off} is longer than 255 octets`);
    p += l + 1;
  }
}

/**
 * Reads the name at `off`, expanding compression. Returns the uncompressed name (a subarray of buf
 * when it used no pointer, else a new array) and the offset after it in place.
 */
export function readName(buf: Uint8Array, off: number, len: number): { name: Name; next: number } {
  const r = scanName(buf, off, len);
  if ((r & NAME_COMPRESSED) === 0) return { name: buf.subarray(off, r), next: r };
  return { name: expandName(buf, off), next: r & ~NAME_COMPRESSED };
}

/** Expands a name that scanName already validated. */
export function expandName(buf: Uint8Array, off: number): Name {
  const out = new Uint8Array(255);
  let n = 0;
  let p = off;
  for (;;) {
    const l = buf[p]!;
    if (l >= 0xc0) {
      p = ((l & 0x3f) << 8) | buf[p + 1]!;
      continue;
    }
    out.set(buf.subarray(p, p + l + 1), n);
    n += l + 1;
    if (l === 0) return out.slice(0, n);
    p += l + 1;
  }
}

/** Lexicographic byte order, a shorter prefix first (RFC 4034 §6.3 rdata order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Growable byte buffer; `bytes()` is a view of what was written. */
export class ByteSlab {
  buf: Uint8Array;
  used = 0;
  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }
  reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.used + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
  }
  push(b: Uint8Array): number {
    const n = b.length;
    this.reserve(n);
    const off = this.used;
    const buf = this.buf;
    if (n <= 32) for (let i = 0; i < n; i++) buf[off + i] = b[i]!; // cheaper than set() for short rdata
    else buf.set(b, off);
    this.used = off + n;
    return off;
  }
}

/** Growable typed-array column (records are staged column by column, not as objects). */
export function grow<T extends Uint8Array | Uint16Array | Int32Array | Uint32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

import { badRdata, syntaxError } from '../errors.js';
import { typeFromText, typeToText } from '../type-text.js';
import type { FieldKind } from './field.js';

/** Type bitmap (RFC 4034 §4.1.2) from a list of types. */
export function bitmapFromTypes(types: Iterable<number>): number[] {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const win = sorted[i]! >> 8;
    const bits = new Array<number>(32).fill(0);
    let maxByte = 0;
    for (; i < sorted.length && sorted[i]! >> 8 === win; i++) {
      const lo = sorted[i]! & 255;
      bits[lo >> 3]! |= 0x80 >> (lo & 7);
      maxByte = Math.max(maxByte, lo >> 3);
    }
    out.push(win, maxByte + 1, ...bits.slice(0, maxByte + 1));
  }
  return out;
}

/** Validates a type bitmap occupying b[off, end). */
export function bitmapCheck(b: Uint8Array, off: number, end: number, what: string): void {
  let last = -1;
  let p = off;
  while (p < end) {
    if (p + 2 > end) throw badRdata(`${what}: truncated window header`);
    const win = b[p]!;
    const len = b[p + 1]!;
    if (win <= last) throw badRdata(`${what}: windows out of order`);
    if (len < 1 || len > 32) throw badRdata(`${what}: window length ${len} not 1-32`);
    if (p + 2 + len > end) throw badRdata(`${what}: truncated window`);
    if (b[p + 1 + len] === 0) throw badRdata(`${what}: window ${win} ends with a zero octet`);
    last = win;
    p += 2 + len;
  }
}

export function bitmapTypes(b: Uint8Array, off = 0, end = b.length): number[] {
  const types: number[] = [];
  for (let p = off; p + 1 < end; p += 2 + b[p + 1]!) {
    const win = b[p]!;
    const len = b[p + 1]!;
    for (let i = 0; i < len && p + 2 + i < end; i++) {
      const byte = b[p + 2 + i]!;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push((win << 8) | (i * 8 + bit));
    }
  }
  return types;
}

/** Whether the type bitmap `bitmap` (just the bitmap octets) has `type`. */
export function typeBitmapHas(bitmap: Uint8Array, type: number): boolean {
  const win = type >> 8;
  const lo = type & 255;
  for (let p = 0; p + 1 < bitmap.length; p += 2 + bitmap[p + 1]!) {
    if (bitmap[p] !== win) continue;
    const i = lo >> 3;
    if (i >= bitmap[p + 1]!) return false;
    return ((bitmap[p + 2 + i] ?? 0) & (0x80 >> (lo & 7))) !== 0;
  }
  return false;
}

/** The type bitmap to the end of the rdata; text is a list of type mnemonics (may be empty). */
export const bitmap: FieldKind = {
  rest: true,
  fromText(ctx, what, out) {
    const types: number[] = [];
    for (; ctx.i < ctx.tokens.length; ctx.i++) {
      const t = ctx.tokens[ctx.i]!;
      try {
        types.push(typeFromText(t.text));
      } catch {
        throw syntaxError(`${what}: "${t.text}" is not a record type`);
      }
    }
    out.push(...bitmapFromTypes(types));
  },
  end(b, off, end, what) {
    bitmapCheck(b, off, end, what);
    return end;
  },
  toText: (b, off, end) => bitmapTypes(b, off, end).map(typeToText).join(' '),
};

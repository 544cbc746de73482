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
      if (bytes === name) bytes = Uint8Array.prototype.slice.call(name); // a copy, also of a Buffer
      bytes[i] = c + 32;
    } else if (c >= 0x80) high = true;
  }
  if (!high) return ascii.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * Makes the map key of an owner written in a zone file straight from its text when the text is plain
 * (no escapes, printable ASCII): `host-1` relative to the current origin, or `a.b.example.` absolute.
 * The key is built in a scratch buffer and decoded once, so it is a flat string (no rope kept in the
 * zone's Map). One per parser (the scratch buffer is its own state).
 */
export class PlainKeyMaker {
  private readonly buf = new Uint8Array(256);
  private origin: Uint8Array = new Uint8Array(1);

  setOrigin(originKey: string): void {
    this.origin = Uint8Array.from(originKey, (c) => c.charCodeAt(0));
  }

  /** The key, or null when the text needs the full name parser. */
  key(text: string): string | null {
    const n = this.write(text);
    return n < 0 ? null : ascii.decode(this.buf.subarray(0, n));
  }

  /** The key as bytes (a fresh copy), or null when the text needs the full name parser. */
  bytes(text: string): Uint8Array | null {
    const n = this.write(text);
    return n < 0 ? null : this.buf.slice(0, n);
  }

  /** Writes the key bytes into the scratch buffer; returns their length, -1 if the text is not plain. */
  private write(text: string): number {
    const n = text.length;
    if (n === 0 || n > 254) return -1;
    const buf = this.buf;
    let w = 0;
    let lenAt = 0;
    w = 1;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c === 46) {
        const len = w - lenAt - 1;
        if (len === 0 || len > 63) return -1;
        buf[lenAt] = len;
        lenAt = w++;
        if (i === n - 1) { buf[lenAt] = 0; return w; }
        continue;
      }
      if (c <= 32 || c >= 127 || c === 92 || c === 64 || c === 40 || c === 41 || c === 59 || c === 34) return -1;
      if (c >= 65 && c <= 90) c += 32;
      if (w >= 255) return -1;
      buf[w++] = c;
    }
    const len = w - lenAt - 1;
    if (len === 0 || len > 63 || w + this.origin.length > 255) return -1;
    buf[lenAt] = len;
    buf.set(this.origin, w);
    return w + this.origin.length;
  }
}

/** `key` is `ancestorKey` or a name below it (label boundaries respected). */
export function isBelowKey(key: string, ancestorKey: string): boolean {
  if (!key.endsWith(ancestorKey)) return false;
  const cut = key.length - ancestorKey.length;
  for (let p = 0; p < cut; p += key.charCodeAt(p) + 1) if (p + key.charCodeAt(p) + 1 === cut) return true;
  return cut === 0;
}

/** Latin1 map key (lower-cased wire bytes) back to the wire name. */
export function keyToName(key: string): Name {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** `name` (lower-cased wire bytes) is `ancestor` (same form) or below it. */
export function isBelowBytes(name: Uint8Array, ancestor: Uint8Array): boolean {
  const diff = name.length - ancestor.length;
  if (diff < 0) return false;
  let p = 0;
  while (p < diff) p += name[p]! + 1;
  if (p !== diff) return false;
  for (let i = 0; i < ancestor.length; i++) if (name[diff + i] !== ancestor[i]) return false;
  return true;
}

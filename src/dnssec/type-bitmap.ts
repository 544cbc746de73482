/** RFC 4034 §4.1.2 type bit maps: windows of up to 32 octets, only the octets in use. */
export function typeBitmap(types: Iterable<number>): Uint8Array {
  const windows = new Map<number, Uint8Array>();
  for (const t of types) {
    const w = t >> 8;
    let bits = windows.get(w);
    if (bits === undefined) windows.set(w, bits = new Uint8Array(32));
    bits[(t & 0xff) >> 3]! |= 0x80 >> (t & 7);
  }
  const parts: number[] = [];
  for (const w of [...windows.keys()].sort((a, b) => a - b)) {
    const bits = windows.get(w)!;
    let len = 32;
    while (len > 0 && bits[len - 1] === 0) len--;
    parts.push(w, len, ...bits.subarray(0, len));
  }
  return Uint8Array.from(parts);
}

/** RFC 4034 §4.1.2 type bit maps: windows of up to 32 octets, only the octets in use. */
export function typeBitmap(types: readonly number[]): Uint8Array {
  let max = -1;
  for (const t of types) if (t > max) max = t;
  if (max < 0) return new Uint8Array(0);
  if (max < 256) { // window 0 only (nearly every owner): no map, one allocation
    const out = new Uint8Array(2 + (max >> 3) + 1);
    out[1] = out.length - 2;
    for (const t of types) out[2 + (t >> 3)]! |= 0x80 >> (t & 7);
    return out;
  }
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

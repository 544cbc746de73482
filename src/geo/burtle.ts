/**
 * Bob Jenkins' lookup2 hash ("burtle" in PowerDNS), over k[0, length); `fold` lower-cases ASCII
 * letters first (burtleCI, for names). PowerDNS's pickhashed/pickwhashed hash the client address bytes
 * with it, picknamehashed the query name's wire form: the same function gives the same picks.
 */
export function burtle(k: Uint8Array, initval = 0, fold = false): number {
  let a = 0x9e3779b9 | 0;
  let b = a;
  let c = initval | 0;
  const at = fold ? (i: number): number => lowerAscii(k[i]!) : (i: number): number => k[i]!;
  let len = k.length;
  let o = 0;
  while (len >= 12) {
    a = (a + (at(o) | (at(o + 1) << 8) | (at(o + 2) << 16) | (at(o + 3) << 24))) | 0;
    b = (b + (at(o + 4) | (at(o + 5) << 8) | (at(o + 6) << 16) | (at(o + 7) << 24))) | 0;
    c = (c + (at(o + 8) | (at(o + 9) << 8) | (at(o + 10) << 16) | (at(o + 11) << 24))) | 0;
    [a, b, c] = mix(a, b, c);
    o += 12;
    len -= 12;
  }
  c = (c + k.length) | 0;
  // The last 0-11 octets: octets 8-10 go to c (shifted one octet up: c's low octet holds the
  // length), 4-7 to b, 0-3 to a.
  for (let i = len - 1; i >= 0; i--) {
    const v = at(o + i);
    if (i >= 8) c = (c + (v << (8 * (i - 7)))) | 0;
    else if (i >= 4) b = (b + (v << (8 * (i - 4)))) | 0;
    else a = (a + (v << (8 * i))) | 0;
  }
  [a, b, c] = mix(a, b, c);
  return c >>> 0;
}

function lowerAscii(x: number): number {
  return x >= 0x41 && x <= 0x5a ? x | 0x20 : x;
}

function mix(a0: number, b0: number, c0: number): [number, number, number] {
  let a = a0;
  let b = b0;
  let c = c0;
  a = (a - b - c) ^ (c >>> 13);
  b = (b - c - a) ^ (a << 8);
  c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12);
  b = (b - c - a) ^ (a << 16);
  c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3);
  b = (b - c - a) ^ (a << 10);
  c = (c - a - b) ^ (b >>> 15);
  return [a | 0, b | 0, c | 0];
}

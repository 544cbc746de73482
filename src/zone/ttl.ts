const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const MAX_TTL = 0x7fffffff;

/**
 * A TTL as BIND reads it: plain seconds (`3600`) or units (`1h30m`, `1w2d`, case-insensitive).
 * Returns undefined when `s` is not a TTL at all (so the caller may try it as a class or type);
 * throws RangeError for a TTL-shaped value above 2^31-1.
 */
export function parseTtl(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let total = 0;
  let cur = -1;
  let sawUnit = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      cur = (cur < 0 ? 0 : cur) * 10 + (c - 48);
      if (cur > 0xffffffff) throw new RangeError(`TTL "${s}" is too large`);
      continue;
    }
    const unit = UNIT[String.fromCharCode(c | 0x20)];
    if (unit === undefined || cur < 0) return undefined;
    total += cur * unit;
    cur = -1;
    sawUnit = true;
  }
  if (cur >= 0) {
    if (sawUnit) return undefined; // '1h30' is not a TTL in BIND
    total += cur;
  }
  if (total > MAX_TTL) throw new RangeError(`TTL "${s}" is above 2147483647`);
  return total;
}

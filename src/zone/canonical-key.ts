/**
 * A string whose plain `<` order is the RFC 4034 §6.1 canonical order of names: labels from the
 * root down, each byte + 1, each label closed by '\0' (so a shorter label or name sorts first).
 * `key` is a zone node key (lower-cased wire bytes as latin1).
 */
export function canonicalSortKey(key: string): string {
  const starts: number[] = [];
  for (let p = 0; key.charCodeAt(p) !== 0 && p < key.length; p += key.charCodeAt(p) + 1) starts.push(p);
  const codes: number[] = [];
  for (let l = starts.length - 1; l >= 0; l--) {
    const p = starts[l]!;
    const end = p + 1 + key.charCodeAt(p);
    for (let i = p + 1; i < end; i++) codes.push(key.charCodeAt(i) + 1);
    codes.push(0);
  }
  let s = '';
  for (let i = 0; i < codes.length; i += 4096) s += String.fromCharCode(...codes.slice(i, i + 4096));
  return s;
}

/** Index of the last element <= target in a sorted array of strings; -1 if all are greater. */
export function floorIndex(sorted: readonly string[], target: string): number {
  let lo = 0, hi = sorted.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= target) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans;
}

/** Label start offsets of a node key, the root label excluded. */
function labelStarts(key: string): number[] {
  const starts: number[] = [];
  for (let p = 0; p < key.length && key.charCodeAt(p) !== 0; p += key.charCodeAt(p) + 1) starts.push(p);
  return starts;
}

/** RFC 4034 §6.1 canonical order of two node keys (the order of their canonicalSortKey), no string made. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const sa = labelStarts(a), sb = labelStarts(b);
  for (let i = sa.length - 1, j = sb.length - 1; i >= 0 && j >= 0; i--, j--) {
    const pa = sa[i]!, pb = sb[j]!;
    const la = a.charCodeAt(pa), lb = b.charCodeAt(pb);
    const n = Math.min(la, lb);
    for (let k = 1; k <= n; k++) {
      const d = a.charCodeAt(pa + k) - b.charCodeAt(pb + k);
      if (d !== 0) return d;
    }
    if (la !== lb) return la - lb;
  }
  return sa.length - sb.length;
}

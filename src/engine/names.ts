import type { Name } from '../wire/index.js';

/** The DNAME substitution of RFC 6672 §2.2: `qname` with its suffix `owner` replaced by `target`;
 * null when the result would exceed 255 octets (answered YXDOMAIN). */
export function dnameSubstitute(qname: Name, owner: Name, target: Name): Name | null {
  const prefix = qname.length - owner.length;
  const len = prefix + target.length;
  if (len > 255) return null;
  const out = new Uint8Array(len);
  out.set(qname.subarray(0, prefix), 0);
  out.set(target, prefix);
  return out;
}

/** The ancestor-or-self of `name` that has exactly `labels` labels (`name` must have at least that many). */
export function nameSuffix(name: Name, labels: number, nameLabels: number): Name {
  let off = 0;
  for (let i = nameLabels; i > labels; i--) off += (name[off] as number) + 1;
  return name.subarray(off);
}

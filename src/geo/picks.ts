import { burtle } from './burtle.js';

/** A random integer in [0, n) (PowerDNS dns_random). Replaceable in tests. */
export type Random = (n: number) => number;
export const mathRandom: Random = (n) => Math.floor(Math.random() * n);

export interface Positioned<T> {
  item: T;
  lat: number;
  lon: number;
}

/**
 * PowerDNS's pickclosest ranking: squared differences of latitude and longitude in degrees, the
 * longitude difference wrapped only when it exceeds +180 (360 - d), as 4.x does. Returns every item
 * at the smallest distance (PowerDNS picks one of them at random).
 */
export function closestSet<T>(lat: number, lon: number, items: readonly Positioned<T>[]): T[] {
  let best = Infinity;
  let out: T[] = [];
  for (const c of items) {
    const latdiff = lat - c.lat;
    let londiff = lon - c.lon;
    if (londiff > 180) londiff = 360 - londiff;
    const d2 = latdiff * latdiff + londiff * londiff;
    if (d2 < best) {
      best = d2;
      out = [c.item];
    } else if (d2 === best) {
      out.push(c.item);
    }
  }
  return out;
}

/** PowerDNS ComboAddress::addressOnlyHash: burtle over the address bytes. */
export function addressHash(address: Uint8Array): number {
  return burtle(address, 0);
}

/** pickwrandom / pickwhashed: the item whose cumulative weight range holds r (upper_bound on sums). */
export function weightedAt<T>(items: readonly (readonly [number, T])[], r: number): T {
  let sum = 0;
  for (const [w, item] of items) {
    sum += w;
    if (r < sum) return item;
  }
  return items[items.length - 1]![1];
}

export function weightSum(items: readonly (readonly [number, unknown])[]): number {
  let sum = 0;
  for (const [w] of items) sum += w;
  return sum;
}

/** pickrandomsample: n distinct items in random order (std::shuffle, then the first n). */
export function randomSample<T>(n: number, items: readonly T[], random: Random): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, Math.min(Math.max(0, n), a.length));
}

/** pickchashed (consistent hashing): each entry owns `weight` points `burtle("entry-i")` on a ring;
 * the client's address hash goes to the first point at or after it, else the ring's smallest. */
export function consistentPick(items: readonly (readonly [number, string])[], qhash: number): string {
  let sel = 0xffffffff;
  let min = 0xffffffff;
  let ret: string | undefined;
  let first: string | undefined;
  const enc = new TextEncoder();
  for (const [weight, entry] of items) {
    const points: number[] = [];
    for (let i = 0; i < weight; i++) points.push(burtle(enc.encode(`${entry}-${i}`), 0));
    points.sort((x, y) => x - y);
    if (points.length === 0) continue;
    if (points[0]! < min) {
      min = points[0]!;
      first = entry;
    }
    const at = points.find((p) => p >= qhash);
    if (at !== undefined && at < sel) {
      sel = at;
      ret = entry;
    }
  }
  return ret ?? first ?? '';
}

/** libstdc++'s bucket counts as an unordered_map<int, ...> grows one element at a time from empty. */
const GROWTH: ReadonlyArray<readonly [number, number]> = [
  [1, 13], [14, 29], [30, 59], [60, 127], [128, 257], [258, 541], [542, 1109], [1110, 2357], [2358, 5087],
];

/**
 * The order in which PowerDNS (libstdc++) iterates a Lua table read into std::unordered_map<int, ...>
 * with keys 1..n inserted in order: pickwhashed, pickwrandom and picknamehashed walk their items so,
 * and the weighted ranges (hence the picks) follow it. Returns 0-based indices. A node goes to the start
 * of its bucket's run, or to the front of the list when its bucket is empty; a rehash relinks the same way.
 */
export function unorderedMapOrder(n: number): number[] {
  let buckets = 1;
  let list: number[] = [];
  const place = (out: number[], key: number, b: number): void => {
    const at = out.findIndex((k) => k % b === key % b);
    if (at < 0) out.unshift(key);
    else out.splice(at, 0, key);
  };
  for (let key = 1; key <= n; key++) {
    const g = GROWTH.find(([k]) => k === key);
    if (g !== undefined) {
      buckets = g[1];
      const old = list;
      list = [];
      for (const k of old) place(list, k, buckets);
    }
    place(list, key, buckets);
  }
  return list.map((k) => k - 1);
}

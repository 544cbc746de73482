import type { CacheRrlBuckets } from '../native/index.js';

/**
 * Response rate limiting for UDP, as NSD and Knot do it: answers are counted per client network (/24 for
 * IPv4, /56 for IPv6) and per answer token (the engine's: the question for positive answers, the zone and
 * rcode for negative ones); past `rate` answers a second a bucket is limited, and every `slip`-th limited
 * answer is still sent as an empty TC=1 reply (so a real client behind a spoofed flood can retry over
 * TCP), the others are dropped.
 */
export interface RrlOptions {
  /** Answers per second per bucket. Default 200. */
  rate: number;
  /** Every slip-th limited answer is sent truncated; 0 drops all, 1 truncates all. Default 2. */
  slip: number;
  ipv4Prefix: number;
  ipv6Prefix: number;
  /** Networks never limited. Default: loopback (127.0.0.0/8, ::1). */
  exempt: readonly Cidr[];
  /** Buckets kept (a power of two). Default 65536. */
  tableSize: number;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

export const RrlAction = { Send: 0, Slip: 1, Drop: 2 } as const;
export type RrlAction = (typeof RrlAction)[keyof typeof RrlAction];

export const DEFAULT_RRL: RrlOptions = {
  rate: 200, slip: 2, ipv4Prefix: 24, ipv6Prefix: 56, tableSize: 65536,
  exempt: [parseCidr('127.0.0.0/8'), parseCidr('::1/128')],
};

export class ResponseRateLimiter {
  private readonly keys: Uint32Array;
  private readonly balance: Float64Array;
  private readonly stamp: Float64Array;
  private readonly limited: Uint32Array;
  private readonly mask: number;
  /** [0] dropped, [1] slipped: a typed array, so the native answer cache counts into it too. */
  private readonly tally = new Float64Array(2);

  constructor(private readonly opts: RrlOptions = DEFAULT_RRL) {
    let size = 1;
    while (size < opts.tableSize) size <<= 1;
    this.mask = size - 1;
    this.keys = new Uint32Array(size);
    this.balance = new Float64Array(size);
    this.stamp = new Float64Array(size);
    this.limited = new Uint32Array(size);
  }

  /** What to do with an answer with `token` to the client at `address` (4 or 16 bytes) at time `now` (ms). */
  check(address: Uint8Array, token: number, now: number): RrlAction {
    const v4 = address.length === 4;
    if (this.exempt(address)) return RrlAction.Send;
    const prefixBytes = (v4 ? this.opts.ipv4Prefix : this.opts.ipv6Prefix) >> 3;
    let h = (token ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < prefixBytes; i++) h = Math.imul(h ^ address[i]!, 0x01000193);
    h = (h ^ (v4 ? 4 : 6)) >>> 0;
    const key = (h | 1) >>> 0; // 0 marks an empty slot
    const slot = (h ^ (h >>> 16)) & this.mask;
    const rate = this.opts.rate;
    if (this.keys[slot] !== key) {
      // A new bucket (or a colliding one, which simply starts over: the table forgets, it never blocks).
      this.keys[slot] = key;
      this.balance[slot] = rate - 1;
      this.stamp[slot] = now;
      this.limited[slot] = 0;
      return RrlAction.Send;
    }
    const elapsed = (now - this.stamp[slot]!) / 1000;
    this.stamp[slot] = now;
    const refilled = Math.min(rate, this.balance[slot]! + elapsed * rate);
    if (refilled >= 1) {
      this.balance[slot] = refilled - 1;
      return RrlAction.Send;
    }
    this.balance[slot] = refilled; // limited answers cost nothing: the bucket refills at `rate`
    const n = ++this.limited[slot]!;
    const slip = this.opts.slip;
    if (slip > 0 && n % slip === 0) {
      this.tally[1]! += 1;
      return RrlAction.Slip;
    }
    this.tally[0]! += 1;
    return RrlAction.Drop;
  }

  /** Answers dropped and answers sent truncated since start (metrics). */
  counts(): { dropped: number; slipped: number } {
    return { dropped: this.tally[0]!, slipped: this.tally[1]! };
  }

  /** The buckets and settings, for the native answer cache to limit the answers it repeats over the same
   * buckets (src/native/c/rrl.c mirrors check()). */
  shared(): CacheRrlBuckets {
    const exempt = new Uint8Array(this.opts.exempt.length * 18);
    this.opts.exempt.forEach((c, i) => { exempt[i * 18] = c.family; exempt[i * 18 + 1] = c.prefix; exempt.set(c.bytes, i * 18 + 2); });
    return {
      keys: this.keys, balance: this.balance, stamp: this.stamp, limited: this.limited, counts: this.tally,
      rate: this.opts.rate, slip: this.opts.slip, ipv4Prefix: this.opts.ipv4Prefix, ipv6Prefix: this.opts.ipv6Prefix, exempt,
    };
  }

  private exempt(address: Uint8Array): boolean {
    for (const c of this.opts.exempt) if (inCidr(address, c)) return true;
    return false;
  }
}

/** Parses `192.0.2.0/24`, `2001:db8::/32`, or a single address (full prefix). */
export function parseCidr(text: string): Cidr {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const bytes = parseAddress(addr);
  if (bytes === null) throw new Error(`"${text}" is not an IP address or network (e.g. 192.0.2.0/24, 2001:db8::/32)`);
  const max = bytes.length * 8;
  const prefix = len === undefined ? max : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${text}": prefix length must be 0-${max}`);
  return { family: bytes.length === 4 ? 4 : 6, bytes, prefix };
}

export function inCidr(address: Uint8Array, c: Cidr): boolean {
  if (address.length !== c.bytes.length) return false;
  const full = c.prefix >> 3;
  for (let i = 0; i < full; i++) if (address[i] !== c.bytes[i]) return false;
  const rest = c.prefix & 7;
  if (rest === 0) return true;
  const m = (0xff << (8 - rest)) & 0xff;
  return ((address[full]! ^ c.bytes[full]!) & m) === 0;
}

/** IPv4 dotted quad or IPv6 text to bytes; null if neither. */
export function parseAddress(text: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? Uint8Array.from(b) : null;
  }
  if (!text.includes(':')) return null;
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) { head = text.slice(0, dbl); tail = text.slice(dbl + 2); if (tail.includes('::')) return null; }
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const four = parseAddress(p);
        if (four === null || four.length !== 4) return null;
        out.push((four[0]! << 8) | four[1]!, (four[2]! << 8) | four[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const h = parse(head);
  const t = parse(tail);
  if (h === null || t === null) return null;
  const fill = 8 - h.length - t.length;
  if ((dbl < 0 && fill !== 0) || fill < 0 || (dbl >= 0 && fill < 1)) return null;
  const words = [...h, ...new Array<number>(dbl >= 0 ? fill : 0).fill(0), ...t];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => { bytes[2 * i] = w >> 8; bytes[2 * i + 1] = w & 0xff; });
  return bytes;
}

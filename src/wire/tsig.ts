import { BADSIG, RRClass, RRType, Rcode } from './constants.js';
import { WireError } from './errors.js';
import type { Name } from './name.js';
import { nameFromText, nameLower, nameEqual } from './name.js';
import { NAME_COMPRESSED, expandName, scanName } from './name-read.js';

export type HmacAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';
/** HMAC injected by the caller (the cli passes node:crypto's createHmac). */
export type Hmac = (algorithm: HmacAlgorithm, key: Uint8Array, data: Uint8Array) => Uint8Array;

export interface TsigKey {
  name: Name;
  algorithm: Name;
  secret: Uint8Array;
}

const ALGORITHMS: [Name, HmacAlgorithm][] = [
  [nameFromText('hmac-sha256.'), 'sha256'], [nameFromText('hmac-sha384.'), 'sha384'], [nameFromText('hmac-sha512.'), 'sha512'],
  [nameFromText('hmac-sha1.'), 'sha1'], [nameFromText('hmac-md5.sig-alg.reg.int.'), 'md5'],
];

/** The TSIG algorithm name of an HMAC hash ('sha256' -> hmac-sha256.). */
export function tsigAlgorithmName(alg: HmacAlgorithm): Name {
  return ALGORITHMS.find(([, a]) => a === alg)![0];
}

function hmacOf(alg: Name): HmacAlgorithm | undefined {
  return ALGORITHMS.find(([n]) => nameEqual(n, alg))?.[1];
}

export interface TsigSignOptions {
  time?: number;
  fudge?: number;
  /** MAC of the request (signing a response) or of the previous message (continuation). */
  requestMac?: Uint8Array;
  error?: number;
  /** Continuation message of a multi-message answer: only the timers are digested (RFC 8945 §5.3.1). */
  timersOnly?: boolean;
}

class Bytes {
  a: number[] = [];
  u16(v: number): this { this.a.push((v >> 8) & 255, v & 255); return this; }
  u32(v: number): this { return this.u16(Math.floor(v / 65536) & 0xffff).u16(v & 0xffff); }
  u48(v: number): this { return this.u16(Math.floor(v / 2 ** 32)).u32(v % 2 ** 32); }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.a.push(b[i]!); return this; }
  done(): Uint8Array { return Uint8Array.from(this.a); }
}

interface Vars { keyName: Name; alg: Name; time: number; fudge: number; error: number; other: Uint8Array }

function digestInput(msg: Uint8Array, v: Vars, prior: Uint8Array | undefined, timersOnly: boolean): Uint8Array {
  const b = new Bytes();
  if (prior) b.u16(prior.length).bytes(prior);
  b.bytes(msg);
  if (timersOnly) return b.u48(v.time).u16(v.fudge).done();
  b.bytes(nameLower(v.keyName)).u16(RRClass.ANY).u32(0).bytes(nameLower(v.alg));
  return b.u48(v.time).u16(v.fudge).u16(v.error).u16(v.other.length).bytes(v.other).done();
}

function tsigRdata(v: Vars, mac: Uint8Array, originalId: number): Uint8Array {
  return new Bytes().bytes(v.alg).u48(v.time).u16(v.fudge).u16(mac.length).bytes(mac).u16(originalId)
    .u16(v.error).u16(v.other.length).bytes(v.other).done();
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Signs msg (a complete message without TSIG): returns it with the TSIG RR appended, and the MAC. */
export function tsigSign(msg: Uint8Array, key: TsigKey, hmac: Hmac, opts: TsigSignOptions = {}): { message: Uint8Array; mac: Uint8Array } {
  if (msg.length < 12) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'TSIG: message shorter than a header');
  const alg = hmacOf(key.algorithm);
  if (!alg) throw new WireError('GDNS_ERR_WIRE_BAD_TSIG', 'TSIG: unsupported algorithm');
  const time = opts.time ?? nowSeconds();
  const error = opts.error ?? 0;
  const other = error === Rcode.BADTIME ? new Bytes().u48(time).done() : new Uint8Array(0);
  const v: Vars = { keyName: key.name, alg: key.algorithm, time, fudge: opts.fudge ?? 300, error, other };
  const mac = hmac(alg, key.secret, digestInput(msg, v, opts.requestMac, opts.timersOnly ?? false));
  const rdata = tsigRdata(v, mac, (msg[0]! << 8) | msg[1]!);
  const rr = new Bytes().bytes(key.name).u16(RRType.TSIG).u16(RRClass.ANY).u32(0).u16(rdata.length).bytes(rdata).done();
  const out = new Uint8Array(msg.length + rr.length);
  out.set(msg);
  out.set(rr, msg.length);
  const ar = ((out[10]! << 8) | out[11]!) + 1;
  out[10] = ar >> 8;
  out[11] = ar & 255;
  return { message: out, mac };
}

export interface TsigVerifyResult {
  /** 0, or BADSIG (16), BADKEY (17), BADTIME (18), or FORMERR (1) for a missing or malformed TSIG. */
  error: number;
  key: TsigKey | null;
  mac: Uint8Array | null;
  time: number;
}

interface Parsed { start: number; keyName: Name; alg: Name; time: number; fudge: number; mac: Uint8Array; originalId: number; error: number; other: Uint8Array }

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

function skipName(buf: Uint8Array, p: number): number {
  return scanName(buf, p, buf.length) & ~NAME_COMPRESSED;
}

/** Finds and parses the TSIG RR (last in additional); null when there is none. */
function findTsig(buf: Uint8Array): Parsed | null {
  if (buf.length < 12) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'TSIG: message shorter than a header');
  let p = 12;
  for (let i = u16(buf, 4); i > 0; i--) p = skipName(buf, p) + 4;
  const total = u16(buf, 6) + u16(buf, 8) + u16(buf, 10);
  for (let i = 0; i < total; i++) {
    const start = p;
    p = skipName(buf, p);
    if (p + 10 > buf.length) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'TSIG: record cut short');
    const type = u16(buf, p);
    const rdEnd = p + 10 + u16(buf, p + 8);
    if (rdEnd > buf.length) throw new WireError('GDNS_ERR_WIRE_TRUNCATED', 'TSIG: rdata cut short');
    if (type === RRType.TSIG) {
      if (i !== total - 1 || rdEnd !== buf.length) throw new WireError('GDNS_ERR_WIRE_BAD_TSIG', 'TSIG is not the last record');
      return parseTsig(buf, start, p, rdEnd);
    }
    p = rdEnd;
  }
  return null;
}

function parseTsig(buf: Uint8Array, start: number, p: number, rdEnd: number): Parsed {
  const bad = (): never => { throw new WireError('GDNS_ERR_WIRE_BAD_TSIG', 'TSIG record malformed'); };
  if (u16(buf, p + 2) !== RRClass.ANY) bad();
  const keyName = expandName(buf, start);
  let q = p + 10;
  const algEnd = skipName(buf, q);
  const alg = expandName(buf, q);
  q = algEnd;
  if (q + 10 > rdEnd) bad();
  const time = u16(buf, q) * 2 ** 32 + u16(buf, q + 2) * 65536 + u16(buf, q + 4);
  const fudge = u16(buf, q + 6);
  const macLen = u16(buf, q + 8);
  q += 10;
  if (q + macLen + 6 > rdEnd) bad();
  const mac = buf.slice(q, q + macLen);
  q += macLen;
  const originalId = u16(buf, q);
  const error = u16(buf, q + 2);
  const otherLen = u16(buf, q + 4);
  if (q + 6 + otherLen !== rdEnd) bad();
  return { start, keyName, alg, time, fudge, mac, originalId, error, other: buf.slice(q + 6, rdEnd) };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array, n: number): boolean {
  let diff = a.length < n || b.length < n ? 1 : 0;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export interface TsigVerifyOptions {
  now?: number;
  requestMac?: Uint8Array;
  /** Continuation message (RFC 8945 §5.3.1): requestMac is the previous message's MAC, timers only. */
  timersOnly?: boolean;
}

/** Verifies the TSIG of msg (RFC 8945 §5.2): MAC (constant-time compare), then time within fudge. */
export function tsigVerify(msg: Uint8Array, findKey: (name: Name, alg: Name) => TsigKey | undefined, hmac: Hmac,
  opts: TsigVerifyOptions = {}): TsigVerifyResult {
  let t: Parsed | null;
  try {
    t = findTsig(msg);
  } catch (e) {
    if (e instanceof WireError) return { error: Rcode.FORMERR, key: null, mac: null, time: 0 };
    throw e;
  }
  if (!t) return { error: Rcode.FORMERR, key: null, mac: null, time: 0 };
  const key = findKey(t.keyName, t.alg);
  const alg = hmacOf(t.alg);
  if (!key || !alg || !nameEqual(key.algorithm, t.alg)) return { error: Rcode.BADKEY, key: null, mac: null, time: t.time };
  const stripped = msg.slice(0, t.start);
  stripped[0] = t.originalId >> 8;
  stripped[1] = t.originalId & 255;
  const ar = u16(stripped, 10) - 1;
  stripped[10] = ar >> 8;
  stripped[11] = ar & 255;
  const v: Vars = { keyName: t.keyName, alg: t.alg, time: t.time, fudge: t.fudge, error: t.error, other: t.other };
  const want = hmac(alg, key.secret, digestInput(stripped, v, opts.requestMac, opts.timersOnly ?? false));
  const minLen = Math.max(10, Math.ceil(want.length / 2));
  if (t.mac.length > want.length || t.mac.length < minLen || !constantTimeEqual(t.mac, want, t.mac.length)) {
    return { error: BADSIG, key, mac: null, time: t.time };
  }
  const now = opts.now ?? nowSeconds();
  if (Math.abs(now - t.time) > t.fudge) return { error: Rcode.BADTIME, key, mac: t.mac, time: t.time };
  return { error: 0, key, mac: t.mac, time: t.time };
}

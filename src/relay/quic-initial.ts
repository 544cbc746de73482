/**
 * Reads the CRYPTO data of a QUIC client's Initial packets (RFC 9000 §17.2.2, RFC 9001 §5) without
 * terminating QUIC: derives the Initial keys from the client's Destination Connection ID, removes
 * header protection, decrypts (AES-128-GCM) and collects CRYPTO frames. QUIC v1 and v2 (RFC 9369).
 * A `QuicHelloCollector` reassembles the ClientHello across Initial packets (and coalesced
 * packets in one datagram) and hands it to the pure TLS peeker.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { peekHandshakeHello } from './sni.js';
import type { PeekResult } from './sni.js';

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

interface VersionParams {
  readonly salt: Buffer;
  readonly key: string;
  readonly iv: string;
  readonly hp: string;
  readonly initialType: number;
}

const VERSIONS = new Map<number, VersionParams>([
  [QUIC_V1, { salt: Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'), key: 'quic key', iv: 'quic iv', hp: 'quic hp', initialType: 0 }],
  [QUIC_V2, { salt: Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex'), key: 'quicv2 key', iv: 'quicv2 iv', hp: 'quicv2 hp', initialType: 1 }],
]);

export interface InitialKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly hp: Buffer;
}

function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  // HKDF-Expand with one block (length <= 32 for SHA-256).
  return createHmac('sha256', secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

/** The client's Initial keys for a version and Destination Connection ID. */
export function clientInitialKeys(version: number, dcid: Uint8Array): InitialKeys | undefined {
  const v = VERSIONS.get(version);
  if (!v) return undefined;
  const initial = createHmac('sha256', v.salt).update(dcid).digest();
  const client = expandLabel(initial, 'client in', 32);
  return { key: expandLabel(client, v.key, 16), iv: expandLabel(client, v.iv, 12), hp: expandLabel(client, v.hp, 16) };
}

/** QUIC variable-length integer at `off`: [value, next offset], or undefined past the end. */
function varint(b: Uint8Array, off: number): [number, number] | undefined {
  if (off >= b.length) return undefined;
  const first = b[off] ?? 0;
  const len = 1 << (first >> 6);
  if (off + len > b.length) return undefined;
  let v = first & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + (b[off + i] ?? 0);
  return [v, off + len];
}

export interface CryptoFragment {
  readonly offset: number;
  readonly data: Buffer;
}

/** Outcome of one datagram: `not-quic` (route to the default), or the Initial CRYPTO fragments in it. */
export type InitialParse =
  | { readonly kind: 'not-quic' }
  | { readonly kind: 'initial'; readonly version: number; readonly dcid: Buffer; readonly fragments: readonly CryptoFragment[] };

const NOT_QUIC = { kind: 'not-quic' } as const;

/**
 * Decrypts every client Initial packet coalesced in `datagram`. `dcid`, when given, is the
 * connection's original Destination Connection ID (keys stay those of the first Initial).
 */
export function readInitialPackets(datagram: Uint8Array, dcid?: Buffer): InitialParse {
  const fragments: CryptoFragment[] = [];
  let off = 0;
  let version = 0;
  let firstDcid: Buffer | undefined;
  while (off < datagram.length) {
    const pkt = readOne(datagram, off, dcid ?? firstDcid);
    if (!pkt) break;
    if (off === 0) {
      version = pkt.version;
      firstDcid = pkt.dcid;
    }
    fragments.push(...pkt.fragments);
    off = pkt.end;
  }
  if (!firstDcid) return NOT_QUIC;
  return { kind: 'initial', version, dcid: dcid ?? firstDcid, fragments };
}

function readOne(d: Uint8Array, start: number, keyDcid: Buffer | undefined): { version: number; dcid: Buffer; fragments: CryptoFragment[]; end: number } | undefined {
  const b0 = d[start] ?? 0;
  if ((b0 & 0xc0) !== 0xc0 || start + 7 > d.length) return undefined; // long header with fixed bit
  const version = (((d[start + 1] ?? 0) << 24) | ((d[start + 2] ?? 0) << 16) | ((d[start + 3] ?? 0) << 8) | (d[start + 4] ?? 0)) >>> 0;
  const params = VERSIONS.get(version);
  if (!params || ((b0 >> 4) & 0x03) !== params.initialType) return undefined;
  let off = start + 5;
  const dcidLen = d[off++] ?? 0;
  if (dcidLen > 20 || off + dcidLen > d.length) return undefined;
  const dcid = Buffer.from(d.subarray(off, off + dcidLen));
  off += dcidLen;
  const scidLen = d[off++] ?? 0;
  if (scidLen > 20) return undefined;
  off += scidLen;
  const tokenLen = varint(d, off);
  if (!tokenLen) return undefined;
  off = tokenLen[1] + tokenLen[0];
  const length = varint(d, off);
  if (!length) return undefined;
  const pnOffset = length[1];
  const end = pnOffset + length[0];
  if (end > d.length || length[0] < 20) return undefined;
  const keys = clientInitialKeys(version, keyDcid ?? dcid);
  if (!keys) return undefined;
  const fragments = decrypt(d, start, pnOffset, end, keys);
  return fragments ? { version, dcid, fragments, end } : undefined;
}

function decrypt(d: Uint8Array, start: number, pnOffset: number, end: number, keys: InitialKeys): CryptoFragment[] | undefined {
  const sample = d.subarray(pnOffset + 4, pnOffset + 20);
  const ecb = createCipheriv('aes-128-ecb', keys.hp, null);
  const mask = ecb.update(sample);
  const header = Buffer.from(d.subarray(start, pnOffset + 4));
  header[0] = (header[0] ?? 0) ^ ((mask[0] ?? 0) & 0x0f);
  const pnLen = ((header[0] ?? 0) & 0x03) + 1;
  let pn = 0;
  const hdrLen = pnOffset - start + pnLen;
  for (let i = 0; i < pnLen; i++) {
    const at = pnOffset - start + i;
    header[at] = (header[at] ?? 0) ^ (mask[1 + i] ?? 0);
    pn = pn * 256 + (header[at] ?? 0);
  }
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = (nonce[11 - i] ?? 0) ^ ((pn / 2 ** (8 * i)) & 0xff);
  const body = d.subarray(pnOffset + pnLen, end - 16);
  const tag = d.subarray(end - 16, end);
  try {
    const gcm = createDecipheriv('aes-128-gcm', keys.key, nonce);
    gcm.setAAD(header.subarray(0, hdrLen));
    gcm.setAuthTag(tag);
    const plain = Buffer.concat([gcm.update(body), gcm.final()]);
    return cryptoFrames(plain);
  } catch {
    return undefined; // not a client Initial we can read (wrong keys, corrupted)
  }
}

/** CRYPTO frames of an Initial payload; the other frames allowed there are skipped. */
function cryptoFrames(p: Buffer): CryptoFragment[] | undefined {
  const out: CryptoFragment[] = [];
  let off = 0;
  while (off < p.length) {
    const t = varint(p, off);
    if (!t) return undefined;
    off = t[1];
    const type = t[0];
    if (type === 0x00 || type === 0x01) continue; // PADDING, PING
    if (type === 0x06) {
      const o = varint(p, off);
      const l = o && varint(p, o[1]);
      if (!o || !l || l[1] + l[0] > p.length) return undefined;
      out.push({ offset: o[0], data: p.subarray(l[1], l[1] + l[0]) });
      off = l[1] + l[0];
      continue;
    }
    if (type === 0x02 || type === 0x03) {
      const n = skipAck(p, off, type === 0x03);
      if (n === undefined) return undefined;
      off = n;
      continue;
    }
    return out; // CONNECTION_CLOSE or anything else: stop reading
  }
  return out;
}

function skipAck(p: Buffer, off: number, ecn: boolean): number | undefined {
  let at: [number, number] | undefined = [0, off];
  const next = (): boolean => (at = at && varint(p, at[1])) !== undefined;
  if (!next() || !next()) return undefined; // largest acknowledged, delay
  if (!next()) return undefined;
  const ranges = at[0];
  if (!next()) return undefined; // first range
  for (let i = 0; i < ranges * 2; i++) if (!next()) return undefined;
  if (ecn) for (let i = 0; i < 3; i++) if (!next()) return undefined;
  return at[1];
}

/** Collects CRYPTO data over a client's first Initial packets until its ClientHello is complete. */
export class QuicHelloCollector {
  private dcid: Buffer | undefined;
  private readonly parts = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds one datagram; `not-quic` for the first one decides the default route. */
  add(datagram: Uint8Array): PeekResult | { readonly kind: 'not-quic' } {
    const r = readInitialPackets(datagram, this.dcid);
    if (r.kind === 'not-quic') return this.dcid ? { kind: 'need-more' } : r;
    this.dcid ??= r.dcid;
    for (const f of r.fragments) {
      if (f.offset + f.data.length > this.maxBytes) return { kind: 'too-large' };
      if (!this.parts.has(f.offset)) {
        this.parts.set(f.offset, Buffer.from(f.data));
        this.bytes += f.data.length;
      }
    }
    return peekHandshakeHello(this.contiguous(), this.maxBytes);
  }

  /** The CRYPTO stream from offset 0 up to the first gap. */
  private contiguous(): Buffer {
    const sorted = [...this.parts.entries()].sort((a, b) => a[0] - b[0]);
    const out: Buffer[] = [];
    let at = 0;
    for (const [o, d] of sorted) {
      if (o > at) break;
      if (o + d.length <= at) continue;
      out.push(d.subarray(at - o));
      at = o + d.length;
    }
    return Buffer.concat(out);
  }
}

/**
 * Pure TLS ClientHello peeker: finds SNI and ALPN in the first bytes a client sends, without
 * terminating TLS. Handles a hello split over TCP segments (call again with more bytes) and over
 * several TLS records, GREASE values, large (post-quantum) key shares and ECH (the outer SNI is the
 * ClientHelloOuter's server_name, which is what routing must use). No I/O, no module state.
 */

/** The most handshake bytes a hello may take (HAProxy/Caddy-l4 use 16 KiB too). */
export const MAX_CLIENT_HELLO = 16 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_ECH = 0xfe0d;

export interface ClientHello {
  readonly kind: 'hello';
  /** Lowercased host name without a trailing dot, or undefined when the hello names none. */
  readonly sni: string | undefined;
  readonly alpn: readonly string[];
  /** The hello carries an encrypted_client_hello extension (routing used the outer SNI). */
  readonly ech: boolean;
  /** Bytes of the TLS records that held the hello (for logs and metrics). */
  readonly bytes: number;
}

/**
 * `need-more`: a prefix of a hello, call again with more bytes. `not-tls`: the bytes cannot start a
 * TLS handshake (route to the default). `too-large`: over `maxBytes`. `invalid`: TLS framing but a
 * malformed hello.
 */
export type PeekResult =
  | ClientHello
  | { readonly kind: 'need-more' }
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'invalid'; readonly reason: string };

const NEED_MORE = { kind: 'need-more' } as const;
const NOT_TLS = { kind: 'not-tls' } as const;
const TOO_LARGE = { kind: 'too-large' } as const;
const invalid = (reason: string): PeekResult => ({ kind: 'invalid', reason });

const u16 = (b: Uint8Array, off: number): number => ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
const u24 = (b: Uint8Array, off: number): number => ((b[off] ?? 0) << 16) | u16(b, off + 1);

/**
 * Peek at `buf` (everything received so far). Returns a hello once all its bytes are in, however
 * they were framed into TLS records.
 */
export function peekClientHello(buf: Uint8Array, maxBytes = MAX_CLIENT_HELLO): PeekResult {
  if (buf.length === 0) return NEED_MORE;
  if (buf[0] !== RECORD_HANDSHAKE) return NOT_TLS;
  if (buf.length >= 2 && buf[1] !== 0x03) return NOT_TLS;
  if (buf.length < 5) return NEED_MORE;
  const firstLen = u16(buf, 3);
  if (firstLen === 0 || firstLen > 16384 + 256) return invalid('record length');
  // Fast path: the whole hello in the first record, parsed in place.
  if (buf.length >= 9 && 5 + firstLen <= buf.length) {
    if (buf[5] !== HANDSHAKE_CLIENT_HELLO) return invalid('not a ClientHello');
    const msgLen = u24(buf, 6);
    if (4 + msgLen > maxBytes) return TOO_LARGE;
    if (4 + msgLen <= firstLen) return parseHelloBody(buf.subarray(9, 9 + msgLen), 5 + firstLen);
  }
  return reassemble(buf, maxBytes);
}

/**
 * Peeks at raw TLS handshake bytes (no record layer), as QUIC carries them in CRYPTO frames:
 * a ClientHello once complete, `need-more` before.
 */
export function peekHandshakeHello(hs: Uint8Array, maxBytes = MAX_CLIENT_HELLO): PeekResult {
  if (hs.length === 0) return NEED_MORE;
  if (hs[0] !== HANDSHAKE_CLIENT_HELLO) return invalid('not a ClientHello');
  if (hs.length < 4) return NEED_MORE;
  const need = 4 + u24(hs, 1);
  if (need > maxBytes) return TOO_LARGE;
  if (hs.length < need) return NEED_MORE;
  return parseHelloBody(hs.subarray(4, need), need);
}

/** Joins the handshake fragments of consecutive records until the ClientHello is complete. */
function reassemble(buf: Uint8Array, maxBytes: number): PeekResult {
  const parts: Uint8Array[] = [];
  let have = 0;
  let need = -1;
  let off = 0;
  while (off + 5 <= buf.length) {
    if (buf[off] !== RECORD_HANDSHAKE || buf[off + 1] !== 0x03) return invalid('record type');
    const len = u16(buf, off + 3);
    if (len === 0 || len > 16384 + 256) return invalid('record length');
    const end = Math.min(off + 5 + len, buf.length);
    parts.push(buf.subarray(off + 5, end));
    have += end - off - 5;
    if (need < 0 && have >= 4) {
      const head = concat(parts, have);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return invalid('not a ClientHello');
      need = 4 + u24(head, 1);
      if (need > maxBytes) return TOO_LARGE;
    }
    if (need >= 0 && have >= need) {
      const msg = concat(parts, have);
      return parseHelloBody(msg.subarray(4, need), end);
    }
    if (end < off + 5 + len) break;
    off = end;
  }
  if (buf.length > maxBytes + 5 * 8 + 64) return TOO_LARGE;
  return NEED_MORE;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses a ClientHello body (after the 4-byte handshake header). */
function parseHelloBody(b: Uint8Array, recordBytes: number): PeekResult {
  let off = 2 + 32; // legacy_version, random
  if (off + 1 > b.length) return invalid('truncated');
  off += 1 + (b[off] ?? 0); // session id
  if (off + 2 > b.length) return invalid('truncated');
  off += 2 + u16(b, off); // cipher suites
  if (off + 1 > b.length) return invalid('truncated');
  off += 1 + (b[off] ?? 0); // compression methods
  if (off > b.length) return invalid('truncated');
  const hello = { sni: undefined as string | undefined, alpn: [] as string[], ech: false };
  if (off === b.length) return { kind: 'hello', ...hello, bytes: recordBytes }; // no extensions
  if (off + 2 > b.length) return invalid('truncated');
  const extEnd = off + 2 + u16(b, off);
  if (extEnd > b.length) return invalid('extensions overrun');
  off += 2;
  while (off + 4 <= extEnd) {
    const type = u16(b, off);
    const len = u16(b, off + 2);
    const start = off + 4;
    off = start + len;
    if (off > extEnd) return invalid('extension overrun');
    const body = b.subarray(start, off);
    if (type === EXT_SERVER_NAME) {
      const name = readServerName(body);
      if (name === null) return invalid('server_name');
      hello.sni = name;
    } else if (type === EXT_ALPN) {
      const list = readAlpn(body);
      if (list === null) return invalid('alpn');
      hello.alpn = list;
    } else if (type === EXT_ECH) {
      hello.ech = true;
    }
  }
  if (off !== extEnd) return invalid('extension framing');
  return { kind: 'hello', ...hello, bytes: recordBytes };
}

/** server_name extension: the first host_name entry, lowercased, trailing dot removed. */
function readServerName(b: Uint8Array): string | undefined | null {
  if (b.length === 0) return undefined; // a server's empty echo; not in a ClientHello normally
  if (b.length < 2 || 2 + u16(b, 0) !== b.length) return null;
  let off = 2;
  while (off + 3 <= b.length) {
    const type = b[off];
    const len = u16(b, off + 1);
    off += 3;
    if (off + len > b.length) return null;
    if (type === 0) return hostName(b.subarray(off, off + len));
    off += len;
  }
  return off === b.length ? undefined : null;
}

/** Validates LDH-ish host name bytes (underscore allowed) and lowercases them. */
function hostName(b: Uint8Array): string | null {
  let end = b.length;
  if (end > 0 && b[end - 1] === 0x2e) end--;
  if (end === 0 || end > 253) return null;
  let s = '';
  for (let i = 0; i < end; i++) {
    let c = b[i] ?? 0;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e;
    if (!ok) return null;
    s += String.fromCharCode(c);
  }
  return s.includes('..') || s.startsWith('.') ? null : s;
}

function readAlpn(b: Uint8Array): string[] | null {
  if (b.length < 2 || 2 + u16(b, 0) !== b.length) return null;
  const out: string[] = [];
  let off = 2;
  while (off < b.length) {
    const len = b[off] ?? 0;
    off += 1;
    if (len === 0 || off + len > b.length) return null;
    let s = '';
    for (let i = off; i < off + len; i++) s += String.fromCharCode(b[i] ?? 0);
    out.push(s);
    off += len;
  }
  return out;
}

import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Flag, RRClass, RRType, Rcode, WireError, decodeMessage, encodeMessage, nameEqual, nameToText, soaMinimum,
} from '../wire/index.js';
import type { Message, Name } from '../wire/index.js';
import { AliasError } from './errors.js';

/** A recursive resolver ALIAS targets are looked up through. */
export interface ResolverAddress {
  host: string;
  port: number;
}

/** The addresses of one target and type: `rdata` empty is NODATA (then `ttl` is the negative TTL). */
export interface LookupResult {
  rdata: Uint8Array[];
  ttl: number;
}

/** Looks up `type` (A or AAAA) at `name`; rejects with an AliasError when no usable answer came. */
export type Lookup = (name: Name, type: number) => Promise<LookupResult>;

export interface StubOptions {
  /** Time one resolver gets for one try (default 1500 ms). */
  timeoutMs?: number;
  /** Rounds over the resolver list (default 2). */
  rounds?: number;
}

/** Longest CNAME chain followed in a resolver's answer. */
const MAX_CHAIN = 16;
/** Negative TTL when a NODATA answer carries no SOA. */
const DEFAULT_NEGATIVE_TTL = 60;

/** Parses `ADDR`, `ADDR:PORT` or `[V6]:PORT` (port 53 by default). */
export function parseResolver(text: string): ResolverAddress {
  const t = text.trim();
  let host = t;
  let port = 53;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    port = Number(v6[2] ?? 53);
  } else if (isIP(t) === 0) {
    const i = t.lastIndexOf(':');
    if (i > 0) {
      host = t.slice(0, i);
      port = /^\d+$/.test(t.slice(i + 1)) ? Number(t.slice(i + 1)) : -1;
    }
  }
  if (isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AliasError('GDNS_ERR_ALIAS_RESOLVER',
      `resolver "${text}" is not ADDRESS[:PORT] (an IP address, e.g. 127.0.0.1, 127.0.0.1:5353 or [::1]:53)`);
  }
  return { host, port };
}

/** The `nameserver` lines of resolv.conf (the system resolver); 127.0.0.1:53 when there are none. */
export function systemResolvers(path = '/etc/resolv.conf'): ResolverAddress[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [{ host: '127.0.0.1', port: 53 }];
  }
  const out: ResolverAddress[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m === null) continue;
    const host = m[1]!.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) is not kept
    if (isIP(host) !== 0) out.push({ host, port: 53 });
  }
  return out.length > 0 ? out : [{ host: '127.0.0.1', port: 53 }];
}

export function formatResolver(r: ResolverAddress): string {
  return r.host.includes(':') ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`;
}

/**
 * A stub resolver over the given recursive resolvers: each is asked in turn (UDP with EDNS, RD set, a fresh
 * socket and ID per question; TCP when the answer is truncated) until one answers NOERROR or NXDOMAIN.
 * The CNAME chain in the answer is followed; the TTL is the smallest along the chain.
 */
export function stubLookup(resolvers: readonly ResolverAddress[], options: StubOptions = {}): Lookup {
  if (resolvers.length === 0) throw new AliasError('GDNS_ERR_ALIAS_RESOLVER', 'no resolver to look ALIAS targets up through');
  const timeoutMs = options.timeoutMs ?? 1500;
  const rounds = options.rounds ?? 2;
  return async (name, type) => {
    const errors: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const r of resolvers) {
        let msg: Message;
        try {
          msg = await ask(r, name, type, timeoutMs);
        } catch (err) {
          errors.push(`${formatResolver(r)}: ${(err as Error).message}`);
          continue;
        }
        if (msg.rcode === Rcode.NXDOMAIN) {
          throw new AliasError('GDNS_ERR_ALIAS_RCODE', `${nameToText(name)} does not exist (NXDOMAIN from ${formatResolver(r)})`);
        }
        if (msg.rcode !== Rcode.NOERROR) {
          errors.push(`${formatResolver(r)}: ${rcodeText(msg.rcode)}`);
          continue;
        }
        try {
          return extract(msg, name, type);
        } catch (err) {
          errors.push(`${formatResolver(r)}: ${(err as Error).message}`);
        }
      }
    }
    const timeouts = errors.every((e) => e.includes('no answer within'));
    throw new AliasError(timeouts ? 'GDNS_ERR_ALIAS_TIMEOUT' : 'GDNS_ERR_ALIAS_RCODE',
      `${nameToText(name)} ${type === RRType.AAAA ? 'AAAA' : 'A'} could not be resolved: ${[...new Set(errors)].join('; ')}`);
  };
}

function rcodeText(rcode: number): string {
  const names: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 4: 'NOTIMP', 5: 'REFUSED' };
  return names[rcode] ?? `rcode ${rcode}`;
}

/** The records of `type` at `name` (through CNAMEs) in a NOERROR answer. */
function extract(msg: Message, name: Name, type: number): LookupResult {
  let cur = name;
  let ttl = Number.MAX_SAFE_INTEGER;
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const rdata: Uint8Array[] = [];
    let setTtl = Number.MAX_SAFE_INTEGER;
    let cname: Name | null = null;
    for (const rr of msg.answers) {
      if (rr.class !== RRClass.IN || !nameEqual(rr.name, cur)) continue;
      if (rr.type === type) {
        rdata.push(rr.rdata);
        setTtl = Math.min(setTtl, rr.ttl);
      } else if (rr.type === RRType.CNAME && cname === null) {
        cname = rr.rdata;
        ttl = Math.min(ttl, rr.ttl);
      }
    }
    if (rdata.length > 0) return { rdata, ttl: Math.min(ttl, setTtl) };
    if (cname === null) break;
    cur = cname;
  }
  const soa = msg.authority.find((rr) => rr.type === RRType.SOA);
  if (soa === undefined && msg.authority.some((rr) => rr.type === RRType.NS) && (msg.flags & Flag.RA) === 0) {
    throw new AliasError('GDNS_ERR_ALIAS_ANSWER', 'answered with a referral: is it a recursive resolver?');
  }
  const negative = soa === undefined ? DEFAULT_NEGATIVE_TTL : Math.min(soa.ttl, soaMinimum(soa.rdata));
  return { rdata: [], ttl: Math.min(ttl, negative) };
}

async function ask(r: ResolverAddress, name: Name, type: number, timeoutMs: number): Promise<Message> {
  const id = randomInt(0, 65536);
  const query = encodeMessage({
    id, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name, type, class: RRClass.IN }], answers: [], authority: [],
    additional: [], edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [] }, tsig: null,
  });
  const check = (m: Message): Message => {
    const q = m.questions[0];
    if ((m.flags & Flag.QR) === 0 || q === undefined || q.type !== type || !nameEqual(q.name, name)) {
      throw new AliasError('GDNS_ERR_ALIAS_ANSWER', 'the answer does not match the question');
    }
    return m;
  };
  const udp = check(await askUdp(r, query, id, timeoutMs));
  if ((udp.flags & Flag.TC) === 0) return udp;
  return check(await askTcp(r, query, id, timeoutMs));
}

function decode(bytes: Uint8Array): Message {
  try {
    return decodeMessage(bytes);
  } catch (err) {
    if (err instanceof WireError) throw new AliasError('GDNS_ERR_ALIAS_ANSWER', `malformed answer: ${err.message}`);
    throw err;
  }
}

function askUdp(r: ResolverAddress, query: Uint8Array, id: number, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(r.host) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | null, msg?: Message): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err !== null) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => finish(new AliasError('GDNS_ERR_ALIAS_TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (err) => finish(err));
    sock.on('message', (buf, from) => {
      // Only the resolver asked, with our ID, counts (anything else is ignored, as a spoofing attempt).
      if (from.port !== r.port || buf.length < 12 || buf.readUInt16BE(0) !== id) return;
      try {
        finish(null, decode(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
      } catch (err) {
        finish(err as Error);
      }
    });
    sock.send(query, r.port, r.host);
  });
}

function askTcp(r: ResolverAddress, query: Uint8Array, id: number, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: r.host, port: r.port });
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | null, msg?: Message): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err !== null) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => finish(new AliasError('GDNS_ERR_ALIAS_TIMEOUT', `no answer within ${timeoutMs} ms (TCP)`)), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.from([query.length >> 8, query.length & 255]);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < 2 || got.length < 2 + got.readUInt16BE(0)) return;
      const body = got.subarray(2, 2 + got.readUInt16BE(0));
      if (body.length < 12 || body.readUInt16BE(0) !== id) { finish(new AliasError('GDNS_ERR_ALIAS_ANSWER', 'TCP answer with another ID')); return; }
      try {
        finish(null, decode(new Uint8Array(body)));
      } catch (err) {
        finish(err as Error);
      }
    });
    sock.on('error', (err) => finish(err));
    sock.on('close', () => finish(new AliasError('GDNS_ERR_ALIAS_ANSWER', 'TCP connection closed before a whole answer')));
  });
}

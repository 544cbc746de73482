import { createAnswerCache, openUdp } from '../native/index.js';
import type { AnswerCache, UdpBatch, UdpEndpoint } from '../native/index.js';
import { HANDOFF } from '../engine/index.js';
import type { ClientInfo, Engine } from '../engine/index.js';
import { RrlAction } from './rrl.js';
import type { ResponseRateLimiter } from './rrl.js';

export interface UdpServerOptions {
  host: string;
  port: number;
  engine: Engine;
  rrl: ResponseRateLimiter | null;
  /** Use node:dgram even where the native batched path is available. */
  forceDgram?: boolean;
  /** Let the native path repeat static answers without the engine (default true; off when something must
   * see every query, such as a query log). */
  answerCache?: boolean;
  /** Answers a message the engine hands over (NOTIFY): the reply to send, or null for none. */
  /** Messages the engine hands off (NOTIFY, UPDATE): the answer now, null for none, or a promise of it (sent
   * when it settles, outside the batch: UPDATE writes to the store first). */
  handoff?: (message: Uint8Array, client: ClientInfo) => Uint8Array | null | Promise<Uint8Array | null>;
}

/** A UDP listener and the answers its native path repeats without calling JavaScript. */
export interface UdpListener {
  endpoint: UdpEndpoint;
  /** Cleared whenever the zones change; null when answers always pass through the engine. */
  cache: AnswerCache | null;
}

/** Bytes per packet slot in the shared batch buffers: the largest query we read and answer we send. */
const SLOT = 4096;

/**
 * A UDP listener: packets arrive in batches (recvmmsg through the native addon, or node:dgram), each is
 * answered synchronously by the engine and the answers leave in one batch (sendmmsg).
 */
export async function listenUdp(opts: UdpServerOptions): Promise<UdpListener> {
  const { engine, rrl } = opts;
  // Static answers are repeated by the native batch loop itself when nothing else needs to see each
  // query: with rate limiting on, every answer passes the limiter here instead.
  const cache = rrl === null && !opts.forceDgram && opts.answerCache !== false ? createAnswerCache() : null;
  const v4: ClientInfo = { transport: 'udp', address: new Uint8Array(4), port: 0 };
  const v6: ClientInfo = { transport: 'udp', address: new Uint8Array(16), port: 0 };
  const handler = (b: UdpBatch): void => {
    const now = rrl === null ? 0 : Date.now();
    for (let i = 0; i < b.count; i++) {
      const base = i * b.slot;
      const req = b.rx.subarray(base, base + b.rxLen[i]!);
      const a = i * 20;
      const client = b.addr[a] === 4 ? v4 : v6;
      client.port = (b.addr[a + 2]! << 8) | b.addr[a + 3]!;
      client.address.set(b.addr.subarray(a + 4, a + 4 + client.address.length));
      let n = engine.answerInto(req, req.length, client, b.tx, base, b.slot);
      const handed = n === HANDOFF;
      if (handed) {
        const r = opts.handoff?.(req.slice(), { ...client, address: client.address.slice() }) ?? null;
        if (r instanceof Promise) {
          const to = b.addr.slice(a, a + 20);
          void r.then((bytes) => { if (bytes !== null && bytes.length <= SLOT) endpoint.sendTo(bytes, to); }, () => undefined);
          n = 0;
        } else {
          n = r !== null && r.length <= b.slot ? (b.tx.set(r, base), r.length) : 0;
        }
      }
      if (n > 0 && rrl !== null) {
        const action = rrl.check(client.address, engine.rrlToken, now);
        if (action === RrlAction.Drop) n = 0;
        else if (action === RrlAction.Slip) n = truncate(b.tx, base, n);
      }
      if (n > 0 && !handed && cache !== null && engine.lastCacheable) cache.put(req, b.tx.subarray(base, base + n));
      b.txLen[i] = n;
    }
  };
  const endpoint = await openUdp({ host: opts.host, port: opts.port, slot: SLOT, fallback: opts.forceDgram ?? false,
    ...(cache !== null ? { cache } : {}) }, handler);
  return { endpoint, cache: endpoint.native ? cache : null };
}

/** Turns the response in out[at, at + n) into its header and question with TC set and no records (RRL
 * slip). */
function truncate(out: Uint8Array, at: number, n: number): number {
  let off = at + 12;
  if (((out[at + 4]! << 8) | out[at + 5]!) > 0) {
    while (off < at + n && out[off] !== 0) off += out[off]! + 1;
    off += 5;
  }
  out[at + 2] = out[at + 2]! | 0x02;
  out.fill(0, at + 6, at + 12);
  return Math.min(off - at, n);
}

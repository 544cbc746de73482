import { ANSWER_CACHE_SLOTS, createAnswerCache, openUdp, TAP_HEADER } from '../native/index.js';
import type { AnswerCache, UdpBatch, UdpEndpoint } from '../native/index.js';
import { HANDOFF } from '../engine/index.js';
import type { AnswerOrigin, ClientInfo, Engine } from '../engine/index.js';
import { RrlAction } from './rrl.js';
import type { ResponseRateLimiter } from './rrl.js';

export interface UdpServerOptions {
  host: string;
  port: number;
  engine: Engine;
  rrl: ResponseRateLimiter | null;
  /** Use node:dgram even where the native batched path is available. */
  forceDgram?: boolean;
  /** Let the native path repeat static answers without the engine (default true). */
  answerCache?: boolean;
  /** Something must see every query (query log, per-query metrics): the native path keeps a record of
   * each answer it repeats and the engine publishes them (publishRepeated) a few times a second. */
  tap?: boolean;
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
  /** Stops the tap's timer (the endpoint is closed separately). */
  stop(): void;
}

/** Bytes of hit records the native cache keeps between takes (~17,000 records), and how often they are
 * taken when no query reaches JavaScript (a batch that does takes them first). */
const TAP_BYTES = 1 << 20;
const TAP_MS = 20;

/** Bytes per packet slot in the shared batch buffers: the largest query we read and answer we send. */
const SLOT = 4096;

/**
 * A UDP listener: packets arrive in batches (recvmmsg through the native addon, or node:dgram), each is
 * answered synchronously by the engine and the answers leave in one batch (sendmmsg).
 */
export async function listenUdp(opts: UdpServerOptions): Promise<UdpListener> {
  const { engine, rrl } = opts;
  // Static answers are repeated by the native batch loop itself; with rate limiting on, it limits them over
  // the same buckets as the answers below.
  const native = !opts.forceDgram && opts.answerCache !== false ? createAnswerCache() : null;
  if (native !== null && rrl !== null) native.rateLimit(rrl.shared());
  const tap = native !== null && opts.tap === true ? new CacheTap(native, engine) : null;
  const cache = tap?.cache ?? native;
  const v4: ClientInfo = { transport: 'udp', address: new Uint8Array(4), port: 0 };
  const v6: ClientInfo = { transport: 'udp', address: new Uint8Array(16), port: 0 };
  const handler = (b: UdpBatch): void => {
    tap?.take(); // the hits before this batch's misses, and before a put may reuse their slots
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
      // The whole answer is kept before rate limiting may drop or truncate this copy of it.
      if (n > 0 && !handed && cache !== null && engine.lastCacheable) {
        const slot = cache.put(req, b.tx.subarray(base, base + n), engine.rrlToken);
        if (slot >= 0) tap?.keep(slot, engine.lastOrigin!);
      }
      if (n > 0 && rrl !== null) {
        const action = rrl.check(client.address, engine.rrlToken, now);
        if (action === RrlAction.Drop) n = 0;
        else if (action === RrlAction.Slip) n = truncate(b.tx, base, n);
      }
      b.txLen[i] = n;
    }
  };
  const endpoint = await openUdp({ host: opts.host, port: opts.port, slot: SLOT, fallback: opts.forceDgram ?? false,
    ...(native !== null ? { cache: native } : {}) }, handler);
  if (endpoint.native) tap?.start();
  return { endpoint, cache: endpoint.native ? cache : null, stop: () => tap?.stop() };
}

/**
 * The native cache's tap: answers the C loop repeated are published through the engine as if it had
 * answered them, from the records the loop keeps (client, query, slot, time). The origin of each slot's
 * answer is kept here; records are taken before a put may give their slot to another answer and before
 * the cache is cleared, so each is shown with the answer it got.
 */
class CacheTap {
  /** By slot; filled up front so that it stays a plain array (a sparse one is looked up as a dictionary). */
  private readonly origins: Array<AnswerOrigin | undefined> = new Array<AnswerOrigin | undefined>(ANSWER_CACHE_SLOTS).fill(undefined);
  private readonly out = new Uint8Array(TAP_BYTES);
  private readonly view = new DataView(this.out.buffer);
  private readonly v4: ClientInfo = { transport: 'udp', address: new Uint8Array(4), port: 0 };
  private readonly v6: ClientInfo = { transport: 'udp', address: new Uint8Array(16), port: 0 };
  private timer: NodeJS.Timeout | null = null;
  /** The native cache as the server uses it: clear() takes the records first. */
  readonly cache: AnswerCache;

  constructor(private readonly native: AnswerCache, private readonly engine: Engine) {
    this.cache = { ...native, clear: () => { this.take(); native.clear(); this.origins.fill(undefined); } };
  }

  start(): void {
    this.native.tap(TAP_BYTES);
    this.timer = setInterval(() => this.take(), TAP_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.take();
    this.native.tap(0);
  }

  keep(slot: number, origin: AnswerOrigin): void {
    if (slot < this.origins.length) this.origins[slot] = origin;
  }

  /** Publishes the records gathered since the last take. */
  take(): void {
    const out = this.out;
    const v = this.view;
    const n = this.native.takeTap(out);
    for (let o = 0; o < n;) {
      const len = v.getUint16(o, true);
      const origin = this.origins[v.getUint32(o + 4, true)];
      if (origin !== undefined) {
        const client = out[o + 20] === 4 ? this.v4 : this.v6;
        client.port = (out[o + 22]! << 8) | out[o + 23]!;
        const a = client.address;
        for (let i = 0; i < a.length; i++) a[i] = out[o + 24 + i]!;
        this.engine.publishRepeated(out.subarray(o + TAP_HEADER, o + len), client, origin, v.getUint16(o + 2, true),
          v.getUint32(o + 16, true), v.getFloat64(o + 8, true));
      }
      o += len;
    }
  }
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

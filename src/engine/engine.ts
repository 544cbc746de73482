import { Flag, MessageWriter, Rcode, WireError, readQuery } from '../wire/index.js';
import type { Query } from '../wire/index.js';
import { ZoneSet } from '../zone/index.js';
import { AnswerCache, questionHash } from './answer-cache.js';
import type { AnswerOrigin } from './answer-cache.js';
import { assemble } from './assemble.js';
import { Verdict } from './classify.js';
import { newContext } from './context.js';
import type { ClientInfo, QueryContext } from './context.js';
import { runPipeline } from './pipeline.js';
import type { PipelineOptions } from './pipeline.js';
import { publishQuery, queryChannel } from './events.js';
import type { QueryEvent, QueryView } from './events.js';
import type { GeoStage } from './geo-stage.js';
import type { AliasStage } from './alias-stage.js';

export interface EngineOptions {
  /** Largest UDP response, whatever the client offers. Default 1232. */
  maxUdpSize?: number;
  /** Serve PowerDNS LUA records (off until the geo module evaluates them). */
  serveLua?: boolean;
  /** Serve ALIAS records as they are (off until ALIAS flattening exists). */
  serveAlias?: boolean;
  /** Opcodes (NOTIFY 4, UPDATE 5) whose messages go to a registered handler instead of being refused. */
  handledOpcodes?: readonly number[];
  /** AXFR/IXFR over TCP go to a registered transfer handler (else REFUSED). */
  transfers?: boolean;
  /** Encoded answers kept (default 100,000; 0 turns the cache off). */
  cacheSize?: number;
  /** GeoIP and LUA records (GeoStage.create); LUA records are answered when it has them enabled. */
  geo?: GeoStage;
  /** ALIAS records answered with their target's addresses (AliasStage.create; docs/alias.md). */
  alias?: AliasStage;
}

/** `answer()` returned this: the message goes to a registered handler (see EngineOptions). */
export const HANDOFF = -1;

/**
 * Answers DNS queries from the zones it is given. Synchronous and allocation-light: the response is
 * written into `output` (reused), and encoded answers are reused from a cache keyed on the question.
 */
export class Engine {
  private readonly writer = new MessageWriter(65535);
  private readonly query: Query = {} as Query;
  private readonly opts: PipelineOptions;
  private readonly cache: AnswerCache | null;
  private zoneSet: ZoneSet = new ZoneSet([]);
  private readonly geo: GeoStage | null;
  private readonly alias: AliasStage | null;
  /** Response rate limiting token of the last answer: answers with equal tokens share an RRL bucket. */
  rrlToken = 0;
  /** When the query being answered arrived (ms; only taken while someone watches queryChannel). */
  private started = 0;
  /** The last answer depends only on the question and the zones (a static answer that may be cached,
   * also outside the engine: the native UDP path keeps such answers too). */
  lastCacheable = false;
  /** What the last cacheable answer was made from (set with lastCacheable): the native UDP cache keeps it
   * beside the answer, to publish its repeats (publishRepeated). */
  lastOrigin: AnswerOrigin | null = null;
  private readonly repeatedQuery: Query = {} as Query;

  constructor(options: EngineOptions = {}) {
    this.opts = {
      classify: {
        maxUdpSize: options.maxUdpSize ?? 1232,
        handledOpcodes: new Set(options.handledOpcodes ?? []),
        transfers: options.transfers ?? false,
      },
      serve: { serveLua: options.serveLua ?? false, serveAlias: options.serveAlias ?? false },
      unavailable: new Set(),
    };
    const geo = options.geo;
    this.geo = geo ?? null;
    if (geo !== undefined) {
      geo.attach(() => this.zoneSet);
      if (geo.luaEnabled) {
        this.opts.serve.serveLua = true;
        this.opts.serve.lua = (ctx, zone, node, owner, qtype, set) => geo.answer(ctx, zone, node, owner, qtype, set);
      }
    }
    const alias = options.alias;
    this.alias = alias ?? null;
    if (alias !== undefined) {
      alias.attach(this.opts.serve);
      alias.targets.onChange(() => this.cache?.clear());
      this.opts.serve.alias = (ctx, zone, node, owner, qtype, set) => alias.answer(ctx, zone, node, owner, qtype, set);
    }
    const size = options.cacheSize ?? 100_000;
    this.cache = size > 0 ? new AnswerCache(size) : null;
  }

  /** The response bytes of the last `answer()` are output[0, n). */
  get output(): Uint8Array {
    return this.writer.buffer;
  }

  get zones(): ZoneSet {
    return this.zoneSet;
  }

  /** Swaps the zones served. Queries already answered are unaffected; the answer cache starts empty. */
  setZones(zones: ZoneSet): void {
    this.zoneSet = zones;
    this.cache?.clear();
    this.geo?.clear();
    this.alias?.setZones(zones);
  }

  /** Zones (origin keys) answered SERVFAIL until set again, e.g. secondaries past their expire time. */
  setUnavailable(originKeys: Iterable<string>): void {
    this.opts.unavailable = new Set(originKeys);
    this.cache?.clear();
  }

  /**
   * Answers the query in req[0, len). Returns the response length (bytes in `output`), 0 when nothing is
   * sent back (QR set, shorter than a header), or HANDOFF.
   */
  answer(req: Uint8Array, len: number, client: ClientInfo): number {
    return this.answerInto(req, len, client, this.writer.buffer, 0, 65535);
  }

  /**
   * As `answer`, but the response goes to out[at, at + n) (n ≤ room; a longer one is not sent): the UDP
   * path answers straight into its send batch, so a cached answer is copied once.
   */
  answerInto(req: Uint8Array, len: number, client: ClientInfo, out: Uint8Array, at: number, room: number): number {
    this.lastCacheable = false;
    if (len < 12 || (req[2]! & 0x80) !== 0) return 0;
    // Someone watches every answer (query log, per-query metrics): each query is timed, and an answer
    // repeated from the answer cache or the geo cache is published with what it was made from.
    const watched = queryChannel.hasSubscribers;
    this.started = watched ? performance.now() : 0;
    let q: Query;
    try {
      q = readQuery(req, len, this.query);
    } catch (err) {
      if (err instanceof WireError) return this.emit(this.formerr(req), out, at, room);
      throw err;
    }
    const tcp = client.transport === 'tcp';
    const cacheable = this.cache !== null && q.qdcount === 1 && q.ancount === 0 && q.nscount === 0 &&
      q.qclass === 1 && q.tsigOffset < 0 && q.ecs === null;
    const variant = cacheVariant(q, tcp, this.opts.classify.maxUdpSize);
    const qlen = q.qname.length;
    if (cacheable) {
      const n = this.cache!.lookup(req, 12, qlen, q.qtype, variant, out, at, room);
      if (n > 0) {
        this.rrlToken = this.cache!.lastToken;
        this.lastCacheable = true;
        this.lastOrigin = this.cache!.lastMade;
        if (watched) this.publishCached(q, client, n);
        return n;
      }
    }
    if (this.geo !== null && q.qdcount === 1 && q.ancount === 0 && q.nscount === 0 && q.qclass === 1 && q.tsigOffset < 0) {
      const n = this.geo.lookupEncoded(req, q, client, variant, out, at, room);
      if (n > 0) {
        this.rrlToken = questionHash(req, 12, qlen, q.qtype, 0);
        if (watched) {
          const v = repeatedView(this.geoView, q, client, this.geo.lastMade!);
          v.ecsScope = q.ecs !== null ? this.geo.lastScope : 0;
          publishQuery(v, n, this.started, undefined, true);
        }
        return n;
      }
    }
    const ctx = newContext(q, client, this.zoneSet);
    let verdict: Verdict;
    try {
      verdict = runPipeline(ctx, this.opts);
    } catch (err) {
      return this.emit(this.servfail(ctx, err), out, at, room);
    }
    if (verdict === Verdict.Handoff || this.alias?.deferred(ctx) === true) return HANDOFF;
    const bytes = assemble(ctx, this.writer, q.qdcount === 1);
    this.rrlToken = rrlToken(ctx, req, qlen);
    if (this.geo !== null && q.tsigOffset < 0) this.geo.storeEncoded(ctx, req, variant, bytes);
    if (cacheable && ctx.cacheable) {
      const made: AnswerOrigin = { zone: ctx.zone, rcode: ctx.rcode, answer: ctx.answer.slice() };
      this.cache!.store(req, 12, qlen, q.qtype, variant, bytes, this.rrlToken, made);
      this.lastCacheable = true;
      this.lastOrigin = made;
    }
    publishQuery(ctx, bytes.length, this.started);
    return this.emit(bytes.length, out, at, room);
  }

  /** Publishes an answer repeated from the cache (the view object is reused: watchers read it at once). */
  private publishCached(q: Query, client: ClientInfo, size: number): void {
    publishQuery(repeatedView(this.cachedView, q, client, this.cache!.lastMade!), size, this.started, undefined, true);
  }

  /**
   * Publishes an answer repeated outside the engine (the native UDP cache's tap): `req` is the query as
   * received, `made` what the answer was made from (lastOrigin when it was cached), `elapsedNs` the time
   * it took, `time` when it was answered (wall-clock ms). Watchers see it as any other answer.
   */
  publishRepeated(req: Uint8Array, client: ClientInfo, made: AnswerOrigin, size: number, elapsedNs: number, time: number): void {
    if (!queryChannel.hasSubscribers) return;
    let q: Query;
    try {
      q = readQuery(req, req.length, this.repeatedQuery);
    } catch {
      return; // cannot happen: the native cache only keeps well-formed questions
    }
    const ctx = repeatedView(this.tapView, q, client, made);
    queryChannel.publish({ ctx, size, elapsedNs, time, repeated: true } satisfies QueryEvent);
  }

  private readonly cachedView = emptyView(this.query);
  /** A geo answer repeated from the geo cache: made for the client's network, not cacheable. */
  private readonly geoView: View = { ...emptyView(this.query), cacheable: false };
  private readonly tapView = emptyView(this.repeatedQuery);

  /** Copies the writer's n bytes to out[at...] unless out is the writer's own buffer. */
  private emit(n: number, out: Uint8Array, at: number, room: number): number {
    if (out === this.writer.buffer) return n;
    if (n > room) return 0;
    out.set(this.writer.buffer.subarray(0, n), at);
    return n;
  }

  /** FORMERR for a query that could not be parsed: the header only, RD copied (RFC 1035 §4.1.1). */
  private formerr(req: Uint8Array): number {
    const w = this.writer;
    w.reset(512);
    w.header((req[0]! << 8) | req[1]!, Flag.QR | (((req[2]! << 8) | req[3]!) & (0x7800 | Flag.RD)) | Rcode.FORMERR);
    this.rrlToken = 0;
    return w.finish().length;
  }

  /** A bug met while answering: SERVFAIL, and the error published for the logs (never thrown to net). */
  private servfail(ctx: QueryContext, err: unknown): number {
    ctx.answer.length = 0;
    ctx.authority.length = 0;
    ctx.additional.length = 0;
    ctx.requiredGlue = 0;
    ctx.rcode = Rcode.SERVFAIL;
    ctx.aa = false;
    ctx.tc = false;
    publishQuery(ctx, 0, this.started, err);
    this.rrlToken = 0;
    return assemble(ctx, this.writer, ctx.query.qdcount === 1).length;
  }
}

/** Positive answers are limited per question; negative ones and errors per zone and rcode, so a flood of
 * random names in one zone shares a bucket (NSD, Knot). */
function rrlToken(ctx: QueryContext, req: Uint8Array, qlen: number): number {
  if (ctx.rcode === Rcode.NOERROR && ctx.answer.length > 0) return questionHash(req, 12, qlen, ctx.query.qtype, 0);
  const origin = ctx.zone?.origin;
  return origin === undefined ? ctx.rcode + 1 : questionHash(origin, 0, origin.length, ctx.rcode, 1);
}

/** The part of the cache key that is not the question: size limit, EDNS, DO, transport. */
function cacheVariant(q: Query, tcp: boolean, maxUdp: number): number {
  const edns = q.edns;
  const size = tcp ? 65535 : edns === null ? 512 : Math.min(Math.max(edns.udpSize, 512), maxUdp);
  return (size << 3) | (edns !== null ? 4 : 0) | (edns?.do ? 2 : 0) | (tcp ? 1 : 0) | ((edns?.version ?? 0) > 0 ? 1 << 20 : 0) | (q.opcode << 21);
}

type View = { -readonly [K in keyof QueryView]: QueryView[K] };

function emptyView(query: Query): View {
  return { query, client: { transport: 'udp', address: new Uint8Array(4), port: 0 }, zone: undefined, rcode: 0, answer: [], cacheable: true, ecsScope: 0 };
}

/** Fills a reused view with a repeated answer: the query as asked, and what the answer was made from. */
function repeatedView(v: View, q: Query, client: ClientInfo, made: AnswerOrigin): View {
  v.query = q;
  v.client = client;
  v.zone = made.zone;
  v.rcode = made.rcode;
  v.answer = made.answer;
  return v;
}

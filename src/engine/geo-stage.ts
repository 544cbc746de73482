import { channel } from 'node:diagnostics_channel';
import { GeoCache, GeoIp, HealthWatch, LuaVm, evaluateLua, mathRandom, planeHealth } from '../geo/index.js';
import type { HealthPlane } from '../health/index.js';
import type { Choice, GeoIpOptions, LuaHost, LuaInputs, LuaOutcome, Random } from '../geo/index.js';
import {
  RRType, Rcode, ROOT, nameFromText, rdataFromText, rdataToText, tokenize, typeToText, nameToText,
} from '../wire/index.js';
import type { Name, Query } from '../wire/index.js';
import type { RRset, Zone, ZoneNode, ZoneSet } from '../zone/index.js';
import type { ClientInfo, QueryContext } from './context.js';
import { GeoQuestions, geoVariant, patchInto } from './geo-answers.js';
import type { EncodedAnswer, EncodedAnswers } from './geo-answers.js';
import type { AnswerOrigin } from './answer-cache.js';
import { SignedAnswerDeadline, dynamicSigs } from './online-sign.js';

const LOOPBACK = new Uint8Array([127, 0, 0, 1]);

/** Published when a LUA record fails (script error, budget, bad content); its name answers SERVFAIL. */
export const luaErrorChannel = channel('gdns:geo:lua-error');

export interface LuaErrorEvent {
  qname: string;
  qtype: string;
  /** The record's code (first failing RRset's records). */
  records: string[];
  code: string;
  message: string;
}

export interface GeoStageOptions {
  /** GeoIP databases and overrides (or an open GeoIp); default: the bundled CC0 country database. */
  geoip?: GeoIpOptions | GeoIp;
  /** Evaluate LUA records (PowerDNS enable-lua-records). Default false. */
  enableLua?: boolean;
  /** Lua instructions per evaluation (PowerDNS lua-records-exec-limit, default 1000). */
  execLimit?: number;
  /** Geo answers kept (default 100,000). */
  cacheSize?: number;
  random?: Random;
  /** Health of targets for ifportup/ifurlup (default: all up); with `health`, the plane's. */
  isUp?: LuaHost['isUp'];
  /** The health plane: LUA health functions and declarative records ask it; a zone's literal checks
   * and endpoints are probed as soon as it loads; a change of state empties the geo cache. */
  health?: HealthPlane;
}

/** One answer of a LUA RRset for a question, as cached: alternatives to pick from, or an error. */
interface GeoValue {
  sets: Array<Pick<RRset, 'type' | 'ttl' | 'rdata'>>;
  /** Cumulative weights of `sets` (weighted random), else null (uniform). */
  cumulative: number[] | null;
  /** pickrandomsample: how many of sample's records each answer gets (0: not a sample). */
  sampleN: number;
  error: boolean;
  /** Encoded responses, once assembled (not for samples, chains or errors). */
  encoded: EncodedAnswers | null;
}

/** The geo answer of the query being resolved, for storeEncoded. */
interface LastAnswer {
  ctx: QueryContext;
  zone: Zone;
  record: object;
  type: number;
  value: GeoValue;
  alt: number;
  /** The answer entry it made: only a response whose whole answer is this entry is kept encoded (an ALIAS
   * to a LUA name answers with another owner). */
  entry: object;
}

type Step = { follow: Name } | null;

interface LuaRdata { type: number; code: string }

/**
 * The geo stage of the resolve step: answers a name's LUA records (PowerDNS semantics) through a geo
 * answer cache keyed on what their evaluation read; sets the ECS scope of the response.
 */
export class GeoStage {
  readonly geoip: GeoIp;
  private readonly cache: GeoCache<GeoValue>;
  private watch: HealthWatch | null = null;
  private watchPending = false;
  private attached = false;
  private unsubscribe: () => void = () => {};
  private readonly parsed = new WeakMap<Uint8Array, LuaRdata>();
  private readonly zoneIds = new WeakMap<Zone, number>();
  private zoneCount = 0;
  private readonly contentCache = new Map<string, Uint8Array>();
  private readonly questions = new GeoQuestions();
  /** Encoded answers with online signatures are dropped before the signatures are due again. */
  private readonly signedUntil = new SignedAnswerDeadline();
  private last: LastAnswer | null = null;
  /** A pick already drawn by lookupEncoded for the query the pipeline now answers (-1: none). */
  private forced = -1;
  /** What the last answer lookupEncoded repeated was made from, and its ECS scope (for watchers). */
  lastMade: AnswerOrigin | null = null;
  get lastScope(): number {
    return this.cache.scope;
  }
  private zones: () => ZoneSet = () => { throw new Error('GeoStage not attached to an engine'); };

  private constructor(geoip: GeoIp, private readonly vm: LuaVm | null, cacheSize: number,
    private readonly random: Random) {
    this.geoip = geoip;
    this.cache = new GeoCache<GeoValue>(geoip, cacheSize);
  }

  static async create(options: GeoStageOptions = {}): Promise<GeoStage> {
    const geoip = options.geoip instanceof GeoIp ? options.geoip : new GeoIp(options.geoip ?? {});
    const random = options.random ?? mathRandom;
    const holder: { stage: GeoStage | null } = { stage: null };
    const plane = options.health;
    const host: LuaHost = {
      luaCodeAt: (name) => holder.stage?.luaCodeAt(name) ?? [],
      lookup: (name, qtype) => holder.stage?.lookupText(name, qtype) ?? [],
      ...(plane === undefined ? { isUp: options.isUp } : planeHealth(plane, (m) => host.log(m, 'warning'))),
      log: (message, level) => luaErrorChannel.hasSubscribers && luaErrorChannel.publish({ qname: '', qtype: '', records: [], code: `log:${level}`, message }),
    };
    const vm = options.enableLua === true ? await LuaVm.create({ host, execLimit: options.execLimit, random }) : null;
    const stage = new GeoStage(geoip, vm, options.cacheSize ?? 100_000, random);
    holder.stage = stage;
    if (plane !== undefined && vm !== null) {
      stage.watch = new HealthWatch(plane, (zone, message) => host.log(`${zone}: ${message}`, 'warning'));
      stage.unsubscribe = plane.subscribe(() => { stage.cache.clear(); stage.questions.clear(); });
    }
    return stage;
  }

  /** LUA records are evaluated (else they are not served, as PowerDNS with enable-lua-records=no). */
  get luaEnabled(): boolean {
    return this.vm !== null;
  }

  /** Called by the engine: where the current zones are. */
  attach(zones: () => ZoneSet): void {
    this.zones = zones;
    this.attached = true;
  }

  /** Zones or GeoIP files changed: every cached answer goes (and the zones' health checks follow). */
  clear(): void {
    this.cache.clear();
    this.questions.clear();
    this.signedUntil.reset();
    if (this.watch !== null && !this.watchPending) {
      this.watchPending = true;
      setImmediate(() => {
        this.watchPending = false;
        this.syncHealth();
      });
    }
  }

  /** Reads the zones' health checks now (else done just after each change of zones). */
  syncHealth(): void {
    if (this.watch === null || !this.attached || this.vm === null) return;
    // Records whose health calls take computed arguments (`ifportup(443, pool())`) run once now, from
    // 127.0.0.1, so the checks they reach start before the first query (PowerDNS: at the first query).
    const vm = this.vm;
    this.watch.sync(this.zones(), (d) => {
      evaluateLua(vm, [d.code], {
        qname: d.node.name, qtype: d.type, zone: d.zone.origin, zoneId: 0, recordOwner: d.node.name,
        who: LOOPBACK, whoPort: 0, localwho: null, ecs: null, dnssecOk: false, tcp: false, ednsSize: 1232, id: 0, flags: 0,
      }, this.geoip);
    });
  }

  close(): void {
    this.unsubscribe();
    this.watch = null;
    this.geoip.close();
    this.vm?.close();
  }

  /**
   * Answers `qtype` at `node` from its LUA RRset when one of its records has that type (or CNAME).
   * Returns undefined when none applies (the static data answers), else the resolve step.
   */
  answer(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, qtype: number, lua: RRset): Step | undefined {
    if (this.vm === null) return undefined;
    let type = -1;
    for (const r of lua.rdata) {
      const t = this.parse(r).type;
      if (t === qtype) { type = qtype; break; }
      if (t === RRType.CNAME) type = RRType.CNAME;
    }
    if (type < 0) return undefined;
    ctx.cacheable = false;
    const q = ctx.query;
    const ecs = q.ecs;
    const address = ecs !== null ? ecs.address : ctx.client.address;
    const sourcePrefix = ecs !== null ? ecs.sourcePrefix : address.length * 8;
    let value = this.cache.lookup(lua, owner, type, address, sourcePrefix);
    if (value === undefined) {
      this.forced = -1;
      const codes: string[] = [];
      for (const r of lua.rdata) if (this.parse(r).type === type) codes.push(this.parse(r).code);
      const outcome = evaluateLua(this.vm, codes, this.inputs(ctx, zone, node, owner, type), this.geoip);
      value = this.toValue(outcome, type, lua.ttl, owner, codes);
      this.cache.store(lua, owner, type, address, sourcePrefix, outcome.reads, value);
    }
    if (ecs !== null && this.cache.scope > ctx.ecsScope) ctx.ecsScope = this.cache.scope;
    if (value.error) {
      ctx.answer.length = 0;
      ctx.rcode = Rcode.SERVFAIL;
      ctx.aa = false;
      return null;
    }
    const set = this.pick(value);
    const entry = { owner, set, sigs: dynamicSigs(ctx, zone, node, set) };
    ctx.answer.push(entry);
    this.last = { ctx, zone, record: lua, type, value, alt: value.sampleN > 0 || type !== qtype ? -1 : value.sets.indexOf(set), entry };
    if (type === RRType.CNAME && qtype !== RRType.CNAME) {
      const target = set.rdata[0];
      return target === undefined ? null : { follow: target };
    }
    return null;
  }

  /**
   * Answers a query whose question was answered by one LUA RRset alone before, from the encoded
   * response of the same geo value (same GeoIP record, rule outcomes...). Returns the length written
   * to out[at...], or 0 (then the pipeline answers).
   */
  lookupEncoded(req: Uint8Array, q: Query, client: ClientInfo, variant: number, out: Uint8Array, at: number,
    room: number): number {
    this.forced = -1;
    if (this.signedUntil.expired()) this.clear();
    const gv = geoVariant(variant, q);
    const question = this.questions.find(req, q, gv);
    if (question === undefined) return 0;
    const ecs = q.ecs;
    const address = ecs !== null ? ecs.address : client.address;
    const value = this.cache.lookup(question.record, q.qname, question.type, address,
      ecs !== null ? ecs.sourcePrefix : address.length * 8);
    const list = value?.encoded?.get(gv);
    if (list === undefined) return 0;
    const alt = list.length === 1 ? 0 : this.pickIndex(value!);
    const b = list[alt];
    if (b !== undefined) {
      this.lastMade = b.made;
      return patchInto(b.bytes, req, q, this.cache.scope, out, at, room);
    }
    this.forced = alt; // the pipeline answers with this pick, and stores it
    return 0;
  }

  /** After assembly: keeps the encoded response when the query's geo answer was the whole response. */
  storeEncoded(ctx: QueryContext, req: Uint8Array, variant: number, bytes: Uint8Array): void {
    const last = this.last;
    this.last = null;
    if (last === null || last.ctx !== ctx || last.alt < 0 || ctx.rcode !== Rcode.NOERROR || ctx.tc ||
      ctx.answer.length !== 1 || ctx.answer[0] !== last.entry || ctx.authority.length !== 0 || ctx.additional.length !== 0) return;
    const q = ctx.query;
    if (q.ecs !== null && !ctx.edns) return;
    const gv = geoVariant(variant, q);
    const v = last.value;
    v.encoded ??= new Map();
    let list = v.encoded.get(gv);
    if (list === undefined) {
      list = new Array<EncodedAnswer | undefined>(v.sets.length);
      v.encoded.set(gv, list);
    }
    list[last.alt] = { bytes: bytes.slice(), made: { zone: last.zone, rcode: Rcode.NOERROR, answer: [ctx.answer[0]!] } };
    if (ctx.answer[0]!.sigs !== undefined) this.signedUntil.note(last.zone, ctx.answer[0]!.set);
    this.questions.add(req, q, gv, last.record, last.type);
  }

  private pickIndex(v: GeoValue): number {
    const cum = v.cumulative;
    if (cum === null) return this.random(v.sets.length);
    const r = this.random(cum[cum.length - 1]!);
    let i = 0;
    while (r >= cum[i]!) i++;
    return i;
  }

  private pick(v: GeoValue): Pick<RRset, 'type' | 'ttl' | 'rdata'> {
    const sets = v.sets;
    if (v.sampleN > 0) {
      const all = sets[0]!.rdata.slice();
      for (let i = all.length - 1; i > 0; i--) {
        const j = this.random(i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      return { type: sets[0]!.type, ttl: sets[0]!.ttl, rdata: all.slice(0, v.sampleN) };
    }
    const forced = this.forced;
    this.forced = -1;
    if (sets.length === 1) return sets[0]!;
    return sets[forced >= 0 && forced < sets.length ? forced : this.pickIndex(v)]!;
  }

  private inputs(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, type: number): LuaInputs {
    const q = ctx.query;
    let zoneId = this.zoneIds.get(zone);
    if (zoneId === undefined) {
      zoneId = ++this.zoneCount;
      this.zoneIds.set(zone, zoneId);
    }
    return {
      qname: owner, qtype: type, zone: zone.origin, zoneId, recordOwner: node.name,
      who: ctx.client.address, whoPort: ctx.client.port, localwho: null, ecs: q.ecs, dnssecOk: ctx.dnssecOk,
      tcp: ctx.client.transport === 'tcp', ednsSize: q.edns?.udpSize ?? 512, id: q.id, flags: q.flags,
    };
  }

  private toValue(o: LuaOutcome, type: number, ttl: number, owner: Name, codes: string[]): GeoValue {
    const fail = (code: string, message: string): GeoValue => {
      if (luaErrorChannel.hasSubscribers) {
        luaErrorChannel.publish({ qname: nameToText(owner), qtype: typeToText(type), records: codes, code, message } satisfies LuaErrorEvent);
      }
      return { sets: [], cumulative: null, sampleN: 0, error: true, encoded: null };
    };
    if (o.error !== null) return fail(o.error.code, o.error.message);
    try {
      const set = (contents: string[]): Pick<RRset, 'type' | 'ttl' | 'rdata'> => ({ type, ttl, rdata: contents.map((c) => this.rdata(type, c)) });
      const c: Choice | null = o.choice;
      if (c === null) return { sets: [set(o.contents)], cumulative: null, sampleN: 0, error: false, encoded: null };
      if (c.kind === 'sample') return { sets: [set(c.items)], cumulative: null, sampleN: Math.min(c.n, c.items.length), error: false, encoded: null };
      if (c.kind === 'one') return { sets: c.items.map((i) => set([i])), cumulative: null, sampleN: 0, error: false, encoded: null };
      let sum = 0;
      const cumulative = c.items.map(([w]) => (sum += w));
      return { sets: c.items.map(([, i]) => set([i])), cumulative, sampleN: 0, error: false, encoded: null };
    } catch (err) {
      return fail('GDNS_ERR_LUA_RESULT', (err as Error).message);
    }
  }

  /** Record content as PowerDNS makes it (DNSRecordContent::make; TXT content quoted). */
  private rdata(type: number, content: string): Uint8Array {
    const key = `${type} ${content}`;
    let r = this.contentCache.get(key);
    if (r === undefined) {
      const text = type === RRType.TXT ? `"${content.replace(/(["\\])/g, '\\$1')}"` : content;
      r = rdataFromText(type, tokenize(text), ROOT);
      if (this.contentCache.size > 10_000) this.contentCache.clear();
      this.contentCache.set(key, r);
    }
    return r;
  }

  private parse(rdata: Uint8Array): LuaRdata {
    let p = this.parsed.get(rdata);
    if (p === undefined) {
      const type = (rdata[0]! << 8) | rdata[1]!;
      let code = '';
      for (let o = 2; o < rdata.length; o += rdata[o]! + 1) code += new TextDecoder().decode(rdata.subarray(o + 1, o + 1 + rdata[o]!));
      p = { type, code };
      this.parsed.set(rdata, p);
    }
    return p;
  }

  private node(name: string): ZoneNode | undefined {
    const n = nameFromText(name);
    const zone = this.zones().find(n);
    if (zone === undefined) return undefined;
    return zone.lookup(n).node;
  }

  private luaCodeAt(name: string): string[] {
    const set = this.node(name)?.get(RRType.LUA);
    return set === undefined ? [] : set.rdata.map((r) => this.parse(r).code);
  }

  private lookupText(name: string, qtype: number): string[] {
    const set = this.node(name)?.get(qtype);
    return set === undefined ? [] : set.rdata.map((r) => rdataToText(qtype, r));
  }
}


import { AliasError, AliasTargets, aliasTargetsOf, externalTargets } from '../alias/index.js';
import type { AliasTargetsOptions } from '../alias/index.js';
import { onlineSignerOf, typeBitmap } from '../dnssec/index.js';
import {
  Flag, RRType, Rcode, encodeMessage, nameEqual, nameToText, nsec3Types, nsecTypes, readQuery, rrsigTypeCovered,
} from '../wire/index.js';
import type { Name, Query } from '../wire/index.js';
import { ZoneBuilder } from '../zone/index.js';
import type { RRset, Zone, ZoneNode, ZoneSet } from '../zone/index.js';
import { newContext } from './context.js';
import { dynamicSigs } from './online-sign.js';
import type { ClientInfo, QueryContext } from './context.js';
import { addDenial } from './denial.js';
import { addNegativeSoa, resolveFrom } from './resolve.js';
import type { ServeOptions, Step } from './resolve.js';

/** ALIAS targets that are themselves ALIAS names are followed this deep. */
const MAX_DEPTH = 4;

type Rdata = readonly Uint8Array[];
type DynamicSet = { readonly type: number; readonly ttl: number; readonly rdata: Rdata };
/** The addresses found for one type, or why none: SERVFAIL, or a name outside the zones served here. */
type Found = { rdata: Rdata; ttl: number } | { servfail: true } | { external: Name } | { wait: Promise<void> };

/**
 * The ALIAS stage of the resolve step (PowerDNS ALIAS, apex flattening): A, AAAA and ANY at a name with an
 * ALIAS record are answered with the target's addresses under the queried name. A target in a zone served
 * here is resolved through the pipeline itself (CNAMEs, wildcards, LUA geo records: the answer then
 * depends on the client as a geo answer does, ECS scope included); any other target comes from the
 * `AliasTargets` cache, which resolves it through recursive resolvers ahead of its TTL, so this stage never
 * waits. A target that cannot be resolved answers SERVFAIL (or a stale answer, as configured there).
 *
 * The ALIAS record itself is not served (as PowerDNS with expand-alias): a query for type ALIAS is NODATA.
 */
export class AliasStage {
  private depth = 0;
  private opts: ServeOptions | null = null;
  /**
   * A query for a target whose first lookup is under way waits for it rather than get SERVFAIL: over UDP
   * it is answered TC=1 (the client asks again over TCP), over TCP the engine hands it over (HANDOFF) and
   * `takeDeferred()` gives the handler what to wait for. Off unless whoever routes handoffs turns it on
   * (cli/alias-serve.ts aliasHandoff).
   */
  deferFirstLookups = false;
  private deferring: { ctx: QueryContext; wait: Promise<void> } | null = null;
  private handed: Promise<void> | null = null;
  private readonly sets = new WeakMap<Rdata, Map<number, DynamicSet>>();
  /** NSEC/NSEC3 records with a type taken out, per original rdata and type (signatures kept per object). */
  private readonly denials = new WeakMap<Uint8Array, Map<number, DynamicSet>>();

  constructor(readonly targets: AliasTargets) {}

  /** Called by the engine: the options its resolve step runs with (hosted targets are resolved so). */
  attach(opts: ServeOptions): void {
    this.opts = opts;
  }

  static create(options: AliasTargetsOptions): AliasStage {
    return new AliasStage(new AliasTargets(options));
  }

  /** The engine's zones changed: targets outside them are tracked (new ones looked up at once). */
  setZones(zones: ZoneSet): void {
    this.targets.track(externalTargets(zones));
  }

  close(): void {
    this.targets.close();
  }

  answer(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, qtype: number, alias: RRset): Step | undefined {
    const opts = this.opts!;
    const target = alias.rdata[0] as Name | undefined;
    if (target === undefined) return undefined;
    // The answer may be kept like a static one (the engine drops kept answers whenever a target's answer
    // changes: see Engine), unless it is signed online or a geo record made it (the geo stage says so).
    const any = qtype === RRType.ANY;
    let answered = false;
    for (let i = 0; i < (any ? 2 : 1); i++) {
      const type = any ? (i === 0 ? RRType.A : RRType.AAAA) : qtype;
      const first: Found = this.depth >= MAX_DEPTH ? { servfail: true } : this.find(ctx, target, type, opts);
      const found = 'external' in first ? this.external(first.external, type, this.deferFirstLookups) : first;
      if ('wait' in found) {
        ctx.answer.length = 0;
        ctx.authority.length = 0;
        ctx.additional.length = 0;
        ctx.requiredGlue = 0;
        ctx.cacheable = false;
        if (ctx.client.transport === 'udp') ctx.tc = true;
        else this.deferring = { ctx, wait: found.wait };
        return null;
      }
      if ('servfail' in found) {
        ctx.answer.length = 0;
        ctx.authority.length = 0;
        ctx.additional.length = 0;
        ctx.requiredGlue = 0;
        ctx.rcode = Rcode.SERVFAIL;
        ctx.aa = false;
        ctx.cacheable = false;
        return null;
      }
      if (found.rdata.length === 0) continue;
      const set = this.setFor(found.rdata, type, Math.min(alias.ttl, found.ttl));
      const sigs = dynamicSigs(ctx, zone, node, set);
      if (sigs !== undefined) ctx.cacheable = false;
      ctx.answer.push({ owner, set, sigs });
      answered = true;
    }
    if (answered) return null;
    if (any) return undefined; // no address: ANY gets the name's other records
    addNegativeSoa(ctx, zone);
    if (ctx.dnssecOk) {
      const mark = ctx.authority.length;
      addDenial(ctx, zone, node.name, qtype);
      this.denyType(ctx, zone, mark, qtype);
    }
    return null;
  }

  /**
   * The NSEC/NSEC3 bitmap of an ALIAS name lists A and AAAA (either may be answered); when the target has
   * none of `qtype` now, a validator would find the NODATA proof contradicted. In a zone signed here the
   * record goes out with `qtype` taken from its bitmap and signed online (a white lie: same owner and next
   * name, fewer types). Pre-signed zones keep their records.
   */
  private denyType(ctx: QueryContext, zone: Zone, from: number, qtype: number): void {
    const signer = onlineSignerOf(zone);
    if (signer === undefined) return;
    ctx.cacheable = false;
    for (let i = from; i < ctx.authority.length; i++) {
      const e = ctx.authority[i]!;
      const t = e.set.type;
      if (t !== RRType.NSEC && t !== RRType.NSEC3) continue;
      const rdata = e.set.rdata[0];
      if (rdata === undefined) continue;
      let byType = this.denials.get(rdata);
      if (byType === undefined) this.denials.set(rdata, byType = new Map());
      let set = byType.get(qtype);
      if (set === undefined) {
        const types = t === RRType.NSEC ? nsecTypes(rdata) : nsec3Types(rdata);
        if (!types.includes(qtype)) continue;
        const at = bitmapOffset(t, rdata);
        const bitmap = typeBitmap(types.filter((x) => x !== qtype));
        const out = new Uint8Array(at + bitmap.length);
        out.set(rdata.subarray(0, at));
        out.set(bitmap, at);
        set = { type: t, ttl: e.set.ttl, rdata: [out] };
        byType.set(qtype, set);
      }
      ctx.authority[i] = { owner: e.owner, set, sigs: signer.sigs(e.owner, set) };
    }
  }

  /**
   * `zone` as sent in a transfer to servers that do not know ALIAS (PowerDNS outgoing-axfr-expand-alias):
   * each ALIAS RRset replaced by the A and AAAA records its target has now (hosted targets as a query
   * from `client` would get them). Rejects with an AliasError naming the record when a target does not
   * resolve (the transfer then fails rather than sending a zone without the apex addresses). A zone
   * without ALIAS records comes back as it is (the same object).
   */
  async transferZone(zone: Zone, zones: ZoneSet, client: ClientInfo, waitMs = 5000): Promise<Zone> {
    if (aliasTargetsOf(zone).length === 0) return zone; // nothing to expand: the served snapshot as it is
    const b = new ZoneBuilder(zone.origin);
    for (const set of zone.records()) {
      if (set.type !== RRType.ALIAS) {
        for (const r of set.rdata) {
          // Signatures over the ALIAS go with it (the addresses sent instead are not signed).
          if (set.type !== RRType.RRSIG || rrsigTypeCovered(r) !== RRType.ALIAS) b.add(set.name, set.type, set.ttl, r);
        }
        continue;
      }
      const target = set.rdata[0] as Name;
      for (const type of [RRType.A, RRType.AAAA]) {
        let found = this.resolveNow(zones, client, target, type);
        if (found === null) {
          await this.targets.settled(waitMs);
          found = this.resolveNow(zones, client, target, type);
        }
        if (found === null) {
          throw new AliasError('GDNS_ERR_ALIAS_RCODE', `ALIAS ${nameToText(set.name)} -> ${nameToText(target)} cannot be expanded for the transfer: ` +
            `its ${type === RRType.A ? 'A' : 'AAAA'} records do not resolve now`);
        }
        for (const r of found.rdata) b.add(set.name, type, Math.min(set.ttl, found.ttl), r);
      }
    }
    return b.finish();
  }

  /** The addresses of `type` at `target` now, as a query from `client` gets them; null: not resolvable. */
  private resolveNow(zones: ZoneSet, client: ClientInfo, target: Name, type: number): { rdata: Rdata; ttl: number } | null {
    const bytes = encodeMessage({
      id: 0, flags: Flag.RD, opcode: 0, rcode: 0, questions: [{ name: target, type, class: 1 }], answers: [],
      authority: [], additional: [], edns: null, tsig: null,
    });
    const ctx = newContext(readQuery(bytes, bytes.length, {} as Query), client, zones);
    const first = this.find(ctx, target, type, this.opts!);
    const found = 'external' in first ? this.external(first.external, type) : first;
    return 'servfail' in found || 'wait' in found ? null : found;
  }

  /** One RRset object per distinct answer (online signatures are kept per object). */
  private setFor(rdata: Rdata, type: number, ttl: number): DynamicSet {
    let byTtl = this.sets.get(rdata);
    if (byTtl === undefined) {
      byTtl = new Map();
      this.sets.set(rdata, byTtl);
    }
    const key = ttl * 65536 + type;
    let set = byTtl.get(key);
    if (set === undefined) {
      set = { type, ttl, rdata };
      byTtl.set(key, set);
    }
    return set;
  }

  private external(target: Name, type: number, defer = false): Exclude<Found, { external: Name }> {
    const a = this.targets.addresses(target, type);
    if (a !== null) return { rdata: a.rdata, ttl: a.ttl };
    const wait = defer ? this.targets.firstLookup(target) : null;
    return wait === null ? { servfail: true } : { wait };
  }

  /** Called by the engine after the pipeline: whether this query waits for a first lookup (HANDOFF). */
  deferred(ctx: QueryContext): boolean {
    const d = this.deferring;
    this.deferring = null;
    if (d === null || d.ctx !== ctx) return false;
    this.handed = d.wait;
    return true;
  }

  /** What the query just handed over waits for (once); null when the handoff is not an ALIAS query's. */
  takeDeferred(): Promise<void> | null {
    const w = this.handed;
    this.handed = null;
    return w;
  }

  /** `type` at `target` from the zones served here (through the pipeline), else where to ask outside. */
  private find(ctx: QueryContext, target: Name, type: number, opts: ServeOptions): Found {
    const zone = ctx.zones.find(target);
    if (zone === undefined) return { external: target };
    const answers = ctx.answer.length;
    const authority = ctx.authority.length;
    const additional = ctx.additional.length;
    const glue = ctx.requiredGlue;
    const rcode = ctx.rcode;
    const aa = ctx.aa;
    const dnssecOk = ctx.dnssecOk;
    ctx.dnssecOk = false;
    ctx.rcode = Rcode.NOERROR;
    this.depth++;
    let found: Found;
    try {
      resolveFrom(ctx, zone, target, type, opts);
      found = this.collect(ctx, answers, authority, target, type);
    } finally {
      this.depth--;
      ctx.answer.length = answers;
      ctx.authority.length = authority;
      ctx.additional.length = additional;
      ctx.requiredGlue = glue;
      ctx.dnssecOk = dnssecOk;
      ctx.rcode = rcode;
      ctx.aa = aa;
    }
    return found;
  }

  /** Reads the outcome of resolving `target` from the entries added after `from`. */
  private collect(ctx: QueryContext, from: number, authorityFrom: number, target: Name, type: number): Found {
    if (ctx.rcode !== Rcode.NOERROR) return { servfail: true }; // NXDOMAIN, a failing LUA record...
    let ttl = Number.MAX_SAFE_INTEGER;
    let rdata: Rdata | null = null;
    let last: Name = target;
    for (let i = from; i < ctx.answer.length; i++) {
      const e = ctx.answer[i]!;
      ttl = Math.min(ttl, e.set.ttl);
      if (e.set.type === type) rdata = rdata === null ? e.set.rdata : [...rdata, ...e.set.rdata];
      else if (e.set.type === RRType.CNAME && nameEqual(e.owner, last)) last = e.set.rdata[0] as Name;
    }
    if (rdata !== null) return { rdata, ttl };
    // A chain that leaves the zones served here, or a delegation: ask outside.
    if (!nameEqual(last, target) && ctx.zones.find(last) === undefined) return { external: last };
    let referral = false;
    for (let i = authorityFrom; i < ctx.authority.length; i++) if (ctx.authority[i]!.set.type === RRType.NS) referral = true;
    if (referral && ctx.answer.length === from) return { external: target };
    return { rdata: [], ttl: 0 };
  }
}

/** Where the type bitmap starts in NSEC (after the next name) or NSEC3 (after salt and hash) rdata. */
function bitmapOffset(type: number, r: Uint8Array): number {
  if (type === RRType.NSEC) {
    let p = 0;
    while (r[p]! !== 0) p += r[p]! + 1;
    return p + 1;
  }
  const salt = r[4]!;
  return 5 + salt + 1 + r[5 + salt]!;
}

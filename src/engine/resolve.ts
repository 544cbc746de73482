import {
  RRType, Rcode, nameKey, nameLabelCount, nameParent, soaMinimum,
} from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Zone, ZoneNode, RRset } from '../zone/index.js';
import type { QueryContext, Section } from './context.js';
import { addDenial, addNxdomainProof, addWildcardProof } from './denial.js';
import { addTargetAddresses, addGlue } from './additional.js';
import { dnameSubstitute } from './names.js';

/** CNAME and DNAME chains longer than this end where they are (answered NOERROR with what was seen). */
const MAX_CHAIN = 12;

/** Record types a zone may hold but that are not served while their features are off (PowerDNS does the
 * same with `enable-lua-records=no`). */
export interface ServeOptions {
  serveLua: boolean;
  serveAlias: boolean;
  /** Answers from a node's LUA RRset (engine/geo-stage.ts); undefined: the static records answer. */
  lua?: LuaHook;
  /** Answers A, AAAA and ANY at a node with an ALIAS record (engine/alias-stage.ts). */
  alias?: LuaHook;
}

export type Step = { follow: Name } | null;

export type LuaHook = (ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, qtype: number, lua: RRset) => Step | undefined;

/**
 * RFC 1034 §4.3.2 for one question: referral, DNAME, exact match, CNAME, wildcard (RFC 4592), NODATA and
 * NXDOMAIN, following CNAME/DNAME chains into any zone served here. Fills ctx's sections and rcode.
 */
export function resolve(ctx: QueryContext, opts: ServeOptions): void {
  resolveFrom(ctx, ctx.zone as Zone, ctx.query.qname, ctx.query.qtype, opts);
}

/** `resolve` for any name and type, starting in `zone` (ALIAS targets are resolved this way too). */
export function resolveFrom(ctx: QueryContext, start: Zone, name: Name, qtype: number, opts: ServeOptions): void {
  const zones = ctx.zones;
  let zone = start;
  let qname = name;
  const seen = new Set<string>([nameKey(qname)]);
  for (let hop = 0; ; hop++) {
    const step = resolveIn(ctx, zone, qname, qtype, hop === 0, opts);
    if (step === null) return;
    const target = step.follow;
    const key = nameKey(target);
    if (hop >= MAX_CHAIN || seen.has(key)) return;
    seen.add(key);
    const next = zones.find(target);
    if (next === undefined) return;
    zone = next;
    qname = target;
  }
}

function resolveIn(ctx: QueryContext, zone: Zone, qname: Name, qtype: number, first: boolean,
  opts: ServeOptions): Step {
  const path = zone.lookup(qname);
  const cut = path.cut;
  const dname = path.dname;
  if (dname !== undefined && (cut === undefined || nameLabelCount(dname.name) < nameLabelCount(cut.name))) {
    return answerDname(ctx, dname, qname);
  }
  if (cut !== undefined && !(qtype === RRType.DS && cut === path.node)) {
    referral(ctx, zone, cut, first);
    return null;
  }
  const node = path.node;
  let ce = path.closestEncloser;
  if (node !== undefined) {
    if (!invisible(zone, node, opts)) return answerNode(ctx, zone, node, qname, qtype, opts);
    ce = zone.node(nameKey(nameParent(node.name))) ?? zone.apex;
  }
  const wildcard = zone.node('\x01*' + ce.key);
  if (wildcard !== undefined) {
    const answered = ctx.answer.length;
    const step = answerNode(ctx, zone, wildcard, qname, qtype, opts);
    if (ctx.dnssecOk) addWildcardProof(ctx, zone, qname, ce, ctx.answer.length === answered);
    return step;
  }
  ctx.rcode = Rcode.NXDOMAIN;
  addNegativeSoa(ctx, zone);
  if (ctx.dnssecOk) addNxdomainProof(ctx, zone, qname, ce);
  return null;
}

/** A name whose only records are never answered does not exist for queries: an NSEC3 owner name (RFC 5155
 * §7.2.8; NSD and Knot answer NXDOMAIN), or a name holding only LUA records while they are off (PowerDNS
 * answers NXDOMAIN there; an ALIAS-only name exists for it). */
function invisible(zone: Zone, node: ZoneNode, opts: ServeOptions): boolean {
  if (node.isEmptyNonTerminal) return false;
  for (const t of node.types()) {
    if (t === RRType.NSEC3 && zone.nsec3 !== null) continue;
    if (t === RRType.LUA && !opts.serveLua) continue;
    return false;
  }
  return true;
}

function servable(type: number, opts: ServeOptions): boolean {
  if (type === RRType.LUA) return opts.serveLua;
  if (type === RRType.ALIAS) return opts.serveAlias;
  return true;
}

/** Answer from an existing node (or a wildcard node, then `owner` is the query name). */
function answerNode(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, qtype: number,
  opts: ServeOptions): Step {
  if (opts.alias !== undefined && (qtype === RRType.A || qtype === RRType.AAAA || qtype === RRType.ANY)) {
    const alias = node.get(RRType.ALIAS);
    const step = alias === undefined ? undefined : opts.alias(ctx, zone, node, owner, qtype, alias);
    if (step !== undefined) return step;
  }
  if (qtype === RRType.ANY) return answerAny(ctx, zone, node, owner, opts);
  if (qtype === RRType.RRSIG) return answerRrsig(ctx, zone, node, owner);
  const lua = opts.lua !== undefined && qtype !== RRType.LUA ? node.get(RRType.LUA) : undefined;
  if (lua !== undefined) {
    const step = opts.lua!(ctx, zone, node, owner, qtype, lua);
    if (step !== undefined) return step;
  }
  const set = servable(qtype, opts) ? node.get(qtype) : undefined;
  if (set !== undefined) {
    push(ctx, ctx.answer, owner, set, node);
    addTargetAddresses(ctx, zone, set);
    return null;
  }
  const cname = node.get(RRType.CNAME);
  if (cname !== undefined && qtype !== RRType.CNAME) {
    push(ctx, ctx.answer, owner, cname, node);
    return { follow: cname.rdata[0] as Name };
  }
  addNegativeSoa(ctx, zone);
  if (ctx.dnssecOk) addDenial(ctx, zone, node.name, qtype);
  return null;
}

/** Minimal ANY (RFC 8482 §4.2): one RRset of the node, the first in type order. */
function answerAny(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name, opts: ServeOptions): Step {
  let best: RRset | undefined;
  for (const t of node.types()) {
    // LUA records answer through their evaluation (below), never as their code (PowerDNS does the same)
    if (t === RRType.NSEC || t === RRType.NSEC3 || (t === RRType.LUA && opts.lua !== undefined) || !servable(t, opts)) continue;
    const set = node.get(t);
    if (set !== undefined && (best === undefined || t < best.type)) best = set;
  }
  const lua = best === undefined && opts.lua !== undefined ? node.get(RRType.LUA) : undefined;
  if (lua !== undefined) {
    let first = 0xffff;
    for (const r of lua.rdata) first = Math.min(first, (r[0]! << 8) | r[1]!);
    const step = opts.lua!(ctx, zone, node, owner, first, lua);
    if (step !== undefined) return step;
  }
  if (best === undefined) {
    addNegativeSoa(ctx, zone);
    if (ctx.dnssecOk) addDenial(ctx, zone, node.name, RRType.ANY);
    return null;
  }
  push(ctx, ctx.answer, owner, best, node);
  return null;
}

/** A query for RRSIG gets every signature at the name, as NSD and Knot answer it. */
function answerRrsig(ctx: QueryContext, zone: Zone, node: ZoneNode, owner: Name): Step {
  for (const set of node.rrsets()) {
    if (set.type === RRType.RRSIG) ctx.answer.push({ owner, set, sigs: undefined });
  }
  if (ctx.answer.length === 0) {
    addNegativeSoa(ctx, zone);
    if (ctx.dnssecOk) addDenial(ctx, zone, node.name, RRType.RRSIG);
  }
  return null;
}

function answerDname(ctx: QueryContext, node: ZoneNode, qname: Name): Step {
  const dname = node.get(RRType.DNAME) as RRset;
  push(ctx, ctx.answer, node.name, dname, node);
  const target = dnameSubstitute(qname, node.name, dname.rdata[0] as Name);
  if (target === null) {
    ctx.rcode = Rcode.YXDOMAIN;
    return null;
  }
  ctx.answer.push({ owner: qname, set: { type: RRType.CNAME, ttl: dname.ttl, rdata: [target] }, sigs: undefined });
  return { follow: target };
}

function referral(ctx: QueryContext, zone: Zone, cut: ZoneNode, first: boolean): void {
  if (first) ctx.aa = false;
  const ns = cut.get(RRType.NS) as RRset;
  ctx.authority.push({ owner: cut.name, set: ns, sigs: undefined });
  if (ctx.dnssecOk) {
    const ds = cut.get(RRType.DS);
    if (ds !== undefined) push(ctx, ctx.authority, cut.name, ds, cut);
    else addDenial(ctx, zone, cut.name, RRType.DS);
  }
  addGlue(ctx, zone, cut, ns);
}

/** The SOA for a negative answer, its TTL the smaller of the SOA's TTL and MINIMUM (RFC 2308 §3). */
export function addNegativeSoa(ctx: QueryContext, zone: Zone): void {
  const soa = zone.soa;
  const ttl = Math.min(soa.ttl, soaMinimum(soa.rdata[0] as Uint8Array));
  const set = ttl === soa.ttl ? soa : { type: soa.type, ttl, rdata: soa.rdata };
  ctx.authority.push({ owner: zone.origin, set, sigs: ctx.dnssecOk ? zone.apex.sigs(RRType.SOA) : undefined });
}

/** Places an RRset (with its RRSIGs when DO is set) in a section. */
export function push(ctx: QueryContext, section: Section, owner: Name,
  set: Pick<RRset, 'type' | 'ttl' | 'rdata'>, node: ZoneNode): void {
  section.push({ owner, set, sigs: ctx.dnssecOk ? node.sigs(set.type) : undefined });
}


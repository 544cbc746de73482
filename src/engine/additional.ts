import { RRType, nameKey, nameIsBelowOrAt, nameLength } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { RRset, Zone, ZoneNode } from '../zone/index.js';
import type { QueryContext } from './context.js';

/** Where the target name starts inside the rdata of the types whose targets get addresses in the
 * additional section (RFC 1035 §3.3, RFC 2782, RFC 9460 §4.1, RFC 1183 §1 AFSDB, RFC 2230 §3 KX). */
function targetOffset(type: number): number {
  switch (type) {
    case RRType.NS: return 0;
    case RRType.MX:
    case RRType.AFSDB:
    case RRType.KX: return 2;
    case RRType.SRV: return 6;
    case RRType.SVCB:
    case RRType.HTTPS: return 2;
    default: return -1;
  }
}

function targetOf(type: number, rdata: Uint8Array, off: number): Name | null {
  if (type === RRType.SVCB || type === RRType.HTTPS) {
    if (rdata[off] === 0) return null; // TargetName "." means the owner itself: nothing to add
    return rdata.subarray(off, off + nameLength(rdata, off));
  }
  return rdata.subarray(off);
}

/** The A and AAAA records of the targets of an answer's MX, SRV, SVCB/HTTPS, AFSDB or KX records when the targets
 * live in any zone served here, and of NS records when they live in the answering zone, as NSD and Knot
 * do (with their RRSIGs under DO). */
export function addTargetAddresses(ctx: QueryContext, answering: Zone, set: Pick<RRset, 'type' | 'rdata'>): void {
  const off = targetOffset(set.type);
  if (off < 0) return;
  for (const rdata of set.rdata) {
    const target = targetOf(set.type, rdata, off);
    if (target === null) continue;
    const zone = set.type === RRType.NS ? answering : ctx.zones.find(target);
    if (zone === undefined || !nameIsBelowOrAt(target, zone.origin)) continue;
    const path = zone.lookup(target);
    if (path.cut !== undefined || path.node === undefined) continue;
    addAddresses(ctx, path.node, target, ctx.dnssecOk);
  }
}

/** Glue for a referral: addresses of NS targets inside this zone, below the cut (in-bailiwick, required:
 * if they do not fit the response is truncated) or below another cut or in the zone (sibling). Names
 * outside the zone get none. */
export function addGlue(ctx: QueryContext, zone: Zone, cut: ZoneNode, ns: RRset): void {
  for (const pass of [true, false]) {
    for (const target of ns.rdata) {
      if (!nameIsBelowOrAt(target, zone.origin)) continue;
      if (nameIsBelowOrAt(target, cut.name) !== pass) continue;
      const node = zone.node(nameKey(target));
      if (node === undefined) continue;
      const added = addAddresses(ctx, node, target, false);
      if (pass) ctx.requiredGlue += added;
    }
  }
}

function addAddresses(ctx: QueryContext, node: ZoneNode, owner: Name, withSigs: boolean): number {
  let added = 0;
  for (const type of [RRType.A, RRType.AAAA]) {
    const set = node.get(type);
    if (set === undefined || present(ctx, owner, type)) continue;
    ctx.additional.push({ owner, set, sigs: withSigs ? node.sigs(type) : undefined });
    added++;
  }
  return added;
}

function present(ctx: QueryContext, owner: Name, type: number): boolean {
  const key = nameKey(owner);
  for (const e of ctx.additional) if (e.set.type === type && nameKey(e.owner) === key) return true;
  return false;
}

import { RRType, nameKey, nameLabelCount, nameWildcard } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { nsec3Hash, base32hex } from '../zone/index.js';
import type { RRset, Zone, ZoneNode } from '../zone/index.js';
import type { QueryContext } from './context.js';
import { nameSuffix } from './names.js';

/**
 * Denial of existence for pre-signed zones (RFC 4035 §3.1.3, RFC 5155 §7.2), added to the authority
 * section when the query has DO set. Zones without NSEC or NSEC3 get nothing.
 */

/** NODATA at `name` (an existing name, a wildcard, or a delegation without DS). */
export function addDenial(ctx: QueryContext, zone: Zone, name: Name, qtype: number): void {
  if (zone.nsec3 !== null) {
    const match = nsec3Lookup(zone, name).match;
    if (match !== undefined) pushNsec3(ctx, match);
    else if (qtype === RRType.DS) addClosestEncloserProof(ctx, zone, name);
    return;
  }
  pushNsec(ctx, zone, name);
}

/** NXDOMAIN for `qname`, whose closest encloser is `ce`. */
export function addNxdomainProof(ctx: QueryContext, zone: Zone, qname: Name, ce: ZoneNode): void {
  if (zone.nsec3 !== null) {
    const m = nsec3Lookup(zone, ce.name).match;
    if (m !== undefined) pushNsec3(ctx, m);
    pushNextCloserCover(ctx, zone, qname, ce);
    const wc = nsec3Lookup(zone, nameWildcard(ce.name)).cover;
    if (wc !== undefined) pushNsec3(ctx, wc);
    return;
  }
  pushNsec(ctx, zone, qname);
  pushNsec(ctx, zone, nameWildcard(ce.name));
}

/** A wildcard answer for `qname`: the proof that `qname` itself does not exist. For a wildcard NODATA
 * answer under NSEC3 also the closest encloser (the wildcard's own NSEC3 comes from addDenial). */
export function addWildcardProof(ctx: QueryContext, zone: Zone, qname: Name, ce: ZoneNode, nodata: boolean): void {
  if (zone.nsec3 !== null) {
    if (nodata) {
      const m = nsec3Lookup(zone, ce.name).match;
      if (m !== undefined) pushNsec3(ctx, m);
    }
    pushNextCloserCover(ctx, zone, qname, ce);
    return;
  }
  pushNsec(ctx, zone, qname);
}

/** RFC 5155 §7.2.1 closest provable encloser proof, for a name with no NSEC3 of its own (opt-out). */
function addClosestEncloserProof(ctx: QueryContext, zone: Zone, name: Name): void {
  const labels = nameLabelCount(name);
  const originLabels = nameLabelCount(zone.origin);
  for (let n = labels - 1; n >= originLabels; n--) {
    const candidate = nameSuffix(name, n, labels);
    const m = nsec3Lookup(zone, candidate).match;
    if (m === undefined) continue;
    pushNsec3(ctx, m);
    const cover = nsec3Lookup(zone, nameSuffix(name, n + 1, labels)).cover;
    if (cover !== undefined) pushNsec3(ctx, cover);
    return;
  }
}

function pushNextCloserCover(ctx: QueryContext, zone: Zone, qname: Name, ce: ZoneNode): void {
  const labels = nameLabelCount(qname);
  const nextCloser = nameSuffix(qname, nameLabelCount(ce.name) + 1, labels);
  const cover = nsec3Lookup(zone, nextCloser).cover;
  if (cover !== undefined) pushNsec3(ctx, cover);
}

function nsec3Lookup(zone: Zone, name: Name): { match: ZoneNode | undefined; cover: ZoneNode | undefined } {
  const p = zone.nsec3 as NonNullable<Zone['nsec3']>;
  return zone.nsec3For(base32hex(nsec3Hash(name, p.salt, p.iterations)));
}

function pushNsec(ctx: QueryContext, zone: Zone, name: Name): void {
  const nsec = zone.nsecFor(name);
  if (nsec === undefined) return;
  const node = zone.node(nameKey(nsec.name));
  pushOnce(ctx, nsec.name, RRType.NSEC, nsec, node);
}

function pushNsec3(ctx: QueryContext, node: ZoneNode): void {
  const set = node.get(RRType.NSEC3);
  if (set !== undefined) pushOnce(ctx, node.name, RRType.NSEC3, set, node);
}

function pushOnce(ctx: QueryContext, owner: Name, type: number, set: RRset, node: ZoneNode | undefined): void {
  const key = nameKey(owner);
  for (const e of ctx.authority) if (e.set.type === type && nameKey(e.owner) === key) return;
  ctx.authority.push({ owner, set, sigs: node?.sigs(type) });
}

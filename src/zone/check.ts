import { RRType, nameToText, rdataNames, typeToText } from '../wire/index.js';
import { isBelowKey, keyOf, keyToName } from './name-key.js';
import type { Name } from '../wire/index.js';
import type { Diagnostic } from './errors.js';
import type { Zone } from './zone.js';
import type { ZoneNode } from './zone-node.js';

/** Types that may stand beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5). */
const BESIDE_CNAME = new Set<number>([RRType.CNAME, RRType.RRSIG, RRType.NSEC]);
const ADDRESS: readonly number[] = [RRType.A, RRType.AAAA];
const TARGET_TYPES: readonly number[] = [RRType.MX, RRType.SRV];

class Checker {
  readonly out: Diagnostic[];
  /** Zone cuts, or null: found by walking down from the apex (a check of a few names) */
  private readonly cuts: Set<string> | null = null;
  private hasDname = true;
  /** A direct child's key per key with names below it (made on first need: only zones with a DNAME). */
  private children: Map<string, string> | null = null;

  constructor(private readonly zone: Zone, whole = true) {
    this.out = [...zone.diagnostics];
    if (!whole) return;
    this.cuts = new Set();
    this.hasDname = false;
    for (const n of zone.allNodes()) {
      if (n.isDelegation) this.cuts.add(n.key);
      if (n.has(RRType.DNAME)) this.hasDname = true;
    }
  }

  error(node: ZoneNode, type: number, message: string): void {
    this.out.push({ severity: 'error', name: nameToText(node.name), type: typeToText(type), message });
  }

  warn(node: ZoneNode, type: number, message: string): void {
    this.out.push({ severity: 'warning', name: nameToText(node.name), type: typeToText(type), message });
  }

  /** The delegation node at or above `key` (strictly below the apex), if any. */
  cutAbove(key: string): string | undefined {
    if (this.cuts === null) return this.zone.lookup(keyToName(key)).cut?.key;
    if (this.cuts.size === 0) return undefined;
    if (key.length - key.charCodeAt(0) - 1 === this.zone.originKey.length) return this.cuts.has(key) ? key : undefined;
    let cut: string | undefined;
    for (let k = key; k.length > this.zone.originKey.length; k = k.slice(k.charCodeAt(0) + 1)) {
      if (this.cuts.has(k)) cut = k;
    }
    return cut;
  }

  /** A name directly below `key` (with empty non-terminals in the zone, any name below has one), if any. */
  private childOf(key: string): string | undefined {
    if (this.children === null) {
      const origin = this.zone.originKey;
      this.children = new Map();
      for (const n of this.zone.allNodes()) if (n.key.length > origin.length) this.children.set(n.key.slice(n.key.charCodeAt(0) + 1), n.key);
    }
    return this.children.get(key);
  }

  run(): Diagnostic[] {
    this.apex();
    for (const node of this.zone.allNodes()) this.node(node);
    return this.out;
  }

  apex(): void {
    const z = this.zone;
    if (z.soa.rdata.length > 1) this.error(z.apex, RRType.SOA, `multiple RRs of singleton type SOA at the apex`);
    if (!z.apex.has(RRType.NS)) this.error(z.apex, RRType.NS, `zone ${nameToText(z.origin)} has no NS records`);
  }

  node(node: ZoneNode): void {
    if (node.isEmptyNonTerminal) return;
    const name = (): string => nameToText(node.name);  // made only when reporting (names are lazy)
    if (!node.isApex && node.has(RRType.SOA)) this.error(node, RRType.SOA, `SOA record not at top of zone (${name()})`);
    const cname = node.peek(RRType.CNAME);
    if (cname) {
      if (cname.rdata.length > 1) this.error(node, RRType.CNAME, `${name()}: multiple RRs of singleton type CNAME`);
      for (const t of node.types()) {
        if (!BESIDE_CNAME.has(t)) { this.error(node, t, `${name()}: CNAME and other data (${typeToText(t)})`); break; }
      }
    }
    const alias = node.peek(RRType.ALIAS);
    if (alias) {
      if (alias.rdata.length > 1) this.warn(node, RRType.ALIAS, `${name()}: several ALIAS records; only the first (in canonical order) is used`);
      const a = ADDRESS.find((t) => node.has(t));
      if (a !== undefined) this.error(node, a, `${name()}: ALIAS and ${typeToText(a)} at the same name (the ALIAS answers A and AAAA there)`);
      this.aliasTarget(node, rdataNames(RRType.ALIAS, alias.rdata[0]!)[0]!);
    }
    const dname = node.peek(RRType.DNAME);
    if (dname && dname.rdata.length > 1) this.error(node, RRType.DNAME, `${name()}: multiple RRs of singleton type DNAME`);
    if (dname) {
      // Reported at the DNAME's owner too, so that a change adding a DNAME above names is refused.
      const child = this.childOf(node.key);
      if (child !== undefined) this.error(node, RRType.DNAME, `${nameToText(keyToName(child))} is below the DNAME at ${name()} (RFC 6672 §2.3)`);
    }
    if (!node.isApex && this.hasDname) {
      const origin = this.zone.originKey;
      for (let k = node.key; k.length > origin.length;) {
        k = k.slice(k.charCodeAt(0) + 1);
        const above = this.zone.node(k);
        if (above?.has(RRType.DNAME)) { this.error(node, RRType.DNAME, `${name()} is below the DNAME at ${nameToText(above.name)} (RFC 6672 §2.3)`); break; }
      }
    }
    if (!node.isApex) {
      const cut = this.cutAbove(node.key);
      if (cut !== undefined && cut !== node.key) this.occluded(node, name());
      else if (cut === node.key) this.delegation(node, name());
    }
    if (node.isApex || node.isDelegation) {
      for (const rd of node.peek(RRType.NS)?.rdata ?? []) this.nsTarget(node, rdataNames(RRType.NS, rd)[0]!);
    }
    for (const t of TARGET_TYPES) {
      const set = node.peek(t);
      if (set) for (const rd of set.rdata) this.hostTarget(node, t, rdataNames(t, rd)[0]!);
    }
  }

  private occluded(node: ZoneNode, name: string): void {
    for (const t of node.types()) {
      if (!ADDRESS.includes(t)) this.warn(node, t, `${name} ${typeToText(t)} is below a zone cut (occluded, not served)`);
    }
  }

  private delegation(node: ZoneNode, name: string): void {
    for (const t of node.types()) {
      if (t !== RRType.NS && t !== RRType.DS && t !== RRType.NSEC && !ADDRESS.includes(t)) {
        this.warn(node, t, `${name} ${typeToText(t)} at a zone cut is occluded by the delegation`);
      }
    }
  }

  private inZone(target: Name): boolean {
    return isBelowKey(keyOf(target), this.zone.originKey);
  }

  private nsTarget(node: ZoneNode, target: Name): void {
    if (!this.inZone(target)) return;
    const t = nameToText(target);
    const path = this.zone.lookup(target);
    const n = path.node;
    if (n?.has(RRType.CNAME)) { this.error(node, RRType.NS, `NS '${t}' is a CNAME (illegal)`); return; }
    if (n && ADDRESS.some((a) => n.has(a))) return;
    const cut = this.cutAbove(keyOf(target));
    if (cut !== undefined) {
      const where = nameToText(this.zone.node(cut)!.name);
      this.error(node, RRType.NS, `${nameToText(node.name)}/NS '${t}' has no REQUIRED GLUE address records (A or AAAA) below the cut ${where}`);
    } else {
      this.error(node, RRType.NS, `${nameToText(node.name)}/NS '${t}' has no address records (A or AAAA)`);
    }
  }

  private hostTarget(node: ZoneNode, type: number, target: Name): void {
    if (!this.inZone(target) || (target.length === 1 && target[0] === 0)) return;
    const t = nameToText(target);
    const n = this.zone.lookup(target).node;
    if (n?.has(RRType.CNAME)) this.warn(node, type, `${typeToText(type)} '${t}' is a CNAME (illegal)`);
    else if (!n || !ADDRESS.some((a) => n.has(a))) {
      if (this.cutAbove(keyOf(target)) === undefined && !this.wildcardCovers(target)) {
        this.warn(node, type, `${typeToText(type)} '${t}' has no address records (A or AAAA)`);
      }
    }
  }

  /** An ALIAS target inside the zone must have something to answer A/AAAA with (else SERVFAIL). */
  private aliasTarget(node: ZoneNode, target: Name): void {
    if (!this.inZone(target) || this.cutAbove(keyOf(target)) !== undefined) return;
    const n = this.zone.lookup(target).node;
    const t = nameToText(target);
    if (n === undefined || n.isEmptyNonTerminal) {
      if (!this.wildcardCovers(target)) this.warn(node, RRType.ALIAS, `ALIAS '${t}' does not exist in the zone (A/AAAA queries get SERVFAIL)`);
    } else if (![...ADDRESS, RRType.CNAME, RRType.ALIAS, RRType.LUA].some((x) => n.has(x))) {
      this.warn(node, RRType.ALIAS, `ALIAS '${t}' has no address records (A or AAAA)`);
    }
  }

  private wildcardCovers(target: Name): boolean {
    const ce = this.zone.lookup(target).closestEncloser;
    return this.zone.node('\x01*' + ce.key) !== undefined;
  }
}

/**
 * named-checkzone's rules over a loaded zone, plus the loader's own findings: no NS at the apex,
 * several SOAs, SOA below the apex, CNAME and other data, several CNAMEs/DNAMEs, ALIAS beside A or AAAA,
 * names below a DNAME,
 * NS targets that are CNAMEs or have no address (glue missing below a cut) — errors; duplicates,
 * TTL mismatches, MX/SRV targets without address, occluded data, several ALIASes at a name — warnings.
 */
export function checkZone(zone: Zone): Diagnostic[] {
  return new Checker(zone).run();
}

/**
 * The checks of checkZone that a change at `keys` (node keys of the changed owners) can break: the apex
 * (SOA, NS), and at each changed owner CNAME and other data, singletons, ALIAS, names below a DNAME,
 * occluded data, a delegation's NS targets and glue, MX/SRV targets. Costs what the changed names cost,
 * not what the zone does (one write to a big zone). Only the changed version's own diagnostics come along.
 */
export function checkChanges(zone: Zone, keys: Iterable<string>): Diagnostic[] {
  const c = new Checker(zone, false);
  c.apex();
  for (const k of keys) {
    const node = zone.node(k);
    if (node !== undefined) c.node(node);
  }
  return c.out;
}

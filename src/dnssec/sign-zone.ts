import { RRType, nameToText, soaMinimum } from '../wire/index.js';
import { ZoneBuilder, keyToName } from '../zone/index.js';
import type { Zone, ZoneNode } from '../zone/index.js';
import { hashEntries, nsecChain, nsec3Chain, nsec3ParamRdata } from './denial-chain.js';
import type { ChainEntry, ChainRecord, Nsec3Options } from './denial-chain.js';
import { DnssecError } from './errors.js';
import { dataSigners, dnskeyRdata, isSep } from './key.js';
import type { DnssecKey } from './key.js';
import { signRRset } from './rrsig.js';
import { reusableSigs } from './reuse.js';
import { cdsSets, sortBytes } from './cds.js';
import type { CdsMode } from './cds.js';
import type { RRsetToSign, SignWindow } from './rrsig.js';
import { OnlineSigner, setOnlineSigner } from './online.js';

export interface SignOptions {
  /** Signing time, seconds since the epoch (default: the clock). */
  now?: number;
  /** Inception is backdated by this many seconds (default 3600: clock skew of validators). */
  inceptionOffset?: number;
  /** Signatures expire this many seconds after `now` (default 14 days). */
  validity?: number;
  /** Denial of existence: NSEC3 (default; RFC 9276 parameters) or NSEC. */
  denial?: 'nsec3' | 'nsec';
  nsec3?: Nsec3Options;
  /** TTL of the DNSKEY RRset (default 3600). */
  dnskeyTtl?: number;
  /**
   * The previous signed snapshot of this zone: its signatures are kept for RRsets that did not change
   * and have more than `refresh` seconds left, so a reload re-signs only what changed.
   */
  previous?: Zone;
  /** Signatures with less than this many seconds left are made again (default a quarter of `validity`). */
  refresh?: number;
  /** CDS/CDNSKEY at the apex (replacing any in the zone): the SEP keys' ('publish') or the delete request. */
  cds?: CdsMode;
  /** The keys CDS/CDNSKEY name with cds 'publish' (default: every published SEP key). A rollover names
   * only the key the parent's DS should point to next. */
  cdsKeys?: readonly DnssecKey[];
  /**
   * SOA serial of the signed zone (default: the zone's). A refresh that only makes new signatures must
   * raise it, or secondaries that transfer by serial keep the old signatures until they expire.
   */
  soaSerial?: number;
  /** Clock of the online signer registered for the result (answers made at query time), seconds. */
  clock?: () => number;
}

export const DEFAULT_VALIDITY = 14 * 86400;
export const DEFAULT_INCEPTION_OFFSET = 3600;

/** Types the signer makes itself: a pre-signed zone's are dropped and made again. */
const MADE = new Set<number>([RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.NSEC3PARAM, RRType.DNSKEY]);
const MADE_WITH_CDS = new Set<number>([...MADE, RRType.CDS, RRType.CDNSKEY]);

interface Signers { zsk: DnssecKey[]; ksk: DnssecKey[]; published: DnssecKey[] }

function signersOf(keys: readonly DnssecKey[], zoneText: string): Signers {
  const active = keys.filter((k) => k.active);
  if (active.length === 0) throw new DnssecError('GDNS_ERR_DNSSEC_NO_KEY', `no active DNSSEC key for ${zoneText}`);
  return { zsk: dataSigners(active), ksk: keySigners(active), published: keys.filter((k) => k.published || k.active) };
}

/** The keys that sign DNSKEY (and CDS/CDNSKEY): per algorithm, its SEP keys, or its ZSKs when it has none. */
function keySigners(active: readonly DnssecKey[]): DnssecKey[] {
  const out: DnssecKey[] = [];
  for (const alg of new Set(active.map((k) => k.algorithm))) {
    const of = active.filter((k) => k.algorithm === alg);
    const sep = of.filter((k) => isSep(k));
    out.push(...(sep.length > 0 ? sep : of));
  }
  return out;
}

/** Child key of `parentKey`? (node keys are lower-cased wire names as latin1) */
function isBelow(key: string, parentKey: string): boolean {
  if (key.length <= parentKey.length || !key.endsWith(parentKey)) return false;
  const cut = key.length - parentKey.length;
  let p = 0;
  while (p < cut) p += key.charCodeAt(p) + 1;
  return p === cut;
}

/**
 * Signs a zone snapshot: DNSKEY at the apex, an RRSIG for every authoritative RRset (at a delegation
 * only DS; nothing below a cut), and an NSEC3 chain (RFC 9276 defaults, opt-out optional) or an NSEC
 * chain. Signatures, NSEC/NSEC3, NSEC3PARAM and DNSKEY already in `zone` are dropped and made again.
 * Returns a new Zone; the engine serves it as it serves any pre-signed zone.
 */
export function signZone(zone: Zone, keys: readonly DnssecKey[], opts: SignOptions = {}): Zone {
  const steps = signSteps(zone, keys, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * signZone in slices of at most about `sliceMs` of work, giving the event loop a turn between them, so a
 * server signing a big zone keeps answering queries meanwhile (same result as signZone).
 */
export async function signZoneAsync(zone: Zone, keys: readonly DnssecKey[], opts: SignOptions = {}, sliceMs = 10): Promise<Zone> {
  const steps = signSteps(zone, keys, opts);
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((ok) => setImmediate(ok));
      start = performance.now();
    }
  }
}

/** Work between two yields (nodes or chain records). */
const STEP = 32;

function* signSteps(zone: Zone, keys: readonly DnssecKey[], opts: SignOptions): Generator<void, Zone> {
  const originKey = zone.originKey;
  const origin = keyToName(originKey);
  const signers = signersOf(keys, nameToText(zone.origin));
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const win: SignWindow = {
    inception: (now - (opts.inceptionOffset ?? DEFAULT_INCEPTION_OFFSET)) >>> 0,
    expiration: (now + (opts.validity ?? DEFAULT_VALIDITY)) >>> 0,
  };
  const nsec3 = (opts.denial ?? 'nsec3') === 'nsec3';
  const n3opts = opts.nsec3 ?? {};
  const denialTtl = Math.min(zone.soa.ttl, soaMinimum(zone.soa.rdata[0]!));
  const out = new ZoneBuilder(zone.origin, zone.file);
  const prev = opts.previous;
  const refresh = opts.refresh ?? Math.floor((opts.validity ?? DEFAULT_VALIDITY) / 4);
  const sign = (set: RRsetToSign, key: string, by: readonly DnssecKey[]): void => {
    const kept = prev === undefined ? null : reusableSigs(prev, key, set, by, now, refresh);
    if (kept !== null) for (const rd of kept) out.addKey(key, RRType.RRSIG, set.ttl, rd);
    else for (const k of by) out.addKey(key, RRType.RRSIG, set.ttl, signRRset(set, origin, k, win));
  };
  const add = (key: string, set: RRsetToSign): void => {
    for (const rd of set.rdata) out.addKey(key, set.type, set.ttl, rd);
  };

  const entries: ChainEntry[] = [];
  let cutKey: string | null = null;
  let n = 0;
  for (const node of zone.canonicalNodes()) {
    if (++n % STEP === 0) yield;
    const occluded = cutKey !== null && isBelow(node.key, cutKey);
    if (!occluded) cutKey = node.isDelegation ? node.key : null;
    const entry = copyNode(node, occluded, opts.cds ? MADE_WITH_CDS : MADE, add, sign, signers.zsk, opts.soaSerial);
    if (entry !== null && !(nsec3 && n3opts.optOut && entry.insecure)) {
      if (!nsec3 && entry.types.length === 0) continue; // NSEC: empty non-terminals have no record
      entries.push({ name: node.name, key: node.key, types: entry.types });
    }
  }

  const apex = entries.find((e) => e.key === originKey);
  if (apex === undefined) throw new DnssecError('GDNS_ERR_DNSSEC_ZONE', 'the apex is missing from the denial chain');
  const dnskey: RRsetToSign = { name: origin, type: RRType.DNSKEY, ttl: opts.dnskeyTtl ?? 3600, rdata: sortBytes(signers.published.map(dnskeyRdata)) };
  add(originKey, dnskey);
  sign(dnskey, originKey, signers.ksk);
  apex.types.push(RRType.DNSKEY);
  for (const set of opts.cds ? cdsSets(origin, opts.cdsKeys ?? signers.published, opts.cds, dnskey.ttl) : []) {
    add(originKey, set);
    sign(set, originKey, signers.ksk);
    apex.types.push(set.type);
  }
  let chain: ChainRecord[];
  if (nsec3) {
    const param: RRsetToSign = { name: origin, type: RRType.NSEC3PARAM, ttl: 0, rdata: [nsec3ParamRdata(n3opts)] };
    add(originKey, param);
    sign(param, originKey, signers.zsk);
    apex.types.push(RRType.NSEC3PARAM);
    const hashed = yield* hashEntries(entries, n3opts);
    chain = nsec3Chain(hashed, origin, originKey, n3opts);
    yield;
  } else {
    chain = nsecChain(entries);
  }
  const type = nsec3 ? RRType.NSEC3 : RRType.NSEC;
  for (const r of chain) {
    if (++n % STEP === 0) yield;
    const set: RRsetToSign = { name: r.name, type, ttl: denialTtl, rdata: [r.rdata] };
    add(r.key, set);
    sign(set, r.key, signers.zsk);
  }
  yield;
  const signed = out.finish();
  setOnlineSigner(signed, new OnlineSigner(origin, keys, {
    now: opts.clock, validity: opts.validity, inceptionOffset: opts.inceptionOffset, refresh: opts.refresh,
  }));
  return signed;
}

/** The SOA RRset with another serial (the serial is the first of the five u32 fields that end the rdata). */
function withSerial(set: RRsetToSign, serial: number): RRsetToSign {
  const rd = Uint8Array.prototype.slice.call(set.rdata[0]!);
  new DataView(rd.buffer, rd.byteOffset, rd.length).setUint32(rd.length - 20, serial >>> 0);
  return { name: set.name, type: set.type, ttl: set.ttl, rdata: [rd] };
}

/**
 * Copies one node's records into the new zone and signs what is authoritative there. Returns the
 * chain entry's types (RRSIG included when something was signed; `insecure` for a delegation
 * without DS), or null when the node does not belong in the chain (below a cut, or left empty).
 */
function copyNode(
  node: ZoneNode, occluded: boolean, made: ReadonlySet<number>,
  add: (key: string, set: RRsetToSign) => void,
  sign: (set: RRsetToSign, key: string, by: readonly DnssecKey[]) => void,
  zsk: readonly DnssecKey[], soaSerial: number | undefined,
): { types: number[]; insecure: boolean } | null {
  const types: number[] = [];
  let signed = false;
  const deleg = node.isDelegation;
  for (let i = 0; i < node.nsets; i++) {
    let set: RRsetToSign = node.transientAt(i);
    if (made.has(set.type)) continue;
    if (set.type === RRType.SOA && soaSerial !== undefined) set = withSerial(set, soaSerial);
    add(node.key, set);
    if (set.type === RRType.LUA || set.type === RRType.ALIAS) {
      // answered at query time and signed then (OnlineSigner): the bitmap names what they answer
      if (!occluded && !deleg) {
        for (const t of dynamicTypes(set)) if (!types.includes(t)) types.push(t);
        signed = true;
      }
      continue;
    }
    // at a cut only NS and DS are the parent's (RFC 4035 §2.3): glue there stays out of the bitmap
    if (!deleg || set.type === RRType.NS || set.type === RRType.DS) { if (!types.includes(set.type)) types.push(set.type); }
    if (occluded || (deleg && set.type !== RRType.DS)) continue;
    sign({ name: node.name, type: set.type, ttl: set.ttl, rdata: set.rdata }, node.key, zsk);
    signed = true;
  }
  if (occluded) return null;
  if (types.length === 0 && !node.isEmptyNonTerminal && !node.isApex) return null;
  if (signed) types.push(RRType.RRSIG);
  return { types, insecure: deleg && !types.includes(RRType.DS) };
}

/** The types a LUA RRset (each record's first two bytes) or an ALIAS (A and AAAA) answers. */
function dynamicTypes(set: RRsetToSign): number[] {
  if (set.type === RRType.ALIAS) return [RRType.A, RRType.AAAA];
  return set.rdata.map((r) => (r[0]! << 8) | r[1]!);
}

import { RRType, rdataCanonical } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Zone } from '../zone/index.js';
import type { DnssecKey } from './key.js';
import { signRRset } from './rrsig.js';
import { sortBytes } from './cds.js';
import { dataSigners } from './key.js';

/** An RRSIG RRset as the engine places it beside an answer. */
export interface SigSet { readonly type: number; readonly ttl: number; readonly rdata: readonly Uint8Array[] }

/** A dynamic RRset to sign: what a LUA record or an ALIAS produced for one answer. */
export interface DynamicSet { readonly type: number; readonly ttl: number; readonly rdata: readonly Uint8Array[] }

export interface OnlineOptions {
  /** Clock, seconds since the epoch (default the system clock). */
  now?: () => number;
  validity?: number;
  inceptionOffset?: number;
  /** A signature is made again once less than this is left (default validity / 4). */
  refresh?: number;
}

interface Cached { sigs: SigSet; refreshAt: number; signer: Uint8Array }

/**
 * Signs answers made at query time (LUA/geo records, ALIAS) with a signed zone's ZSKs: once per distinct
 * RRset object (geo answers are cached objects, so once per distinct answer), kept until a quarter of the
 * validity is left. The engine asks `sigs()` only on the pipeline path; encoded answers that carry these
 * signatures must be dropped at `refreshAt` (GeoStage does).
 */
export class OnlineSigner {
  private readonly cache = new WeakMap<object, Cached>();
  private readonly keys: readonly DnssecKey[];
  readonly now: () => number;
  private readonly validity: number;
  private readonly offset: number;
  private readonly refresh: number;
  /** Signatures made (metrics, tests). */
  made = 0;

  constructor(private readonly origin: Name, keys: readonly DnssecKey[], opts: OnlineOptions = {}) {
    this.keys = dataSigners(keys.filter((k) => k.active));
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.validity = opts.validity ?? 14 * 86400;
    this.offset = opts.inceptionOffset ?? 3600;
    this.refresh = opts.refresh ?? Math.floor(this.validity / 4);
  }

  /**
   * The RRSIGs of `set` owned by `owner` (the record's owner; a wildcard's `*` name for synthesized
   * answers). Cached per set object: the same object signed with another owner is signed again.
   */
  sigs(owner: Name, set: DynamicSet): SigSet {
    const now = this.now();
    const hit = this.cache.get(set);
    if (hit !== undefined && hit.refreshAt > now && sameName(hit.signer, owner)) return hit.sigs;
    const rdata = sortBytes(set.rdata.map((r) => rdataCanonical(set.type, r)));
    const win = { inception: (now - this.offset) >>> 0, expiration: (now + this.validity) >>> 0 };
    const sigs: SigSet = {
      type: RRType.RRSIG, ttl: set.ttl,
      rdata: this.keys.map((k) => signRRset({ name: owner, type: set.type, ttl: set.ttl, rdata }, this.origin, k, win)),
    };
    this.made += sigs.rdata.length;
    madeTotal += sigs.rdata.length;
    this.cache.set(set, { sigs, refreshAt: now + this.validity - this.refresh, signer: owner });
    return sigs;
  }

  /** When the signatures of `set` (as `sigs` made them) are due again, seconds; for a set never signed,
   * when signatures made now would be. Encoded answers carrying them must go by then. */
  refreshAt(set: object): number {
    return this.cache.get(set)?.refreshAt ?? this.now() + this.validity - this.refresh;
  }
}

function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const signers = new WeakMap<Zone, OnlineSigner>();
let madeTotal = 0;

/** Signatures made at query time by every OnlineSigner of this process (metrics). */
export function onlineSignatureCount(): number {
  return madeTotal;
}

/** The online signer of a signed zone snapshot (signZone registers one), or undefined: not signed. */
export function onlineSignerOf(zone: Zone): OnlineSigner | undefined {
  return signers.get(zone);
}

export function setOnlineSigner(zone: Zone, signer: OnlineSigner): void {
  signers.set(zone, signer);
}

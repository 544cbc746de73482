import type { ClientSubnet, Name } from '../wire/index.js';
import { commonPrefix, networkHas } from './address.js';
import type { Network } from './address.js';
import type { GeoIp, GeoLocation } from './geoip.js';
import type { GeoRecord } from './geo-record.js';
import { EMPTY_RECORD } from './geo-record.js';

/** What a LUA record's evaluation may read about its query (PowerDNS's preset variables). */
export interface LuaInputs {
  qname: Name;
  qtype: number;
  /** The zone's origin and a number naming it (zoneid). */
  zone: Name;
  zoneId: number;
  /** Owner of the LUA record (a wildcard for createForward). */
  recordOwner: Name;
  /** Source address and port of the query, and the server address it reached (null if unknown). */
  who: Uint8Array;
  whoPort: number;
  localwho: Uint8Array | null;
  ecs: ClientSubnet | null;
  dnssecOk: boolean;
  tcp: boolean;
  ednsSize: number;
  id: number;
  flags: number;
}

/** A random pick whose candidates can be cached (the pick is made again for every answer). */
export type Choice =
  | { kind: 'one'; items: string[] }
  | { kind: 'weighted'; items: Array<[number, string]> }
  | { kind: 'sample'; n: number; items: string[] };

/** The client-facing inputs an evaluation read, and how: the keys of its cached answers. */
export interface Reads {
  /** The GeoIP record of bestwho. */
  geo: boolean;
  /** The whole address (hashing, who/bestwho/ecswho read as text). */
  address: boolean;
  /** Netmasks tested against bestwho, in order. */
  masks: Network[];
  /** Something not keyed at all was read (pdnsrandom, dh): never cached. */
  uncacheable: boolean;
}

/**
 * The state of one evaluation: inputs, the client address PowerDNS calls bestwho (ECS network
 * address, else the source), and what was read (see Reads).
 */
export class Evaluation {
  readonly reads: Reads = { geo: false, address: false, masks: [], uncacheable: false };
  /** Random picks made, and the last one's candidates and result. */
  randomCalls = 0;
  lastChoice: Choice | null = null;
  lastPick: string | string[] | null = null;
  readonly bestwho: Uint8Array;
  private loc: GeoLocation | null = null;

  constructor(readonly inputs: LuaInputs, readonly geo: GeoIp | null) {
    this.bestwho = inputs.ecs !== null ? inputs.ecs.address : inputs.who;
  }

  /** bestwho's merged GeoIP record (read: geo). */
  geoRecord(): GeoRecord {
    this.reads.geo = true;
    if (this.geo === null) return EMPTY_RECORD;
    this.loc ??= this.geo.locate(this.bestwho, this.geo.newLocation());
    return this.geo.record(this.loc);
  }

  /** Any address's record (not client-dependent unless the address came from who/bestwho). */
  recordOf(address: Uint8Array): GeoRecord {
    return this.geo === null ? EMPTY_RECORD : this.geo.lookup(address);
  }

  /** bestwho is inside the network (read: the mask). */
  inNetwork(net: Network): boolean {
    this.reads.masks.push(net);
    return networkHas(net, this.bestwho);
  }

  readAddress(): void {
    this.reads.address = true;
  }

  /** Records a random pick among `choice` that gave `pick`. */
  random(choice: Choice, pick: string | string[]): void {
    this.randomCalls++;
    this.lastChoice = choice;
    this.lastPick = pick;
  }
}

/**
 * The ECS scope prefix for an answer with these reads to the address: the prefix within which every
 * address reads the same (GeoIP network, netmask rules matched or missed, the whole source prefix when
 * the address itself was read), never more than the query's source prefix.
 */
export function scopeOf(reads: Reads, address: Uint8Array, geoPrefix: number, sourcePrefix: number): number {
  if (reads.address || reads.uncacheable) return sourcePrefix;
  let scope = reads.geo ? geoPrefix : 0;
  for (const m of reads.masks) {
    if (m.address.length !== address.length) continue;
    const common = commonPrefix(m.address, address);
    scope = Math.max(scope, common >= m.prefix ? m.prefix : common + 1);
  }
  return Math.min(scope, sourcePrefix);
}

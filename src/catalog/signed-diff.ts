import { RRType } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import type { RRset, Zone, ZoneNode } from '../zone/index.js';

/** What changed between two signed versions of a zone (IXFR, RFC 1995): records removed and added. */
export interface SignedDiff { serialFrom: number; serialTo: number; removed: Rr[]; added: Rr[] }

type Set_ = Pick<RRset, 'type' | 'ttl' | 'rdata'>;

function sameSet(a: Set_ | undefined, b: Set_): boolean {
  if (a === undefined || a.ttl !== b.ttl || a.rdata.length !== b.rdata.length) return false;
  for (let i = 0; i < b.rdata.length; i++) {
    const x = a.rdata[i]!;
    const y = b.rdata[i]!;
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

function push(out: Rr[], node: ZoneNode, set: Set_): void {
  for (const rdata of set.rdata) out.push({ name: node.name, type: set.type, class: 1, ttl: set.ttl, rdata: Uint8Array.prototype.slice.call(rdata) });
}

/** Every RRset of a node (RRSIGs last), for one pass. */
function* setsOf(node: ZoneNode): Iterable<Set_> {
  for (let i = 0; i < node.nsets; i++) yield node.transientAt(i);
  if (node.sigSets) for (const s of node.sigSets) yield s.transient();
}

/** The same RRset in another version of the node (RRSIGs by the type they cover). */
function counterpart(node: ZoneNode | undefined, set: Set_): Set_ | undefined {
  if (node === undefined) return undefined;
  if (set.type !== RRType.RRSIG) return node.peek(set.type);
  const covered = set.rdata.length > 0 ? (set.rdata[0]![0]! << 8) | set.rdata[0]![1]! : -1;
  return node.sigs(covered);
}

/**
 * The records of `to` not in `from` (added) and of `from` not in `to` (removed), SOAs included: node by
 * node, RRset by RRset, bytes compared (whole changed RRsets go out, as IXFR servers commonly send them).
 */
export async function zoneDiff(from: Zone, to: Zone): Promise<SignedDiff> {
  const removed: Rr[] = [];
  const added: Rr[] = [];
  let n = 0;
  const walk = async (a: Zone, b: Zone, out: Rr[]): Promise<void> => {
    for (const node of b.allNodes()) {
      // a big zone is walked in slices, so queries are answered meanwhile
      if (++n % 5000 === 0) await new Promise<void>((ok) => setImmediate(ok));
      const other = a.node(node.key);
      for (const set of setsOf(node)) if (!sameSet(counterpart(other, set), set)) push(out, node, set);
    }
  };
  await walk(from, to, added);
  await walk(to, from, removed);
  return { serialFrom: from.serial, serialTo: to.serial, removed, added };
}

/**
 * The last few signed differences of each zone, kept in memory as the signer makes versions, so IXFR
 * of a signed zone carries exactly what changed, signatures and NSEC3 included (the store's journal only
 * has the unsigned changes). Lost on restart: IXFR then falls back to AXFR.
 */
export class SignedJournal {
  private readonly diffs = new Map<string, SignedDiff[]>();

  constructor(private readonly depth = 16) {}

  add(zone: string, diff: SignedDiff): void {
    let list = this.diffs.get(zone);
    if (list === undefined || (list.length > 0 && list.at(-1)!.serialTo !== diff.serialFrom)) this.diffs.set(zone, list = []);
    list.push(diff);
    if (list.length > this.depth) list.shift();
  }

  /** The version changed without a new serial (or the zone went): differences are not known any more. */
  forget(zone: string): void {
    this.diffs.delete(zone);
  }

  /** Differences leading from `fromSerial` to `toSerial`, oldest first; null when not known. */
  chain(zone: string, fromSerial: number, toSerial: number): SignedDiff[] | null {
    const list = this.diffs.get(zone);
    if (list === undefined) return null;
    const i = list.findIndex((d) => d.serialFrom === fromSerial);
    if (i < 0 || list.at(-1)!.serialTo !== toSerial) return null;
    return list.slice(i);
  }
}

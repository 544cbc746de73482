import { keyOf } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { Rr } from '../wire/index.js';

/** What changed between two signed versions of a zone (IXFR, RFC 1995): records removed and added. */
export interface SignedDiff { serialFrom: number; serialTo: number; removed: Rr[]; added: Rr[] }

/** Records of a zone keyed by owner, type, TTL and rdata (latin1 strings: cheap to make and compare). */
async function recordKeys(zone: Zone): Promise<Map<string, Rr>> {
  const out = new Map<string, Rr>();
  let n = 0;
  for (const set of zone.records()) {
    const owner = keyOf(set.name);
    for (const rdata of set.rdata) {
      out.set(`${owner}|${set.type}|${set.ttl}|${Buffer.from(rdata.buffer, rdata.byteOffset, rdata.length).toString('latin1')}`,
        { name: set.name, type: set.type, class: 1, ttl: set.ttl, rdata: Uint8Array.prototype.slice.call(rdata) });
      // a big zone is walked in slices, so queries are answered meanwhile
      if (++n % 5000 === 0) await new Promise<void>((ok) => setImmediate(ok));
    }
  }
  return out;
}

/** The records of `to` not in `from` (added) and of `from` not in `to` (removed); SOAs included. */
export async function zoneDiff(from: Zone, to: Zone): Promise<SignedDiff> {
  const a = await recordKeys(from);
  const b = await recordKeys(to);
  const removed: Rr[] = [];
  const added: Rr[] = [];
  for (const [k, rr] of a) if (!b.has(k)) removed.push(rr);
  for (const [k, rr] of b) if (!a.has(k)) added.push(rr);
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

import { RRClass, RRType, nameFromText, rdataFromText, tokenize } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import type { JournalEntry, RRsetState } from '../store/index.js';
import type { ServedRRset } from './zone-image.js';

/**
 * The entries taking a zone from `fromSerial` to its newest serial, oldest first; null when the
 * journal has no unbroken chain from that serial (IXFR then falls back to AXFR). [] when current.
 */
export function journalChain(entries: readonly JournalEntry[], fromSerial: number): JournalEntry[] | null {
  if (entries.length === 0) return null;
  if (entries.at(-1)!.serialTo === fromSerial) return [];
  let start = -1;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.serialFrom === fromSerial && !(e.serialFrom === 0 && e.changes.length === 0)) { start = i; break; }
  }
  if (start < 0) return null;
  const chain = entries.slice(start);
  for (let i = 1; i < chain.length; i++) {
    if (chain[i]!.serialFrom !== chain[i - 1]!.serialTo) return null;
  }
  return chain;
}

function enabled(name: string, type: number, s: RRsetState | null): Map<string, Rr> {
  const out = new Map<string, Rr>();
  if (s === null) return out;
  const owner = nameFromText(name);
  for (const r of s.records) {
    if (r.disabled) continue;
    out.set(r.content, { name: owner, type, class: RRClass.IN, ttl: s.ttl, rdata: rdataFromText(type, tokenize(r.content), owner) });
  }
  return out;
}

function put(list: Rr[], rr: Rr): void {
  if (rr.type === RRType.SOA) list.unshift(rr);
  else list.push(rr);
}

/**
 * One journal entry as IXFR sees it (RFC 1995): the records removed and the records added, each list
 * led by its SOA (old SOA first in `removed`, new SOA first in `added`). A changed TTL removes and
 * re-adds the whole RRset.
 */
export function entryDiff(entry: JournalEntry): { removed: Rr[]; added: Rr[] } {
  const removed: Rr[] = [];
  const added: Rr[] = [];
  for (const c of entry.changes) {
    const before = enabled(c.name, c.type, c.before);
    const after = enabled(c.name, c.type, c.after);
    const ttlChanged = c.before !== null && c.after !== null && c.before.ttl !== c.after.ttl;
    for (const [k, rr] of before) if (ttlChanged || !after.has(k)) put(removed, rr);
    for (const [k, rr] of after) if (ttlChanged || !before.has(k)) put(added, rr);
  }
  return { removed, added };
}

/**
 * The RRsets to serve after `entries` (each RRset's last state, enabled records only), or null when
 * the entries do not continue `fromSerial` without a gap (then the zone is reloaded whole).
 */
export function entriesToSets(entries: readonly JournalEntry[], fromSerial: number): ServedRRset[] | null {
  let serial = fromSerial;
  const sets = new Map<string, ServedRRset>();
  for (const e of entries) {
    if (e.serialFrom !== serial || (e.serialFrom === 0 && e.changes.length === 0)) return null;
    serial = e.serialTo;
    for (const c of e.changes) {
      const owner = nameFromText(c.name);
      const rdata = [...enabled(c.name, c.type, c.after).values()].map((rr) => rr.rdata);
      sets.set(`${c.name}/${c.type}`, { owner, type: c.type, ttl: c.after?.ttl ?? 0, rdata });
    }
  }
  return [...sets.values()];
}

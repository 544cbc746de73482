import type { ServedRRset } from './zone-image.js';

interface Pending { sets: Map<string, ServedRRset>; seq: number }

/**
 * Committed RRset changes waiting to be swapped into the served snapshots. Changes to one zone are
 * merged (the last state of each RRset wins) and applied in one rebuild; the next rebuild waits as long
 * as the last one took (at most 2 s), so a 1M-record zone under a stream of writes spends at most about
 * half its time rebuilding while small zones swap at once.
 */
export class PatchQueue {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private lastBuildMs = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly rebuild: (zone: string, sets: ServedRRset[], seq: number) => void) {}

  add(zone: string, sets: readonly ServedRRset[], seq: number): void {
    let p = this.pending.get(zone);
    if (p === undefined) this.pending.set(zone, p = { sets: new Map(), seq });
    for (const s of sets) p.sets.set(`${Buffer.from(s.owner).toString('latin1').toLowerCase()}/${s.type}`, s);
    p.seq = Math.max(p.seq, seq);
    this.timer ??= setTimeout(() => this.flush(), this.lastBuildMs < 5 ? 0 : Math.min(this.lastBuildMs, 2000));
  }

  /** Resolves when every change added so far is served. */
  settled(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops what is waiting for a zone (it was removed, or reloaded whole). */
  forget(zone: string): void {
    this.pending.delete(zone);
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  private flush(): void {
    this.timer = null;
    const t0 = performance.now();
    const work = [...this.pending];
    this.pending.clear();
    for (const [zone, p] of work) this.rebuild(zone, [...p.sets.values()], p.seq);
    this.lastBuildMs = performance.now() - t0;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}

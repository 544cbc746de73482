import { nameFromText } from '../wire/index.js';
import type { Rr, TsigKey } from '../wire/index.js';
import { sendNotify } from './transfer-in.js';
import { peerText } from './peer.js';
import type { Peer } from './peer.js';

/** One NOTIFY being delivered: to whom, which serial, how it went. */
export interface NotifyState {
  zone: string;
  target: string;
  serial: number;
  attempts: number;
  answeredAt: number | null;
  lastError: string | null;
  givenUp: boolean;
}

export interface NotifierOptions {
  /** First retry after this long; each next one waits twice as long (ms). Default 1000. */
  retryMs?: number;
  /** Longest wait between retries (ms). Default 60 000. */
  maxRetryMs?: number;
  /** Attempts before giving up on one serial. Default 10. */
  attempts?: number;
  timeoutMs?: number;
  onResult?: (s: NotifyState) => void;
}

interface Job { state: NotifyState; peer: Peer; soa: Rr; key: TsigKey | null; timer: NodeJS.Timeout | null }

/**
 * Sends NOTIFY (RFC 1996) for a zone to each target and retries with a growing delay until the target
 * answers; a newer serial for the same zone and target replaces the pending one.
 */
export class Notifier {
  private readonly jobs = new Map<string, Job>();
  private closed = false;

  constructor(private readonly opts: NotifierOptions = {}) {}

  notify(zone: string, targets: readonly Peer[], soa: Rr, serial: number, key: TsigKey | null = null): void {
    if (this.closed) return;
    for (const peer of targets) {
      const target = peerText(peer);
      const id = `${zone} ${target}`;
      const old = this.jobs.get(id);
      if (old?.timer) clearTimeout(old.timer);
      const job: Job = { state: { zone, target, serial, attempts: 0, answeredAt: null, lastError: null, givenUp: false }, peer, soa, key, timer: null };
      this.jobs.set(id, job);
      void this.attempt(job);
    }
  }

  states(zone?: string): NotifyState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state })).filter((s) => zone === undefined || s.zone === zone);
  }

  close(): void {
    this.closed = true;
    for (const j of this.jobs.values()) if (j.timer) clearTimeout(j.timer);
  }

  private async attempt(job: Job): Promise<void> {
    job.timer = null;
    if (this.closed || this.jobs.get(`${job.state.zone} ${job.state.target}`) !== job) return;
    job.state.attempts++;
    try {
      await sendNotify(job.peer, nameFromText(job.state.zone), job.soa, job.key, this.opts.timeoutMs ?? 2000);
      job.state.answeredAt = Date.now();
      job.state.lastError = null;
      this.opts.onResult?.({ ...job.state });
    } catch (err) {
      job.state.lastError = (err as Error).message;
      if (job.state.attempts >= (this.opts.attempts ?? 10)) {
        job.state.givenUp = true;
        this.opts.onResult?.({ ...job.state });
        return;
      }
      if (this.closed) return;
      const delay = Math.min((this.opts.retryMs ?? 1000) * 2 ** (job.state.attempts - 1), this.opts.maxRetryMs ?? 60_000);
      job.timer = setTimeout(() => { void this.attempt(job); }, delay);
      job.timer.unref();
    }
  }
}

import { closeSync, openSync, writeSync } from 'node:fs';
import type { QueryEvent } from '../engine/index.js';
import { QueryRecorder } from './query-record.js';

export interface QueryLogOptions {
  /** A file path (appended to), or `-` for standard output. */
  file: string;
  /** Fraction of queries logged, 0 < sample ≤ 1 (0.1: one query in ten, evenly spaced). Default 1. */
  sample?: number;
}

/** Lines waiting for the disk beyond this are dropped (and counted) rather than held in memory. */
const MAX_PENDING = 8 * 1024 * 1024;

/**
 * The query log (PowerDNS's `log-dns-queries`): one JSON line per query (or per sampled query) with
 * time, client, ECS, name, type, rcode, answer summary, geo decision and latency. Lines are gathered and
 * written once per event-loop turn; `reopen()` (SIGUSR1) reopens the file after logrotate moved it.
 */
export class QueryLog {
  private fd: number;
  private readonly owned: boolean;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private credit = 0;
  private readonly sample: number;
  private readonly recorder = new QueryRecorder();
  /** Lines written and lines dropped because the output could not keep up. */
  written = 0;
  dropped = 0;

  constructor(private readonly opts: QueryLogOptions) {
    const s = opts.sample ?? 1;
    if (!(s > 0 && s <= 1)) throw new RangeError(`query log sample must be in (0, 1], got ${s}`);
    this.sample = s;
    this.owned = opts.file !== '-';
    this.fd = this.owned ? openSync(opts.file, 'a', 0o640) : 1;
  }

  /** Takes one published query (subscribe this to the engine's `gdns:query:done`). */
  observe(event: QueryEvent): void {
    if (this.sample < 1) {
      this.credit += this.sample;
      if (this.credit < 1) return;
      this.credit -= 1;
    }
    if (this.pendingBytes > MAX_PENDING) {
      this.dropped++;
      return;
    }
    const line = this.recorder.line(event);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    const n = this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, text);
      this.written += n;
    } catch {
      this.dropped += n; // a full disk or a closed pipe must not stop answering
    }
  }

  /** Reopens the file under its name (after logrotate renamed it); standard output is left alone. */
  reopen(): void {
    this.flush();
    if (!this.owned) return;
    const old = this.fd;
    this.fd = openSync(this.opts.file, 'a', 0o640);
    closeSync(old);
  }

  close(): void {
    this.flush();
    if (this.owned) closeSync(this.fd);
  }
}

import { closeSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { QueryEvent } from '../engine/index.js';
import { LineWriter } from './query-log-lines.js';
import type { FromWorker, ToWorker } from './query-log-worker.js';

export interface QueryLogOptions {
  /** A file path (appended to), or `-` for standard output. */
  file: string;
  /** Fraction of queries logged, 0 < sample ≤ 1 (0.1: one query in ten, evenly spaced). Default 1. */
  sample?: number;
}

/** Bytes per batch handed to the worker, and batches on their way at most (beyond: lines are dropped). */
const BATCH = 512 * 1024;
const MAX_IN_FLIGHT = 32;
/** Batches go to the worker at most this often (or when full): each hand-over wakes a thread. */
const FLUSH_MS = 50;

/**
 * The query log (PowerDNS's `log-dns-queries`): one JSON line per query (or per sampled query) with
 * time, client, ECS, name, type, rcode, answer summary, geo decision and latency. The answering thread
 * writes each line into a byte batch (query-log-lines.ts: mostly copies of texts it keeps); every 50 ms
 * (or when full) the batch goes to a worker thread that writes it to the file, so a slow disk never
 * holds up answers. `reopen()` (SIGUSR1) reopens the file after logrotate.
 */
export class QueryLog {
  private readonly worker: Worker;
  private readonly lines: LineWriter;
  private records = 0;
  private readonly spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private scheduled = false;
  private credit = 0;
  private readonly sample: number;
  private idle: Array<() => void> = [];
  private closed: Promise<void> | null = null;
  private dead = false;
  /** Lines written, and lines dropped because the output could not keep up or failed. */
  written = 0;
  dropped = 0;

  constructor(opts: QueryLogOptions) {
    const s = opts.sample ?? 1;
    if (!(s > 0 && s <= 1)) throw new RangeError(`query log sample must be in (0, 1], got ${s}`);
    this.sample = s;
    if (opts.file !== '-') closeSync(openSync(opts.file, 'a', 0o640)); // fail here, not in the worker
    this.worker = startWorker(opts.file);
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => process.emitWarning(`query log: ${err.message}`));
    this.worker.on('exit', () => this.stopped());
    this.lines = new LineWriter(new ArrayBuffer(BATCH));
  }

  /** Takes one published query (subscribe this to the engine's `gdns:query:done`). */
  observe(event: QueryEvent): void {
    if (this.sample < 1) {
      this.credit += this.sample;
      if (this.credit < 1) return;
      this.credit -= 1;
    }
    if (this.closed !== null || this.dead || this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped++;
      return;
    }
    if (!this.lines.put(event)) {
      this.flush();
      if (!this.lines.put(event)) { this.dropped++; return; }
    }
    this.records++;
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), FLUSH_MS).unref();
    }
  }

  /** Hands what is gathered to the worker now. */
  flush(): void {
    this.scheduled = false;
    if (this.records === 0 || this.dead) return;
    const b = this.lines;
    this.post({ kind: 'batch', buf: b.buf.buffer as ArrayBuffer, len: b.off, records: this.records }, [b.buf.buffer as ArrayBuffer]);
    this.inFlight++;
    this.records = 0;
    b.reset(this.spare.pop() ?? new ArrayBuffer(BATCH));
  }

  /** Resolves when every line gathered so far is written. */
  drain(): Promise<void> {
    this.flush();
    if (this.inFlight === 0) return Promise.resolve();
    this.worker.ref(); // keep the process alive until the lines are written
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Reopens the file under its name (after logrotate renamed it); standard output is left alone. */
  reopen(): void {
    this.flush();
    this.post({ kind: 'reopen' });
  }

  /** Writes what is left, closes the file and stops the worker. */
  close(): Promise<void> {
    this.closed ??= this.drain().then(() => new Promise<void>((resolve) => {
      if (this.dead) { resolve(); return; }
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.post({ kind: 'close' });
    }));
    return this.closed;
  }

  /** The worker is gone (closed, or it failed): nothing more is written; waiters are released. */
  private stopped(): void {
    this.dead = true;
    this.dropped += this.records;
    this.records = 0;
    this.inFlight = 0;
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private onMessage(m: FromWorker): void {
    if (m.kind === 'done') {
      this.written += m.written;
      this.dropped += m.failed;
      if (this.spare.length < 4) this.spare.push(m.buf);
      if (--this.inFlight === 0) {
        if (this.closed === null) this.worker.unref();
        const waiting = this.idle;
        this.idle = [];
        for (const w of waiting) w();
      }
    } else if (m.kind === 'reopened' && m.error !== null) {
      process.emitWarning(`query log: reopening failed (${m.error}); still writing to the old file`);
    }
  }
}

/**
 * The worker runs query-log-worker.js beside this file; run from the sources (tsx: tests, development)
 * it is the .ts file, loaded through tsx's loader registered inside the worker.
 */
function startWorker(file: string): Worker {
  const workerData = { file };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./query-log-worker.js', import.meta.url), { workerData });
  const entry = new URL('./query-log-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

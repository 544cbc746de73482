/** One upstream server's live state: load, passive and active health, counters. */
import type { ServerOptions } from './options.js';

export interface UpstreamStats {
  readonly address: string;
  readonly weight: number;
  readonly backup: boolean;
  readonly healthy: boolean;
  /** Active check verdict (true when no active check runs). */
  readonly checkUp: boolean;
  /** Passive health: down until this time (ms since epoch), 0 when not marked down. */
  readonly downUntil: number;
  readonly active: number;
  readonly connections: number;
  readonly failures: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly lastError: string | undefined;
}

export class Upstream {
  readonly address: string;
  opts: ServerOptions;
  active = 0;
  connections = 0;
  failures = 0;
  bytesUp = 0;
  bytesDown = 0;
  lastError: string | undefined;
  /** Active health check verdict. */
  checkUp = true;
  /** Smooth weighted round-robin state. */
  currentWeight = 0;
  private recentFails = 0;
  private firstFailAt = 0;
  private downUntil = 0;

  constructor(opts: ServerOptions) {
    this.opts = opts;
    this.address = opts.host.includes(':') ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
  }

  available(now: number): boolean {
    return now >= this.downUntil && this.usable();
  }

  /** Up by the active check and below its connection cap (passive state ignored). */
  usable(): boolean {
    return this.checkUp && (this.opts.maxConnections === 0 || this.active < this.opts.maxConnections);
  }

  /** Passive health: a failed connect; `maxFails` of them within `windowMs` mark it down for `windowMs`. */
  fail(now: number, reason: string, maxFails: number, windowMs: number): void {
    this.failures++;
    this.lastError = reason;
    if (now - this.firstFailAt > windowMs) {
      this.firstFailAt = now;
      this.recentFails = 0;
    }
    this.recentFails++;
    if (maxFails > 0 && this.recentFails >= maxFails) {
      this.downUntil = now + windowMs;
      this.recentFails = 0;
    }
  }

  succeed(): void {
    this.recentFails = 0;
    this.downUntil = 0;
  }

  stats(now: number): UpstreamStats {
    return {
      address: this.address,
      weight: this.opts.weight,
      backup: this.opts.backup,
      healthy: this.checkUp && now >= this.downUntil,
      checkUp: this.checkUp,
      downUntil: now < this.downUntil ? this.downUntil : 0,
      active: this.active,
      connections: this.connections,
      failures: this.failures,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      lastError: this.lastError,
    };
  }
}

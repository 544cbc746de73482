/**
 * Active health checks of one pool's servers: TCP connect, TLS handshake (certificate not
 * verified: the check asks "does it answer TLS", not "is it trusted"), or HTTP GET expecting a
 * status below 400. `fall` failures in a row take a server down, `rise` successes bring it back.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { HealthCheckOptions } from './options.js';
import type { Upstream } from './upstream.js';

export type HealthChange = (u: Upstream, up: boolean, reason: string | undefined) => void;

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private readonly streak = new Map<Upstream, number>();
  private running = false;

  constructor(
    private readonly opts: HealthCheckOptions,
    private readonly upstreams: readonly Upstream[],
    private readonly onChange: HealthChange,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.round();
    this.timer = setInterval(() => void this.round(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks every server once (also used by tests to avoid waiting for the interval). */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(this.upstreams.map(async (u) => this.record(u, await probe(this.opts, u))));
    } finally {
      this.running = false;
    }
  }

  private record(u: Upstream, error: string | undefined): void {
    // streak > 0: successes in a row; < 0: failures in a row.
    const prev = this.streak.get(u) ?? 0;
    const next = error === undefined ? Math.max(prev, 0) + 1 : Math.min(prev, 0) - 1;
    this.streak.set(u, next);
    if (!u.checkUp && next >= this.opts.rise) {
      u.checkUp = true;
      this.onChange(u, true, undefined);
    } else if (u.checkUp && -next >= this.opts.fall) {
      u.checkUp = false;
      u.lastError = error;
      this.onChange(u, false, error);
    }
  }
}

/** One probe; resolves to undefined on success or a short reason. Never rejects. */
export function probe(opts: HealthCheckOptions, u: Upstream): Promise<string | undefined> {
  const { host, port } = u.opts;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (err: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve(err);
    };
    const timer = setTimeout(() => finish('check timeout'), opts.timeoutMs);
    let cleanup = (): void => {};
    if (opts.type === 'http') {
      const req = request({ host, port, path: opts.path, method: 'GET', headers: { host: opts.sni ?? host, 'user-agent': 'geodesic-relay-check' } }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(status > 0 && status < 400 ? undefined : `http status ${status}`);
      });
      req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      req.end();
      cleanup = () => req.destroy();
      return;
    }
    const sock =
      opts.type === 'tls'
        ? tlsConnect({ host, port, servername: opts.sni, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => finish(undefined))
        : connect({ host, port }, () => finish(undefined));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    cleanup = () => sock.destroy();
  });
}

/**
 * The health/status HTTP listener (put it on loopback or a management network):
 * - `GET /health`        200 `{"healthy":true,…}` when every routed pool has a usable server, else 503
 *                        (for GeoDNS `ifurlup` and load balancer checks).
 * - `GET /health/POOL`   the same for one pool (404 for an unknown pool).
 * - `GET /status`        the full `stats()` document as JSON (`geodesic relay status` reads it).
 * - `GET /metrics`       the same counters in Prometheus text format.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RelayError, RelayErrorCode } from './errors.js';
import { prometheusText } from './metrics-text.js';
import type { RelayHealth, RelayStats } from './relay-stats.js';

export interface StatusSource {
  health(): RelayHealth;
  stats(): RelayStats;
}

export class StatusServer {
  private readonly server: Server;

  constructor(private readonly source: StatusSource) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 2000;
    this.server.requestTimeout = 5000;
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err) => reject(new RelayError(RelayErrorCode.listen, `health listener ${host}:${port}: ${err.message}`, { cause: err })));
      this.server.listen({ host, port }, () => resolve());
    });
  }

  get port(): number | undefined {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    if (path === '/health') {
      const h = this.source.health();
      return send(res, h.healthy ? 200 : 503, h);
    }
    if (path.startsWith('/health/')) {
      const name = decodeURIComponent(path.slice('/health/'.length));
      const h = this.source.health();
      const ok = h.pools[name];
      if (ok === undefined) return send(res, 404, { error: `no routed pool ${name}` });
      return send(res, ok ? 200 : 503, { pool: name, healthy: ok });
    }
    if (path === '/status') return send(res, 200, this.source.stats());
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(prometheusText(this.source.stats()));
      return;
    }
    send(res, 404, { error: 'not found', paths: ['/health', '/health/POOL', '/status', '/metrics'] });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

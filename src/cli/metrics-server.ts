import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsMetrics } from './metrics.js';

export interface MetricsServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the Prometheus text at GET /metrics on its own small HTTP listener (`--metrics-listen`,
 * `metrics.listen`) until the API listener exists; anything else is 404. Bind it to loopback or a
 * monitoring network: it has no authentication.
 */
export async function startMetricsServer(metrics: DnsMetrics, host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(path === '/metrics' ? 405 : 404, { 'content-type': 'text/plain' });
      res.end(path === '/metrics' ? 'GET only\n' : 'not found: metrics are at /metrics\n');
      return;
    }
    metrics.scrape().then((text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
    }, (err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${(err as Error).message}\n`);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const a = server.address() as AddressInfo;
  return {
    address: a.address, port: a.port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

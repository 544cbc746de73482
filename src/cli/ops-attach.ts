import { queryChannel } from '../engine/index.js';
import type { Engine, QueryEvent } from '../engine/index.js';
import { DnsMetrics } from './metrics.js';
import type { MetricSources } from './metrics.js';
import { startMetricsServer } from './metrics-server.js';
import type { MetricsServer } from './metrics-server.js';
import { QueryLog } from './query-log.js';
import type { OpsOptions } from './ops-options.js';

export interface AttachedOps {
  metrics: DnsMetrics | null;
  metricsServer: MetricsServer | null;
  queryLog: QueryLog | null;
  /** Unsubscribes, stops the metrics listener, flushes and closes the query log. */
  close(): Promise<void>;
}

/**
 * Turns on what `opts` asks for around a running engine: the per-query subscriber (metrics and query log
 * share one), the /metrics listener, SIGUSR1 reopening the query log. Call needsEveryQuery(opts) first to
 * decide whether the server may repeat answers without the engine.
 */
export async function attachOps(engine: Engine, opts: OpsOptions, sources: MetricSources = {}): Promise<AttachedOps> {
  const queryLog = opts.queryLog !== null ? new QueryLog(opts.queryLog) : null;
  const metrics = opts.metrics !== null ? new DnsMetrics(queryLog !== null ? { ...sources, queryLog: () => queryLog } : sources) : null;
  const perQuery = metrics !== null && opts.metrics!.perQuery ? metrics : null;
  const watching = perQuery !== null || queryLog !== null;
  const onQuery = (message: unknown): void => {
    const event = message as QueryEvent;
    perQuery?.observe(event);
    queryLog?.observe(event);
  };
  // While subscribed, the engine publishes every answer, those repeated from its cache too.
  if (watching) queryChannel.subscribe(onQuery);
  const reopen = (): void => { queryLog?.reopen(); };
  if (queryLog !== null) process.on('SIGUSR1', reopen);
  let metricsServer: MetricsServer | null = null;
  try {
    if (metrics !== null) metricsServer = await startMetricsServer(metrics, opts.metrics!.listen.host, opts.metrics!.listen.port);
  } catch (err) {
    await detach();
    throw err;
  }
  function detach(): Promise<void> {
    if (watching) queryChannel.unsubscribe(onQuery);
    if (queryLog === null) return Promise.resolve();
    process.off('SIGUSR1', reopen);
    return queryLog.close();
  }
  return {
    metrics, metricsServer, queryLog,
    close: async () => {
      await detach();
      await metricsServer?.close();
    },
  };
}

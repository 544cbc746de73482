import { performance } from 'node:perf_hooks';
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
 * Times each query: the engine answers synchronously and publishes `gdns:query:done` before it returns,
 * so the start recorded on entry to answerInto belongs to the event published. Adds `elapsedNs` to the
 * event (until the engine sets it itself). Returns the undo.
 */
export function startQueryClock(engine: Engine): { stamp(event: QueryEvent): void; stop(): void } {
  const original = engine.answerInto;
  let started = 0;
  engine.answerInto = function (this: Engine, ...args: Parameters<Engine['answerInto']>): number {
    started = performance.now();
    return original.apply(this, args);
  };
  return {
    stamp: (event) => {
      const e = event as QueryEvent & { elapsedNs?: number };
      e.elapsedNs ??= (performance.now() - started) * 1e6;
    },
    stop: () => { engine.answerInto = original; },
  };
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
  const clock = perQuery !== null || queryLog !== null ? startQueryClock(engine) : null;
  const onQuery = (message: unknown): void => {
    const event = message as QueryEvent;
    clock!.stamp(event);
    perQuery?.observe(event);
    queryLog?.observe(event);
  };
  if (clock !== null) queryChannel.subscribe(onQuery);
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
    if (clock !== null) { queryChannel.unsubscribe(onQuery); clock.stop(); }
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

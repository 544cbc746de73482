import type { Command } from 'commander';
import { parseListen } from '../config/index.js';
import type { ListenAddress } from '../config/index.js';

/** What `serve` turns on around the engine: metrics and the query log (both off by default). */
export interface OpsOptions {
  metrics: {
    /** The /metrics HTTP listener (until the API listener exists). */
    listen: ListenAddress;
    /** Count every query by type, rcode, transport and zone, and time it (default true). */
    perQuery: boolean;
  } | null;
  queryLog: { file: string; sample: number } | null;
}

export const NO_OPS: OpsOptions = { metrics: null, queryLog: null };

/**
 * True when something must see every query: then the server must not repeat answers without the engine
 * (Engine `cacheSize: 0`, and no native UDP answer cache), else those answers go unlogged and uncounted.
 */
export function needsEveryQuery(o: OpsOptions): boolean {
  return o.queryLog !== null || (o.metrics?.perQuery ?? false);
}

export interface OpsFlags {
  metricsListen?: string;
  queryLog?: string;
  queryLogSample?: string;
}

/** Adds --metrics-listen, --query-log and --query-log-sample to a command (serve). */
export function addOpsOptions(cmd: Command): Command {
  return cmd
    .option('--metrics-listen <addr:port>', 'serve Prometheus metrics at http://ADDR:PORT/metrics (no authentication: keep it on loopback or a monitoring network)')
    .option('--query-log <file|->', 'log every query as one JSON line to this file (- for standard output); SIGUSR1 reopens it')
    .option('--query-log-sample <fraction>', 'log only this fraction of queries, e.g. 0.1 (default 1)');
}

/** The `metrics:` and `queryLog:` sections of the YAML configuration (docs/operations.md). */
export interface OpsConfigSection {
  metrics?: { listen?: string; perQuery?: boolean };
  queryLog?: { file?: string; sample?: number };
}

/** Options from a configuration section, then the command line on top. Throws with the bad value named. */
export function opsOptions(section: OpsConfigSection = {}, flags: OpsFlags = {}): OpsOptions {
  const out: OpsOptions = { metrics: null, queryLog: null };
  const listen = flags.metricsListen ?? section.metrics?.listen;
  if (listen !== undefined) {
    out.metrics = { listen: parseListen(listen, flags.metricsListen !== undefined ? '--metrics-listen' : 'metrics.listen'), perQuery: section.metrics?.perQuery ?? true };
  }
  const file = flags.queryLog ?? section.queryLog?.file;
  if (file !== undefined) {
    const sample = flags.queryLogSample !== undefined ? Number(flags.queryLogSample) : section.queryLog?.sample ?? 1;
    if (!(sample > 0 && sample <= 1)) {
      throw new Error(`${flags.queryLogSample !== undefined ? '--query-log-sample' : 'queryLog.sample'}: expected a fraction above 0 and at most 1, got ${String(sample)}`);
    }
    out.queryLog = { file, sample };
  }
  return out;
}

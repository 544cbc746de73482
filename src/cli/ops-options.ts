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
 * True when something must see every query: then the answers the server repeats without running the
 * pipeline are published too (the engine's cache while someone subscribes; the native UDP cache through
 * its tap), else they would go unlogged and uncounted.
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

/** The `metrics:` and `query-log:` sections of the YAML configuration (docs/metrics.md, docs/operations.md). */
export interface OpsConfigSection {
  metrics?: { listen?: string; 'per-query'?: boolean };
  'query-log'?: { file?: string; sample?: number };
}

function checkKeys(section: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (section === undefined || section === null) return {};
  if (typeof section !== 'object' || Array.isArray(section)) throw new Error(`${where}: expected a mapping`);
  for (const k of Object.keys(section)) {
    if (!keys.includes(k)) throw new Error(`${where}.${k}: unknown key (known: ${keys.join(', ')})`);
  }
  return section as Record<string, unknown>;
}

/**
 * Options from the configuration's `metrics:` and `query-log:` sections (pass the parsed YAML's top level,
 * or just those two keys), then the command line on top. Throws with the bad key or value named.
 */
export function opsOptions(config: OpsConfigSection = {}, flags: OpsFlags = {}): OpsOptions {
  const out: OpsOptions = { metrics: null, queryLog: null };
  const m = checkKeys(config.metrics, 'metrics', ['listen', 'per-query']);
  const q = checkKeys(config['query-log'], 'query-log', ['file', 'sample']);
  const listen = flags.metricsListen ?? m['listen'];
  if (listen !== undefined) {
    if (typeof listen !== 'string') throw new Error('metrics.listen: expected ADDR:PORT');
    const perQuery = m['per-query'] ?? true;
    if (typeof perQuery !== 'boolean') throw new Error('metrics.per-query: expected true or false');
    out.metrics = { listen: parseListen(listen, flags.metricsListen !== undefined ? '--metrics-listen' : 'metrics.listen'), perQuery };
  }
  const file = flags.queryLog ?? q['file'];
  if (file !== undefined) {
    if (typeof file !== 'string' || file === '') throw new Error('query-log.file: expected a path or -');
    const sample = flags.queryLogSample !== undefined ? Number(flags.queryLogSample) : q['sample'] ?? 1;
    if (typeof sample !== 'number' || !(sample > 0 && sample <= 1)) {
      throw new Error(`${flags.queryLogSample !== undefined ? '--query-log-sample' : 'query-log.sample'}: expected a fraction above 0 and at most 1, got ${String(sample)}`);
    }
    out.queryLog = { file, sample };
  }
  return out;
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { nameToText, typeToText } from '../wire/index.js';
import type { QueryEvent } from '../engine/index.js';
import type { AnswerCacheStats, UdpStats } from '../native/index.js';
import type { Zone } from '../zone/index.js';
import { eventLatencyMs, rcodeText } from './query-record.js';

/** Counts kept outside the query channel, read at each scrape (the lead's server objects). */
export interface MetricSources {
  /** Zones served now. */
  zones?: () => number;
  /** UDP endpoints (packet counters of the native batched path or node:dgram). */
  udp?: () => ReadonlyArray<{ stats(): UdpStats }>;
  /** Answer caches (the native C cache of each UDP listener, and the engine's when it counts). */
  answerCaches?: () => ReadonlyArray<{ stats(): AnswerCacheStats }>;
  /** Response rate limiting: answers dropped and answers sent truncated (slipped), since start. */
  rrl?: () => { dropped: number; slipped: number };
  /** The query log's counts (attachOps passes it when both are on). */
  queryLog?: () => { written: number; dropped: number };
  /** More series registered by other parts (the health plane's). */
  register?: ReadonlyArray<(r: Registry) => void>;
}

/** Seconds: 50 µs to 1 s (the engine answers in microseconds; the tail shows stalls). */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

/** qtypes Geodesic names; anything else is counted as "other" (bounded label values). */
const typeLabel = (t: number): string => {
  const s = typeToText(t);
  return s.startsWith('TYPE') ? 'other' : s;
};

/**
 * Prometheus metrics of one server (own registry, no global state). `observe` takes each published
 * query: counts are kept in a map keyed by small numbers and turned into labelled series at scrape time,
 * so a query costs one map update and one histogram observation.
 */
export class DnsMetrics {
  readonly registry = new Registry();
  private readonly counts = new Map<string, number>();
  private readonly zoneNames = new WeakMap<Zone, string>();
  private readonly latency: Histogram<'proto'>;
  private readonly latencyUdp: { observe(v: number): void };
  private readonly latencyTcp: { observe(v: number): void };
  private readonly errors: Counter;

  constructor(sources: MetricSources = {}, opts: { processMetrics?: boolean } = {}) {
    const r = this.registry;
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: r });
    const counts = this.counts;
    const queries = new Counter({
      name: 'geodesic_dns_queries_total', help: 'DNS queries answered by the engine, by query type, response code, transport and zone',
      labelNames: ['type', 'rcode', 'proto', 'zone'] as const, registers: [r],
      collect() {
        this.reset();
        for (const [key, n] of counts) {
          const [type, rcode, proto, zone] = key.split('|') as [string, string, string, string];
          this.inc({ type, rcode, proto, zone }, n);
        }
      },
    });
    void queries;
    this.latency = new Histogram({
      name: 'geodesic_dns_query_duration_seconds', help: 'Time the engine took to answer a query',
      labelNames: ['proto'] as const, buckets: LATENCY_BUCKETS, registers: [r],
    });
    this.latencyUdp = this.latency.labels('udp');
    this.latencyTcp = this.latency.labels('tcp');
    this.errors = new Counter({
      name: 'geodesic_dns_internal_errors_total', help: 'Queries answered SERVFAIL because of an internal error (see the log)',
      registers: [r],
    });
    registerSourceMetrics(r, sources);
  }

  /** Counts one answered query (subscribe this to the engine's `gdns:query:done`). */
  observe(event: QueryEvent): void {
    const ctx = event.ctx;
    const zone = ctx.zone;
    let zoneText = '';
    if (zone !== undefined) {
      zoneText = this.zoneNames.get(zone) ?? '';
      if (zoneText === '') this.zoneNames.set(zone, zoneText = nameToText(zone.origin));
    }
    const key = `${typeLabel(ctx.query.qtype)}|${rcodeText(ctx.rcode)}|${ctx.client.transport}|${zoneText}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (event.error !== undefined) this.errors.inc();
    const ms = eventLatencyMs(event);
    if (ms !== null) (ctx.client.transport === 'udp' ? this.latencyUdp : this.latencyTcp).observe(ms / 1000);
  }

  /** The Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

function sumStats<T>(list: ReadonlyArray<{ stats(): T }>, pick: (s: T) => number): number {
  let n = 0;
  for (const x of list) n += pick(x.stats());
  return n;
}

function registerSourceMetrics(r: Registry, s: MetricSources): void {
  for (const add of s.register ?? []) add(r);
  const counterFrom = (name: string, help: string, read: () => number): void => {
    new Counter({ name, help, registers: [r], collect() { this.reset(); this.inc(read()); } });
  };
  if (s.zones !== undefined) {
    const zones = s.zones;
    new Gauge({ name: 'geodesic_zones', help: 'Zones served', registers: [r], collect() { this.set(zones()); } });
  }
  if (s.udp !== undefined) {
    const udp = s.udp;
    counterFrom('geodesic_dns_udp_received_packets_total', 'UDP datagrams received', () => sumStats(udp(), (x) => x.rxPackets));
    counterFrom('geodesic_dns_udp_sent_packets_total', 'UDP datagrams sent', () => sumStats(udp(), (x) => x.txPackets));
    counterFrom('geodesic_dns_udp_batches_total', 'Batches of UDP datagrams handled (received / batches = mean batch size)', () => sumStats(udp(), (x) => x.batches));
    counterFrom('geodesic_dns_udp_errors_total', 'UDP send and receive errors, and oversized datagrams dropped',
      () => sumStats(udp(), (x) => x.sendErrors + x.recvErrors + x.droppedOversize));
  }
  if (s.answerCaches !== undefined) {
    const caches = s.answerCaches;
    counterFrom('geodesic_dns_answer_cache_hits_total', 'Queries answered from the native answer cache (never seen by the engine)',
      () => sumStats(caches(), (x) => x.hits));
    counterFrom('geodesic_dns_answer_cache_lookups_total', 'Lookups in the native answer cache (hits + misses)',
      () => sumStats(caches(), (x) => x.hits + x.misses));
    new Gauge({
      name: 'geodesic_dns_answer_cache_hit_ratio', help: 'Hits / lookups of the native answer cache since start (0 with no lookups)',
      registers: [r],
      collect() {
        const list = caches();
        const hits = sumStats(list, (x) => x.hits);
        const all = hits + sumStats(list, (x) => x.misses);
        this.set(all === 0 ? 0 : hits / all);
      },
    });
    new Gauge({
      name: 'geodesic_dns_answer_cache_entries', help: 'Answers held in the native answer cache', registers: [r],
      collect() { this.set(sumStats(caches(), (x) => x.entries)); },
    });
  }
  if (s.queryLog !== undefined) {
    const ql = s.queryLog;
    counterFrom('geodesic_query_log_written_lines_total', 'Query log lines written', () => ql().written);
    counterFrom('geodesic_query_log_dropped_lines_total', 'Query log lines dropped because the output could not keep up or failed', () => ql().dropped);
  }
  if (s.rrl !== undefined) {
    const rrl = s.rrl;
    counterFrom('geodesic_dns_rrl_dropped_total', 'Answers not sent because of response rate limiting', () => rrl().dropped);
    counterFrom('geodesic_dns_rrl_slipped_total', 'Answers sent truncated (TC) instead of dropped by response rate limiting', () => rrl().slipped);
  }
}

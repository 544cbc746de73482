import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { QueryEvent } from '../engine/index.js';
import type { AnswerCacheStats, UdpStats } from '../native/index.js';
import type { Zone } from '../zone/index.js';
import { rcodeText } from './query-record.js';

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

const HISTOGRAM = 'geodesic_dns_query_duration_seconds';
/** Names reported by geodesic_dns_top_names (the sketch keeps twice as many), and one query in this many sampled. */
const TOP_NAMES = 100;
const TOP_SAMPLE = 16;

const rdataText = (type: number, rd: Uint8Array): string => {
  try {
    return rdataToText(type, rd);
  } catch {
    return `\\# ${rd.length}`;
  }
};

/**
 * Prometheus metrics of one server (own registry, no global state). `observe` takes each published
 * query and costs a few array and map updates: counts are kept under a numeric key (zone, transport,
 * rcode, type) and the latency in plain bucket arrays; labels and the histogram's text are made at scrape
 * time only.
 */
export class DnsMetrics {
  readonly registry = new Registry();
  private readonly counts = new Map<number, number>();
  /** Zone objects change with every write: ids are per zone name, found once per Zone object. */
  private readonly zoneIds = new WeakMap<Zone, number>();
  private readonly zoneIdByName = new Map<string, number>();
  private readonly zoneNames: string[] = [''];
  /** Cumulative-at-scrape bucket counts per transport (udp 0, tcp 1), with sums and totals. */
  private readonly buckets = [new Float64Array(LATENCY_BUCKETS.length + 1), new Float64Array(LATENCY_BUCKETS.length + 1)];
  private readonly sums = new Float64Array(2);
  private readonly errors: Counter;
  /** Geo answers per answer: the RRset objects a geo evaluation hands out are kept (geo cache), so each
   * distinct answer gets an id once; labels are made at scrape time. */
  private readonly geoIds = new WeakMap<object, number>();
  private readonly geoIdByText = new Map<string, number>();
  private readonly geoLabels: Array<{ zone: string; name: string; answer: string }> = [];
  private geoCounts = new Float64Array(64);
  /** The most asked names: a space-saving sketch over one query in TOP_SAMPLE (name → estimated count). */
  private readonly topNames = new Map<string, number>();
  /** Names that had the least count (leastCount) in topNames when it was last scanned. */
  private readonly leastNames: string[] = [];
  private leastCount = 0;
  private tick = 0;

  constructor(sources: MetricSources = {}, opts: { processMetrics?: boolean } = {}) {
    const r = this.registry;
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: r });
    const counts = this.counts;
    const zoneNames = this.zoneNames;
    new Counter({
      name: 'geodesic_dns_queries_total', help: 'DNS queries answered by the engine, by query type, response code, transport and zone',
      labelNames: ['type', 'rcode', 'proto', 'zone'] as const, registers: [r],
      collect() {
        this.reset();
        for (const [key, n] of counts) {
          const qtype = key % 65536;
          const rest = Math.floor(key / 65536);
          const rcode = rest % 32;
          const zp = Math.floor(rest / 32);
          this.inc({ type: typeLabel(qtype), rcode: rcodeText(rcode), proto: zp % 2 === 0 ? 'udp' : 'tcp', zone: zoneNames[Math.floor(zp / 2)] ?? '' }, n);
        }
      },
    });
    this.errors = new Counter({
      name: 'geodesic_dns_internal_errors_total', help: 'Queries answered SERVFAIL because of an internal error (see the log)',
      registers: [r],
    });
    const geoLabels = this.geoLabels;
    const geo = (): Float64Array => this.geoCounts;
    new Counter({
      name: 'geodesic_geo_answers_total', help: 'Answers chosen per client (LUA and declarative geo records, ALIAS to them), by zone, name and the addresses answered',
      labelNames: ['zone', 'name', 'answer'] as const, registers: [r],
      collect() {
        this.reset();
        const counts = geo();
        geoLabels.forEach((l, i) => { if (counts[i]! > 0) this.inc(l, counts[i]!); });
      },
    });
    const topNames = this.topNames;
    new Gauge({
      name: 'geodesic_dns_top_names', help: `Queries per name for the ${TOP_NAMES} most asked names since start, estimated (one query in ${TOP_SAMPLE} sampled, space-saving counts)`,
      labelNames: ['name'] as const, registers: [r],
      collect() {
        this.reset();
        for (const [name, n] of [...topNames].sort((a, b) => b[1] - a[1]).slice(0, TOP_NAMES)) this.set({ name }, n * TOP_SAMPLE);
      },
    });
    registerSourceMetrics(r, sources);
  }

  /** Counts one answered query (subscribe this to the engine's `gdns:query:done`). */
  observe(event: QueryEvent): void {
    const ctx = event.ctx;
    const zone = ctx.zone;
    let zid = 0;
    if (zone !== undefined) {
      zid = this.zoneIds.get(zone) ?? this.zoneIdOf(zone);
    }
    const proto = ctx.client.transport === 'udp' ? 0 : 1;
    const key = ((zid * 2 + proto) * 32 + (ctx.rcode & 31)) * 65536 + ctx.query.qtype;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (event.error !== undefined) this.errors.inc();
    if ((++this.tick & (TOP_SAMPLE - 1)) === 0 && ctx.query.qdcount > 0) this.noteName(ctx.query.qname);
    if (!ctx.cacheable && ctx.rcode === 0 && zone !== undefined) {
      for (const e of ctx.answer) {
        if (e.set.type !== 1 && e.set.type !== 28) continue;
        const id = this.geoIds.get(e.set) ?? this.geoIdOf(e, zid);
        if (id >= 0) this.geoCounts[id]! += 1;
      }
    }
    const ns = event.elapsedNs;
    if (typeof ns === 'number') {
      const secs = ns / 1e9;
      let b = 0;
      while (b < LATENCY_BUCKETS.length && secs > LATENCY_BUCKETS[b]!) b++;
      this.buckets[proto]![b]! += 1;
      this.sums[proto]! += secs;
    }
  }

  /** The id of a geo answer (-1 past 10,000 distinct answers: the label set stays bounded). */
  private geoIdOf(e: QueryEvent['ctx']['answer'][number], zid: number): number {
    const answer = e.set.rdata.map((rd) => rdataText(e.set.type, rd)).sort().join(' ');
    const name = nameToText(e.owner).toLowerCase();
    const text = `${zid}|${name}|${answer}`;
    let id = this.geoIdByText.get(text);
    if (id === undefined) {
      if (this.geoLabels.length >= 10_000) return -1;
      id = this.geoLabels.length;
      this.geoLabels.push({ zone: this.zoneNames[zid] ?? '', name, answer });
      this.geoIdByText.set(text, id);
      if (id >= this.geoCounts.length) {
        const grown = new Float64Array(this.geoCounts.length * 2);
        grown.set(this.geoCounts);
        this.geoCounts = grown;
      }
    }
    this.geoIds.set(e.set, id);
    return id;
  }

  /** Space-saving (Metwally et al.): a new name takes the place of the least counted one, inheriting
   * its count, so the names kept are the most asked with counts at most overestimated. */
  private noteName(qname: Uint8Array): void {
    const text = nameToText(qname).toLowerCase();
    const n = this.topNames.get(text);
    if (n !== undefined) { this.topNames.set(text, n + 1); return; }
    if (this.topNames.size < TOP_NAMES * 2) { this.topNames.set(text, 1); return; }
    // The least counted name: from the names that had the least count at the last scan and still have
    // it (counts only grow), scanning again when none is left (rarely: many names share the least count).
    let minName: string | undefined;
    while ((minName = this.leastNames.pop()) !== undefined && this.topNames.get(minName) !== this.leastCount);
    if (minName === undefined) {
      this.leastCount = Infinity;
      for (const v of this.topNames.values()) if (v < this.leastCount) this.leastCount = v;
      for (const [k, v] of this.topNames) if (v === this.leastCount) this.leastNames.push(k);
      minName = this.leastNames.pop()!;
    }
    this.topNames.delete(minName);
    this.topNames.set(text, this.leastCount + 1);
  }

  private zoneIdOf(zone: Zone): number {
    const text = nameToText(zone.origin);
    let id = this.zoneIdByName.get(text);
    if (id === undefined) {
      id = this.zoneNames.length;
      this.zoneNames.push(text);
      this.zoneIdByName.set(text, id);
    }
    this.zoneIds.set(zone, id);
    return id;
  }

  /** The Prometheus text exposition. */
  async scrape(): Promise<string> {
    return `${await this.registry.metrics()}${this.histogramText()}`;
  }

  /** The latency histogram in the text format (kept outside prom-client so observing stays cheap). */
  private histogramText(): string {
    const lines = [`# HELP ${HISTOGRAM} Time the engine took to answer a query`, `# TYPE ${HISTOGRAM} histogram`];
    (['udp', 'tcp'] as const).forEach((proto, p) => {
      const b = this.buckets[p]!;
      let cum = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cum += b[i]!;
        lines.push(`${HISTOGRAM}_bucket{le="${le}",proto="${proto}"} ${cum}`);
      });
      cum += b[LATENCY_BUCKETS.length]!;
      lines.push(`${HISTOGRAM}_bucket{le="+Inf",proto="${proto}"} ${cum}`);
      lines.push(`${HISTOGRAM}_sum{proto="${proto}"} ${this.sums[p]}`);
      lines.push(`${HISTOGRAM}_count{proto="${proto}"} ${cum}`);
    });
    return `${lines.join('\n')}\n`;
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
    counterFrom('geodesic_dns_answer_cache_unobserved_total',
      'Answers repeated by the native answer cache that the query log and per-query metrics did not see (its record buffer was full)',
      () => sumStats(caches(), (x) => x.tapDropped));
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
